"""Keep the stored obligations current, at a cost that follows what changed.

Three kinds of change, three paths:

1. **A citizen's inputs changed** (a contact, an enrolment, a booking, a transfer): the service
   that made the change calls ``refresh_citizens`` in its transaction, or ``mark_citizens_dirty``
   when the refresh can wait (bulk imports, bookings); dirty citizens are refreshed by
   ``refresh_dirty`` (Celery, after commit) and at the latest by the nightly run.
2. **A rule changed**: the catalogue announces which target groups it touched
   (``catalogue.signals.rules_changed``); ``refresh_groups`` reruns the engine only for citizens
   with a current or future enrolment in those groups (and the groups mapped onto them).
3. **Only the calendar moved** (the nightly run, ``refresh_changed``): statuses that move with
   the date alone (open -> due soon -> overdue) are one SQL UPDATE per table over the stored
   dates (``advance_statuses``). The engine then reruns only for dirty citizens and for those
   whose stored ``recompute_on`` date has come: the day a future enrolment starts or a running
   one ends, a recurring rule opens its next period, an open obligation passes its deadline or a
   future-dated contact becomes usable (``_recompute_on``). Nothing else can change what the
   engine returns, apart from statuses.

Every path writes only the rows that differ from what is stored (obligations are matched on
(enrolment, rule set, rule, number, earliest)), so a run that finds nothing changed writes
nothing and leaves no dead rows. Work goes in chunks with a fixed number of queries per chunk.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from catalogue.models import TargetGroup
from catalogue.rulebook import KIND_LABELS, RuleBook
from catalogue.selectors import current_rulebook
from citizens.bulk import update_rows
from citizens.models import Citizen, Contact, Enrolment, Obligation
from citizens.obligations import (
    _STATUS_DANISH,
    ContactFacts,
    EnrolmentFacts,
    add_months,
    evaluate,
    next_due,
)
from citizens.obligations import Obligation as Result

logger = logging.getLogger(__name__)
OPEN_STATUSES = ("overdue", "due_soon", "open")
CHUNK = 2000
DUE_SOON_DAYS = 14  # the engine's default ``due_soon_days``; statuses below must agree with it
ONE_DAY = timedelta(days=1)
# Fields of a stored obligation besides its key; compared to decide whether a row is written.
KEY_FIELDS = ("enrolment_id", "rule_set", "rule", "number", "earliest")
VALUE_FIELDS = ("kind", "of", "latest", "status", "performed_by", "explanation", "local")


def today() -> date:
    return timezone.localdate()


def enrolment_facts(enrolment: Enrolment, group_code: str) -> EnrolmentFacts:
    return EnrolmentFacts(
        target_group=group_code,
        start=enrolment.start,
        end=enrolment.end,
        exempt=enrolment.exempt,
        work_obligation=enrolment.work_obligation,
        short_absence=enrolment.short_absence,
        team=enrolment.citizen.team_id,
    )


def contact_facts(row: dict) -> ContactFacts:
    return ContactFacts(
        date=row["date"],
        kind=row["kind"],
        channel=row["channel"],
        performed_by=row["performed_by"],
        outcome=row["outcome"],
        id=row["id"],
    )


def obligation_label(obligation) -> str:
    label = KIND_LABELS.get(obligation.kind, obligation.kind)
    return f"{label} {obligation.number} af {obligation.of}"


def date_status(latest: date, on: date) -> str:
    """The status an open obligation has on ``on`` from its deadline alone (engine policy 8)."""
    if on > latest:
        return "overdue"
    if (latest - on).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "open"


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# --- Entry points ---------------------------------------------------------------------------


@translation.override(settings.LANGUAGE_CODE)  # stored texts are Danish, whoever's request ran it
def refresh_citizens(
    citizen_ids: Iterable[int], *, on: date | None = None, book: RuleBook | None = None
) -> int:
    """Rerun the engine for these citizens and store what differs; returns how many citizens."""
    on = on or today()
    book = book or current_rulebook()
    ids = sorted(set(citizen_ids))
    for chunk in _chunks(ids, CHUNK):
        with transaction.atomic():
            _refresh_chunk(chunk, on, book)
    return len(ids)


def refresh_all(*, on: date | None = None, book: RuleBook | None = None) -> int:
    """Rerun the engine for every citizen (first load, and the baseline the benchmark compares)."""
    ids = list(Citizen.objects.filter(anonymised_at__isnull=True).values_list("id", flat=True))
    done = refresh_citizens(ids, on=on, book=book)
    _summarise(on or today())
    return done


def mark_citizens_dirty(citizen_ids: Iterable[int]) -> int:
    """Flag citizens whose inputs changed (e.g. a booking) for the next refresh; call it inside the
    writing transaction, then ``schedule_dirty_refresh()`` to have them refreshed after commit."""
    ids = sorted(set(citizen_ids))
    for chunk in _chunks(ids, CHUNK):
        Citizen.objects.filter(id__in=chunk).exclude(recompute_on=None).update(recompute_on=None)
    return len(ids)


def schedule_dirty_refresh() -> None:
    """Refresh the dirty citizens in a Celery job once the current transaction has committed."""
    from citizens.tasks import refresh_dirty_obligations

    transaction.on_commit(lambda: refresh_dirty_obligations.delay())


def refresh_dirty(*, on: date | None = None, book: RuleBook | None = None) -> int:
    """Rerun the engine for the citizens marked dirty (``recompute_on`` cleared)."""
    ids = list(
        Citizen.objects.filter(recompute_on=None, anonymised_at__isnull=True).values_list("id", flat=True)
    )
    return refresh_citizens(ids, on=on, book=book)


def citizens_in_groups(group_codes: Iterable[str], on: date) -> list[int]:
    """Citizens with a current or future enrolment in these groups or in a group mapped onto one
    of them (a pre-2027 group uses its 2027 group's rules, engine policy 2)."""
    codes = set(group_codes)
    groups = TargetGroup.objects.filter(Q(code__in=codes) | Q(maps_to__code__in=codes))
    return list(
        Enrolment.objects.filter(Q(end__isnull=True) | Q(end__gte=on), target_group__in=groups)
        .values_list("citizen_id", flat=True)
        .distinct()
    )


def refresh_groups(group_codes: Iterable[str] | None, *, on: date | None = None) -> int:
    """After a rule change: rerun the engine for the target groups it touched (None: all)."""
    on = on or today()
    if group_codes is None:
        return refresh_all(on=on)
    return refresh_citizens(citizens_in_groups(group_codes, on), on=on)


def refresh_changed(*, on: date | None = None, book: RuleBook | None = None) -> dict[str, int]:
    """The nightly run: move date-driven statuses in SQL, then rerun the engine only for citizens
    that are dirty or whose ``recompute_on`` date has come."""
    on = on or today()
    moved = advance_statuses(on)
    ids = list(
        Citizen.objects.filter(Q(recompute_on=None) | Q(recompute_on__lte=on), anonymised_at__isnull=True)
        .values_list("id", flat=True)
    )
    refreshed = refresh_citizens(ids, on=on, book=book)
    _summarise(on)
    return {**moved, "recomputed": refreshed}


def _summarise(on: date) -> int:
    """The forecast's caseload summary of ``on`` (``jobcenter.cohort_summary``), after a refresh."""
    from jobcenter.cohort_summary import rebuild

    return rebuild(on)


# --- Date-only status moves -----------------------------------------------------------------


def _status_sentence(status: str) -> str:
    """The status sentence the engine appends to a stored (Danish) explanation, with its space."""
    text = _STATUS_DANISH[status]
    return f" {text}" if text else ""


def advance_statuses(on: date) -> dict[str, int]:
    """Set every stored status that follows from a deadline alone to what it is on ``on``.

    One UPDATE per (old, new) status pair, touching only rows whose status actually changes (the
    (status, latest) index finds them). An obligation's explanation ends with its status sentence
    (" Overskredet.", " Forfalder snart."), which is swapped with it, so the stored rows stay
    exactly what a rerun of the engine would store.
    """
    soon = on + timedelta(days=DUE_SOON_DAYS)
    # (new status, condition on latest) for each old status; "open" -> "due_soon" etc.
    ranges: dict[str, list[tuple[str, str, list[Any]]]] = {
        "open": [("overdue", "< %s", [on]), ("due_soon", "BETWEEN %s AND %s", [on, soon])],
        "due_soon": [("overdue", "< %s", [on]), ("open", "> %s", [soon])],
        "overdue": [("due_soon", "BETWEEN %s AND %s", [on, soon]), ("open", "> %s", [soon])],
    }
    moved = {"obligations": 0, "enrolments": 0, "citizens": 0}
    ob_table = Obligation._meta.db_table
    with connection.cursor() as cursor:
        for old, moves in ranges.items():
            old_text = _status_sentence(old)
            for new, condition, params in moves:
                new_text = _status_sentence(new)
                # Strip the old status sentence (when present) and append the new one.
                cursor.execute(
                    f"UPDATE {ob_table} SET status = %s, explanation = CASE "
                    f"WHEN %s <> '' AND substr(explanation, length(explanation) - %s + 1) = %s "
                    f"THEN substr(explanation, 1, length(explanation) - %s) ELSE explanation END || %s "
                    f"WHERE status = %s AND latest {condition}",
                    [new, old_text, len(old_text), old_text, len(old_text), new_text, old, *params],
                )
                moved["obligations"] += cursor.rowcount
        # The summaries: one pass over each table (no index leads with the status; a scan is
        # cheaper than six), writing only the rows whose status changes.
        status = "CASE WHEN next_due < %s THEN 'overdue' WHEN next_due <= %s THEN 'due_soon' ELSE 'open' END"
        for model, key in ((Enrolment, "enrolments"), (Citizen, "citizens")):
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET next_status = {status} "
                f"WHERE next_due IS NOT NULL AND next_status IN ('open', 'due_soon', 'overdue') "
                f"AND next_status <> {status}",
                [on, soon, on, soon],
            )
            moved[key] += cursor.rowcount
    return moved


# --- When the engine must run again without any change of input -----------------------------


def _recompute_on(
    book: RuleBook, facts: EnrolmentFacts, results: list[Result], future_contacts: list[date], on: date
) -> date | None:
    """The first day after ``on`` on which the engine may return more than a status change for
    this enrolment although nothing was entered: it starts or ends, a recurring rule opens a new
    period, an open obligation passes its deadline (a rolling rule may then owe the next one), or
    a future-dated contact becomes usable. None: never (the enrolment has ended)."""
    start, end = facts.start, facts.end
    if end is not None and end < on:
        return None
    days: list[date] = [d for d in future_contacts if d > on]
    if start > on:
        days.append(start)
    if end is not None:
        days.append(end + ONE_DAY)
    days.extend(r.latest + ONE_DAY for r in results if r.status in OPEN_STATUSES and r.latest >= on)
    for rule_set in book.rule_sets:
        if rule_set.status != "active":
            continue
        if rule_set.valid_from > on:
            days.append(rule_set.valid_from)
        for rule in book.rules_for(rule_set, facts.target_group):
            every = rule.recurring_every_months
            if every is None or every <= 0:
                continue
            offset = rule.window_from_months
            while rule.window_to_months is None or offset < rule.window_to_months:
                boundary = add_months(start, offset)
                if boundary > on:
                    days.append(boundary)
                    break
                offset += every
    return min(days) if days else None


# --- One chunk ------------------------------------------------------------------------------


def _citizen_filter(citizen_ids: list[int], field: str = "citizen_id") -> dict:
    """A dense chunk of ids (the nightly run) is read as a range scan, a sparse one with IN."""
    lo, hi = citizen_ids[0], citizen_ids[-1]
    if hi - lo + 1 <= 2 * len(citizen_ids):
        return {f"{field}__gte": lo, f"{field}__lte": hi}
    return {f"{field}__in": citizen_ids}


def _stored_values(enrolment_id: int, ob: Result) -> tuple:
    """Key and values of an engine result as stored, in the order KEY_FIELDS + VALUE_FIELDS (the
    stored fields carry the engine result's attribute names)."""
    return (
        enrolment_id, ob.rule_set, ob.rule, ob.number, ob.earliest,
        *(getattr(ob, name) for name in VALUE_FIELDS),
    )


def _refresh_chunk(citizen_ids: list[int], on: date, book: RuleBook) -> None:
    wanted = set(citizen_ids)
    scope = _citizen_filter(citizen_ids)
    # Lock the citizens (in id order, as every writer does) so that a contact saved meanwhile
    # cannot be lost between reading the contacts and writing the obligations.
    locked = Citizen.objects.select_for_update().filter(id__in=citizen_ids).order_by("id")
    teams = dict(locked.values_list("id", "team_id"))
    group_codes = dict(TargetGroup.objects.values_list("id", "code"))
    enrolments = [
        row
        for row in Enrolment.objects.filter(**scope)
        .order_by("citizen_id", "start")
        .values_list(
            "id",
            "citizen_id",
            "target_group_id",
            "start",
            "end",
            "exempt",
            "work_obligation",
            "next_due",
            "next_status",
            "short_absence",
        )
        if row[1] in wanted
    ]
    contacts_by_citizen: dict[int, list[ContactFacts]] = defaultdict(list)
    future_contacts: dict[int, list[date]] = defaultdict(list)
    last_contact: dict[int, date] = {}
    for row in Contact.objects.filter(**scope).values_list(
        "id", "citizen_id", "date", "kind", "channel", "performed_by", "outcome"
    ):
        pk, citizen_id, day, kind, channel, performed_by, outcome = row
        if citizen_id not in wanted:
            continue
        if day > on:
            future_contacts[citizen_id].append(day)
            continue
        contacts_by_citizen[citizen_id].append(ContactFacts(day, kind, channel, performed_by, outcome, pk))
        if outcome == "held" and (citizen_id not in last_contact or day > last_contact[citizen_id]):
            last_contact[citizen_id] = day

    wanted_rows: dict[tuple, tuple] = {}
    enrolment_rows: list[tuple] = []
    summary: dict[int, dict] = {
        cid: {"current": None, "next": None, "recompute": None} for cid in citizen_ids
    }
    for enr in enrolments:
        pk, citizen_id, group_id, start, end, exempt, work_obligation, old_due, old_status, short = enr
        active = start <= on and (end is None or end >= on)
        due, status = None, ""
        entry = summary[citizen_id]
        if active or start > on:
            facts = EnrolmentFacts(
                group_codes[group_id], start, end, exempt, work_obligation, short, teams.get(citizen_id)
            )
            try:
                results = evaluate(book, facts, contacts_by_citizen.get(citizen_id, ()), on)
                recompute = _recompute_on(book, facts, results, future_contacts.get(citizen_id, []), on)
            except (ValueError, OverflowError):
                # One impossible enrolment must not stop the nightly run for everyone else.
                logger.exception("Kontaktkrav kunne ikke beregnes for forløb %s", pk)
                continue
            for ob in results:
                if ob.status in OPEN_STATUSES:
                    values = _stored_values(pk, ob)
                    wanted_rows[values[: len(KEY_FIELDS)]] = values[len(KEY_FIELDS) :]
            upcoming = next_due(results)
            if upcoming is not None:
                due, status = upcoming.latest, upcoming.status
            if active:
                entry["current"] = (group_id, start)
            if upcoming is not None and (entry["next"] is None or upcoming.latest < entry["next"].latest):
                entry["next"] = upcoming
            if recompute is not None and (entry["recompute"] is None or recompute < entry["recompute"]):
                entry["recompute"] = recompute
        if (due, status) != (old_due, old_status):
            enrolment_rows.append((pk, due, status))

    _write_obligations([row[0] for row in enrolments], wanted_rows)
    update_rows(Enrolment, ["next_due", "next_status"], enrolment_rows)

    fields = (*Citizen.SUMMARY_FIELDS, "recompute_on")
    old = {
        row[0]: row[1:]
        for row in Citizen.objects.filter(**_citizen_filter(citizen_ids, "id")).values_list("id", *fields)
    }
    rows = []
    for citizen_id in citizen_ids:
        current, upcoming = summary[citizen_id]["current"], summary[citizen_id]["next"]
        values = (
            current[0] if current else None,
            current[1] if current else None,
            upcoming.latest if upcoming else None,
            upcoming.status if upcoming else "",
            obligation_label(upcoming) if upcoming else "",
            last_contact.get(citizen_id),
            # Never again without a change of input: far in the future, not NULL (NULL = dirty).
            summary[citizen_id]["recompute"] or date.max,
        )
        if old.get(citizen_id) != values:  # the nightly run mostly finds nothing changed
            rows.append((citizen_id, *values))
    update_rows(Citizen, fields, rows)


def _write_obligations(enrolment_ids: list[int], wanted: dict[tuple, tuple]) -> None:
    """Make the stored open obligations of these enrolments equal ``wanted``, writing only rows
    that differ: update changed values, delete what is no longer owed, insert what is new."""
    if not enrolment_ids:
        return
    stale: list[int] = []
    changed: list[tuple] = []
    seen: set[tuple] = set()
    for row in Obligation.objects.filter(enrolment_id__in=enrolment_ids).values_list(
        "id", *KEY_FIELDS, *VALUE_FIELDS
    ):
        pk, key, values = row[0], row[1 : 1 + len(KEY_FIELDS)], row[1 + len(KEY_FIELDS) :]
        new = wanted.get(key)
        if new is None or key in seen:
            stale.append(pk)
            continue
        seen.add(key)
        if new != values:
            changed.append((pk, *new))
    if stale:
        Obligation.objects.filter(id__in=stale).delete()
    update_rows(Obligation, VALUE_FIELDS, changed)
    Obligation.objects.bulk_create(
        [
            Obligation(**dict(zip(KEY_FIELDS + VALUE_FIELDS, key + values, strict=True)))
            for key, values in wanted.items()
            if key not in seen
        ],
        batch_size=5000,
    )
