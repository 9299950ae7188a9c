"""Bulk variants of the services in ``citizens/services.py``, for the caseload import.

The same rules (``citizens/input_checks.py``) and the same audit entries
(``citizens/audit_details.py``, marked ``"via": "import"``) as creating a citizen, moving them to
another target group, marking a short absence and registering a contact one at a time; only the
reads and writes are batched, so that 100,000 rows take seconds. Unlike the single-row services these
upsert: a citizen by CPR number, an enrolment by (citizen, target group, start) and a contact by
(citizen, date, kind, channel, performed by), so the same file imported again changes nothing.

The caller holds the transaction (all or nothing) and refreshes the obligations afterwards. A row
that conflicts with what is stored is reported as ``ImportRejected`` with the file's row numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import TargetGroup
from citizens import audit_details, input_checks
from citizens.bulk import insert_rows, update_rows
from citizens.import_check import CitizenRow, ContactRow, ImportRejected, RowError
from citizens.models import AuditEvent, Citizen, Contact, Enrolment

BATCH = 2000
CONTACT_BATCH = 5000
LOOKUP_CHUNK = 5000


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


Audit = tuple  # (at, user id, citizen id, action, details): one AuditEvent row, for insert_rows
AUDIT_FIELDS = ("at", "user", "citizen", "action", "details")


def _audit(user, citizen_id: int, action: str, details: dict[str, Any]) -> Audit:
    """An audit entry as ``services.audit_log`` writes it, marked as the import's."""
    return (None, getattr(user, "pk", None), citizen_id, action, {**details, **audit_details.VIA_IMPORT})


def _write_audits(audits: list[Audit]) -> None:
    now = timezone.now()
    insert_rows(AuditEvent, AUDIT_FIELDS, ((now, *audit[1:]) for audit in audits))


@dataclass
class CitizensWritten:
    ids: dict[str, int]  # CPR -> id, for every citizen in the file
    created: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    unchanged: int = 0

    @property
    def known(self) -> list[int]:
        """Citizens stored before the import."""
        new = set(self.created)
        return [pk for pk in self.ids.values() if pk not in new]


SHOWN = ("first_name", "last_name", "team", "caseworker")  # as the audit log shows a changed citizen


def citizens_upsert_bulk(
    *, user, rows: Sequence[CitizenRow], team_ids: Mapping[str, int], staff_ids: Mapping[str, int]
) -> CitizensWritten:
    """Create the citizens not yet stored (as ``services.citizen_create``) and update the names, team
    and caseworker of those that are (as ``citizen_update``: version bumped, before and after logged).
    Their enrolments follow in ``enrolments_upsert_bulk``."""
    label = {"first_name": _("Fornavn"), "last_name": _("Efternavn")}
    conflicts: list[RowError] = []

    def check_names(r: CitizenRow) -> None:  # for the citizens written; unchanged ones are left as they are
        for column in ("first_name", "last_name"):
            if error := input_checks.name_error(getattr(r, column), label[column]):
                conflicts.append(RowError(r.row, column, error))

    existing: dict[str, tuple] = {}
    for chunk in _chunks([r.cpr for r in rows], LOOKUP_CHUNK):
        for pk, cpr, first, last, team, caseworker, version in Citizen.objects.filter(
            cpr__in=chunk
        ).values_list("pk", "cpr", "first_name", "last_name", "team_id", "caseworker_id", "version"):
            existing[cpr] = (pk, first, last, team, caseworker, version)
    team_names = {pk: name for name, pk in team_ids.items()}
    written = CitizensWritten(ids={cpr: stored[0] for cpr, stored in existing.items()})
    new: list[Citizen] = []
    updates: list[tuple] = []
    audits: list[Audit] = []
    now = timezone.now()
    for r in rows:
        wanted = (r.first_name, r.last_name, team_ids[r.team], staff_ids.get(r.caseworker or ""))
        stored = existing.get(r.cpr)
        if stored is None:
            check_names(r)
            new.append(Citizen(cpr=r.cpr, first_name=wanted[0], last_name=wanted[1], team_id=wanted[2],
                               caseworker_id=wanted[3]))
            continue
        pk, *before, version = stored
        if tuple(before) == wanted:
            written.unchanged += 1
            continue
        check_names(r)
        updates.append((pk, *wanted, version + 1, now))
        shown_before = dict(zip(SHOWN, (*before[:2], team_names.get(before[2]), before[3]), strict=True))
        shown_after = dict(zip(SHOWN, (*wanted[:2], r.team, wanted[3]), strict=True))
        names = [name for name in shown_after if shown_before[name] != shown_after[name]]
        audits.append(_audit(user, pk, AuditEvent.Action.UPDATE, audit_details.changed(
            {name: shown_before[name] for name in names}, {name: shown_after[name] for name in names}
        )))
    if conflicts:
        raise ImportRejected(conflicts)
    Citizen.objects.bulk_create(new, batch_size=BATCH)
    update_rows(Citizen, ["first_name", "last_name", "team", "caseworker", "version", "updated_at"], updates)
    for citizen, r in zip(new, [r for r in rows if r.cpr not in existing], strict=True):
        written.ids[citizen.cpr] = citizen.pk
        written.created.append(citizen.pk)
        audits.append(_audit(user, citizen.pk, AuditEvent.Action.CREATE, audit_details.citizen_created(
            first_name=r.first_name, last_name=r.last_name, team=r.team, target_group=r.target_group,
            start=r.start, short_absence=r.short_absence,
        )))
    written.changed = [u[0] for u in updates]
    _write_audits(audits)
    return written


@dataclass
class EnrolmentsWritten:
    created: int = 0
    ended: int = 0
    touched: set[int] = field(default_factory=set)  # citizens whose enrolments changed
    first_start: dict[int, date] = field(default_factory=dict)  # citizen id -> first enrolment's start


def enrolments_upsert_bulk(
    *, user, rows: Sequence[CitizenRow], citizens: CitizensWritten, groups: Mapping[str, TargetGroup]
) -> EnrolmentsWritten:
    """The enrolment each row states: kept when stored (its short-absence flag set as
    ``enrolment_set_short_absence`` does), started with a new citizen, or a transfer
    (``enrolment_transfer``: the same checks, the open enrolment ends the day before)."""
    today = timezone.localdate()
    code_of = {g.pk: code for code, g in groups.items()}
    stored: dict[tuple, tuple[int, bool]] = {}  # (citizen, group, start) -> (enrolment, short absence)
    open_enrolment: dict[int, tuple[int, str]] = {}  # citizen -> (enrolment, group code)
    latest: dict[int, date] = {}
    written = EnrolmentsWritten()
    for chunk in _chunks(citizens.known, LOOKUP_CHUNK):
        for pk, citizen_id, group_id, start, end, short in Enrolment.objects.filter(
            citizen_id__in=chunk
        ).values_list("pk", "citizen_id", "target_group_id", "start", "end", "short_absence"):
            stored[(citizen_id, group_id, start)] = (pk, short)
            if end is None:
                open_enrolment[citizen_id] = (pk, code_of[group_id])
            latest[citizen_id] = max(start, latest.get(citizen_id, start))
            written.first_start[citizen_id] = min(start, written.first_start.get(citizen_id, start))
    created = set(citizens.created)
    to_create: list[Enrolment] = []
    to_end: list[tuple] = []
    to_flag: list[tuple] = []
    audits: list[Audit] = []
    conflicts: list[RowError] = []

    def refuse(row: CitizenRow, column: str, message: str | None) -> bool:
        if message:
            conflicts.append(RowError(row.row, column, message))
        return bool(message)

    for r in rows:
        citizen_id, group = citizens.ids[r.cpr], groups[r.target_group]
        if refuse(r, "short_absence", input_checks.short_absence_error(r.target_group, r.short_absence)):
            continue
        match = stored.get((citizen_id, group.pk, r.start))
        if match is not None:
            pk, short = match
            if short != r.short_absence:
                to_flag.append((pk, r.short_absence))
                written.touched.add(citizen_id)
                flag = audit_details.short_absence_set(enrolment=pk, before=short, after=r.short_absence)
                audits.append(_audit(user, citizen_id, AuditEvent.Action.UPDATE, flag))
            continue
        if refuse(r, "start", input_checks.start_error(r.start, today)) or refuse(
            r, "target_group", input_checks.closed_scheme_error(group, r.start)
        ):
            continue
        if citizen_id not in created:  # a move to another group, as enrolment_transfer
            current = open_enrolment.get(citizen_id)
            refused = input_checks.transfer_error(
                current_group=current[1] if current else None, latest_start=latest.get(citizen_id),
                group=r.target_group, start=r.start,
            )
            if refused:
                refuse(r, *refused)
                continue
            if current is not None:
                to_end.append((current[0], r.start - timedelta(days=1)))
            audits.append(_audit(user, citizen_id, AuditEvent.Action.UPDATE, audit_details.transferred(
                before_group=current[1] if current else None, target_group=r.target_group, start=r.start,
                short_absence=r.short_absence,
            )))
        to_create.append(Enrolment(citizen_id=citizen_id, target_group_id=group.pk, start=r.start,
                                   short_absence=r.short_absence))
        written.touched.add(citizen_id)
        written.first_start[citizen_id] = min(r.start, written.first_start.get(citizen_id, r.start))
    if conflicts:
        raise ImportRejected(conflicts)
    update_rows(Enrolment, ["end"], to_end)
    update_rows(Enrolment, ["short_absence"], to_flag)
    Enrolment.objects.bulk_create(to_create, batch_size=BATCH)
    _write_audits(audits)
    written.created, written.ended = len(to_create), len(to_end)
    return written


@dataclass
class ContactsWritten:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched: set[int] = field(default_factory=set)


def contacts_upsert_bulk(
    *, user, contacts: Sequence[ContactRow], citizens: CitizensWritten, first_start: Mapping[int, date]
) -> ContactsWritten:
    """Register the contacts not yet stored (as ``services.contact_register``: the same date and
    minutes rules, one audit entry each) and update the outcome and minutes of those that are, where
    the file states them. Imported contacts have no *holdt af*: the file does not say who held them.

    Only the contacts of citizens stored before can match (a new citizen has none). Where several
    stored contacts share a key (registered twice by hand), the oldest is matched."""
    written = ContactsWritten()
    if not contacts:
        return written
    today = timezone.localdate()
    conflicts: list[RowError] = []

    def check(c: ContactRow, citizen_id: int) -> None:  # for the contacts written
        first = first_start.get(citizen_id)
        if date_error := input_checks.contact_date_error(c.date, today=today, first_start=first):
            conflicts.append(RowError(c.row, "contact_date", date_error))
        if c.minutes is not None and (minutes_error := input_checks.minutes_error(c.minutes)):
            conflicts.append(RowError(c.row, "contact_minutes", minutes_error))

    stored: dict[tuple, tuple[int, str, int]] = {}
    in_file = {citizens.ids[c.cpr] for c in contacts}
    for chunk in _chunks([pk for pk in citizens.known if pk in in_file], LOOKUP_CHUNK):
        for pk, citizen_id, day, kind, channel, performer, outcome, minutes in (
            Contact.objects.filter(citizen_id__in=chunk)
            .order_by("-pk")
            .values_list("pk", "citizen_id", "date", "kind", "channel", "performed_by", "outcome", "minutes")
        ):
            stored[(citizen_id, day, kind, channel, performer)] = (pk, outcome, minutes)
    to_create: list[Contact] = []
    to_update: list[tuple] = []
    audits: list[Audit] = []
    for c in contacts:
        citizen_id = citizens.ids[c.cpr]
        match = stored.get((citizen_id, c.date, c.kind, c.channel, c.performed_by))
        if match is None:
            check(c, citizen_id)
            to_create.append(Contact(citizen_id=citizen_id, date=c.date, kind=c.kind, channel=c.channel,
                                     performed_by=c.performed_by, outcome=c.outcome_or_default,
                                     minutes=c.minutes_or_default))
            continue
        pk, outcome, minutes = match
        wanted = (c.outcome or outcome, c.minutes or minutes)
        if wanted == (outcome, minutes):
            written.unchanged += 1
            continue
        check(c, citizen_id)
        to_update.append((pk, *wanted))
        written.touched.add(citizen_id)
        details = audit_details.contact_registered(contact=pk, day=c.date, kind=c.kind, channel=c.channel,
                                                   outcome=wanted[0])
        change = audit_details.changed({"outcome": outcome, "minutes": minutes},
                                       {"outcome": wanted[0], "minutes": wanted[1]})
        audits.append(_audit(user, citizen_id, AuditEvent.Action.CONTACT, {**details, **change}))
    if conflicts:
        raise ImportRejected(conflicts)
    for batch in _chunks(to_create, CONTACT_BATCH):
        Contact.objects.bulk_create(batch)
    update_rows(Contact, ["outcome", "minutes"], to_update)
    for contact in to_create:
        written.touched.add(contact.citizen_id)
        details = audit_details.contact_registered(
            contact=contact.pk, day=contact.date, kind=contact.kind, channel=contact.channel,
            outcome=contact.outcome,
        )
        audits.append(_audit(user, contact.citizen_id, AuditEvent.Action.CONTACT, details))
    _write_audits(audits)
    written.created, written.updated = len(to_create), len(to_update)
    return written
