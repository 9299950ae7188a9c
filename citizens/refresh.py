"""Keep the stored obligations current: run the pure engine over enrolments and save the result.

Called after every contact, enrolment or rule change for the citizens concerned, and nightly for
everyone (the passing of time turns open obligations into due-soon and overdue ones).
Works in chunks with a fixed number of queries per chunk, so it scales to a million citizens.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db import transaction
from django.utils import timezone

from catalogue.models import TargetGroup
from catalogue.rulebook import KIND_LABELS, RuleBook
from catalogue.selectors import current_rulebook
from citizens.bulk import update_rows
from citizens.models import Citizen, Contact, Enrolment, Obligation
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate, next_due

logger = logging.getLogger(__name__)
OPEN_STATUSES = ("overdue", "due_soon", "open")
CHUNK = 2000


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


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def refresh_citizens(
    citizen_ids: Iterable[int], *, on: date | None = None, book: RuleBook | None = None
) -> int:
    """Recompute and store the obligations of these citizens; returns how many citizens."""
    on = on or today()
    book = book or current_rulebook()
    ids = sorted(set(citizen_ids))
    for chunk in _chunks(ids, CHUNK):
        with transaction.atomic():
            _refresh_chunk(chunk, on, book)
    return len(ids)


def refresh_all(*, on: date | None = None, book: RuleBook | None = None) -> int:
    ids = list(Citizen.objects.filter(anonymised_at__isnull=True).values_list("id", flat=True))
    return refresh_citizens(ids, on=on, book=book)


def _citizen_filter(citizen_ids: list[int], field: str = "citizen_id") -> dict:
    """A dense chunk of ids (the nightly run) is read as a range scan, a sparse one with IN."""
    lo, hi = citizen_ids[0], citizen_ids[-1]
    if hi - lo + 1 <= 2 * len(citizen_ids):
        return {f"{field}__gte": lo, f"{field}__lte": hi}
    return {f"{field}__in": citizen_ids}


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
    last_contact: dict[int, date] = {}
    for row in Contact.objects.filter(**scope, date__lte=on).values_list(
        "id", "citizen_id", "date", "kind", "channel", "performed_by", "outcome"
    ):
        pk, citizen_id, day, kind, channel, performed_by, outcome = row
        if citizen_id not in wanted:
            continue
        contacts_by_citizen[citizen_id].append(ContactFacts(day, kind, channel, performed_by, outcome, pk))
        if outcome == "held" and (citizen_id not in last_contact or day > last_contact[citizen_id]):
            last_contact[citizen_id] = day

    new_obligations: list[Obligation] = []
    enrolment_rows: list[tuple] = []
    summary: dict[int, dict] = {cid: {"current": None, "next": None} for cid in citizen_ids}
    for enr in enrolments:
        pk, citizen_id, group_id, start, end, exempt, work_obligation, old_due, old_status, short = enr
        active = start <= on and (end is None or end >= on)
        due, status = None, ""
        if active or start > on:
            try:
                results = evaluate(
                    book,
                    EnrolmentFacts(group_codes[group_id], start, end, exempt, work_obligation, short,
                                   teams.get(citizen_id)),
                    contacts_by_citizen.get(citizen_id, ()),
                    on,
                )
            except (ValueError, OverflowError):
                # One impossible enrolment must not stop the nightly run for everyone else.
                logger.exception("Kontaktkrav kunne ikke beregnes for forløb %s", pk)
                continue
            new_obligations.extend(
                Obligation(
                    enrolment_id=pk,
                    rule_set=ob.rule_set,
                    rule=ob.rule,
                    kind=ob.kind,
                    number=ob.number,
                    of=ob.of,
                    earliest=ob.earliest,
                    latest=ob.latest,
                    status=ob.status,
                    performed_by=ob.performed_by,
                    explanation=ob.explanation,
                    local=ob.local,
                )
                for ob in results
                if ob.status in OPEN_STATUSES
            )
            upcoming = next_due(results)
            if upcoming is not None:
                due, status = upcoming.latest, upcoming.status
            entry = summary[citizen_id]
            if active:
                entry["current"] = (group_id, start)
            if upcoming is not None and (entry["next"] is None or upcoming.latest < entry["next"].latest):
                entry["next"] = upcoming
        if (due, status) != (old_due, old_status):
            enrolment_rows.append((pk, due, status))

    Obligation.objects.filter(enrolment_id__in=[row[0] for row in enrolments]).delete()
    Obligation.objects.bulk_create(new_obligations, batch_size=5000)
    update_rows(Enrolment, ["next_due", "next_status"], enrolment_rows)

    fields = Citizen.SUMMARY_FIELDS
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
        )
        if old.get(citizen_id) != values:  # the nightly run mostly finds nothing changed
            rows.append((citizen_id, *values))
    update_rows(Citizen, fields, rows)
