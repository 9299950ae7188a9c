"""Keep the stored obligations current: run the pure engine over enrolments and save the result.

Called after every contact, enrolment or rule change for the citizens concerned, and nightly for
everyone (the passing of time turns open obligations into due-soon and overdue ones).
Works in chunks with a fixed number of queries per chunk, so it scales to a million citizens.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catalogue.rulebook import KIND_LABELS, RuleBook
from catalogue.selectors import current_rulebook
from citizens.bulk import update_rows
from citizens.models import Citizen, Contact, Enrolment, Obligation
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate, next_due

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


def _refresh_chunk(citizen_ids: list[int], on: date, book: RuleBook) -> None:
    enrolments = list(
        Enrolment.objects.filter(citizen_id__in=citizen_ids)
        .select_related("target_group")
        .order_by("citizen_id", "start")
    )
    contacts_by_citizen: dict[int, list[ContactFacts]] = defaultdict(list)
    for row in Contact.objects.filter(citizen_id__in=citizen_ids, date__lte=on).values(
        "id", "citizen_id", "date", "kind", "channel", "performed_by", "outcome"
    ):
        contacts_by_citizen[row["citizen_id"]].append(contact_facts(row))
    last_contact = dict(
        Contact.objects.filter(citizen_id__in=citizen_ids, date__lte=on, outcome="held")
        .values("citizen_id")
        .annotate(last=Max("date"))
        .values_list("citizen_id", "last")
    )

    new_obligations: list[Obligation] = []
    summary: dict[int, dict] = {cid: {"current": None, "next": None} for cid in citizen_ids}
    for enrolment in enrolments:
        active = enrolment.start <= on and (enrolment.end is None or enrolment.end >= on)
        future = enrolment.start > on
        enrolment.next_due, enrolment.next_status = None, ""
        if not (active or future):
            continue
        results = evaluate(
            book,
            enrolment_facts(enrolment, enrolment.target_group.code),
            contacts_by_citizen.get(enrolment.citizen_id, ()),
            on,
        )
        for ob in results:
            if ob.status in OPEN_STATUSES:
                new_obligations.append(
                    Obligation(
                        enrolment=enrolment,
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
                    )
                )
        upcoming = next_due(results)
        if upcoming is not None:
            enrolment.next_due, enrolment.next_status = upcoming.latest, upcoming.status
        entry = summary[enrolment.citizen_id]
        if active:
            entry["current"] = enrolment
        if upcoming is not None and (entry["next"] is None or upcoming.latest < entry["next"].latest):
            entry["next"] = upcoming

    Obligation.objects.filter(enrolment__citizen_id__in=citizen_ids).delete()
    Obligation.objects.bulk_create(new_obligations, batch_size=5000)
    update_rows(
        Enrolment, ["next_due", "next_status"], [(e.pk, e.next_due, e.next_status) for e in enrolments]
    )

    rows = []
    for citizen_id in citizen_ids:
        entry = summary[citizen_id]
        current, upcoming = entry["current"], entry["next"]
        rows.append(
            (
                citizen_id,
                current.target_group_id if current else None,
                current.start if current else None,
                upcoming.latest if upcoming else None,
                upcoming.status if upcoming else "",
                obligation_label(upcoming) if upcoming else "",
                last_contact.get(citizen_id),
            )
        )
    update_rows(
        Citizen,
        ["current_target_group", "current_start", "next_due", "next_status", "next_label", "last_contact"],
        rows,
    )
