"""Writes about citizens. Each is one transaction, audited, and keeps the stored obligations current.

Bad input raises ValidationError with a Danish message per field, before anything is saved.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Min, Q, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from catalogue.models import TargetGroup
from catalogue.selectors import current_rulebook
from citizens.cpr import CprError, parse_cpr
from citizens.models import AuditEvent, Citizen, Contact, Enrolment
from citizens.refresh import refresh_citizens
from jobcenter.models import StaffMember, Team

EXEMPTION_LIMIT = 0.25  # LAB as amended by lov nr. 1750 af 29.12.2025: up to 1 in 4 may be exempted


class StaleEdit(Exception):
    """Someone else saved the citizen after this form was opened (optimistic locking)."""


def audit_log(*, user, citizen: Citizen | None, action: str, details: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(user=user, citizen=citizen, action=action, details=details or {})


def _staff(user) -> StaffMember | None:
    return getattr(user, "staff_member", None)


def contact_register(
    *,
    user,
    citizen: Citizen,
    date: date,
    kind: str,
    channel: str,
    minutes: int,
    outcome: str,
    note: str = "",
    performed_by: str = "kommune",
) -> Contact:
    today = timezone.localdate()
    if date > today:
        raise ValidationError(
            {"date": "Datoen ligger i fremtiden. En kontakt registreres, når den er holdt."}
        )
    first_start = citizen.enrolments.aggregate(first=Min("start"))["first"]
    if first_start is None:
        raise ValidationError({"date": "Borgeren har intet forløb, så kontakten kan ikke registreres."})
    if date < first_start:
        raise ValidationError(
            {"date": f"Datoen ligger før borgerens første forløb startede ({first_start:%d.%m.%Y})."}
        )
    with transaction.atomic():
        contact = Contact(
            citizen=citizen,
            date=date,
            kind=kind,
            channel=channel,
            minutes=minutes,
            outcome=outcome,
            note=note,
            performed_by=performed_by,
            held_by=_staff(user) if performed_by == "kommune" else None,
        )
        contact.full_clean()
        contact.save()
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.CONTACT,
            details={
                "contact": contact.pk,
                "date": date.isoformat(),
                "kind": kind,
                "channel": channel,
                "outcome": outcome,
            },
        )
        refresh_citizens([citizen.pk])
    return contact


def normalise_cpr(cpr: str, *, exclude_pk: int | None = None) -> str:
    try:
        digits, _born = parse_cpr(cpr)
    except CprError as exc:
        raise ValidationError({"cpr": str(exc)}) from None
    duplicates = Citizen.objects.filter(cpr=digits)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"cpr": "Der findes allerede en borger med dette CPR-nummer."})
    return digits


def citizen_create(
    *,
    user,
    cpr: str,
    first_name: str,
    last_name: str,
    team: Team,
    caseworker: StaffMember | None,
    target_group: TargetGroup,
    start: date,
) -> Citizen:
    digits = normalise_cpr(cpr)
    if caseworker is not None and caseworker.team_id != team.pk:
        raise ValidationError({"caseworker": "Sagsbehandleren hører ikke til det valgte team."})
    with transaction.atomic():
        citizen = Citizen.objects.create(
            cpr=digits,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            team=team,
            caseworker=caseworker,
        )
        Enrolment.objects.create(citizen=citizen, target_group=target_group, start=start)
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.CREATE,
            details={
                "after": {
                    "first_name": first_name,
                    "last_name": last_name,
                    "team": team.name,
                    "target_group": target_group.code,
                    "start": start.isoformat(),
                }
            },
        )
        refresh_citizens([citizen.pk])
    return citizen


def citizen_update(*, user, citizen: Citizen, version: int, **changes) -> Citizen:
    """Save changed fields only if nobody saved the citizen since `version` was read."""
    if "cpr" in changes:
        changes["cpr"] = normalise_cpr(changes["cpr"], exclude_pk=citizen.pk)
    before = {name: str(getattr(citizen, name)) for name in changes}
    with transaction.atomic():
        updated = Citizen.objects.filter(pk=citizen.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes
        )
        if not updated:
            raise StaleEdit()
        citizen.refresh_from_db()
        after = {name: str(getattr(citizen, name)) for name in changes}
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.UPDATE,
            details={"before": before, "after": after},
        )
    return citizen


def current_enrolment(citizen: Citizen) -> Enrolment | None:
    return citizen.enrolments.filter(end__isnull=True).order_by("-start").first()


def enrolment_transfer(*, user, citizen: Citizen, target_group: TargetGroup, start: date) -> Enrolment:
    """End the current enrolment the day before `start` and start a new one in another group."""
    current = current_enrolment(citizen)
    if current is not None:
        if current.target_group_id == target_group.pk:
            raise ValidationError({"target_group": "Borgeren er allerede i denne målgruppe."})
        if start <= current.start:
            raise ValidationError(
                {
                    "start": "Den nye målgruppe skal starte efter det nuværende forløb "
                    f"({current.start:%d.%m.%Y})."
                }
            )
    with transaction.atomic():
        if current is not None:
            current.end = start - timezone.timedelta(days=1)
            current.save(update_fields=["end"])
        new = Enrolment.objects.create(citizen=citizen, target_group=target_group, start=start)
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.UPDATE,
            details={
                "before": {"target_group": current.target_group.code if current else None},
                "after": {"target_group": target_group.code, "start": start.isoformat()},
            },
        )
        refresh_citizens([citizen.pk])
    return new


def exemptable_group_codes(on: date) -> set[str]:
    """Groups whose rules in force on `on` may be waived by the 25 % exemption."""
    book = current_rulebook()
    rule_set = book.in_force(on)
    if rule_set is None:
        return set()
    return {rule.target_group for rule in rule_set.rules if rule.exemptable}


def exemption_usage(on: date | None = None) -> dict:
    """The municipality's use of the 25 % exemption among active enrolments it can apply to."""
    on = on or timezone.localdate()
    active = Enrolment.objects.filter(
        start__lte=on, target_group__code__in=exemptable_group_codes(on), work_obligation=False
    ).exclude(end__lt=on)
    eligible = active.count()
    exempt = active.filter(exempt=True).count()
    share = exempt / eligible if eligible else 0.0
    return {
        "exempt": exempt,
        "eligible": eligible,
        "share": share,
        "limit": EXEMPTION_LIMIT,
        "room": max(0, int(eligible * EXEMPTION_LIMIT) - exempt),
    }


def enrolment_mark_exempt(*, user, enrolment: Enrolment, reason: str) -> Enrolment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Skriv en begrundelse for fritagelsen."})
    if enrolment.work_obligation:
        raise ValidationError({"reason": "Borgere med arbejdspligt kan ikke fritages (LAB kap. 16 a)."})
    if enrolment.exempt:
        raise ValidationError({"reason": "Forløbet er allerede fritaget."})
    on = timezone.localdate()
    if enrolment.target_group.code not in exemptable_group_codes(on):
        raise ValidationError(
            {"reason": "25 %-fritagelsen gælder ikke for denne målgruppe efter de regler, der gælder nu."}
        )
    with transaction.atomic():
        # Lock the enrolments counted, so that two caseworkers cannot both take the last place.
        list(Enrolment.objects.select_for_update().filter(exempt=True).values_list("pk", flat=True))
        usage = exemption_usage(on)
        if usage["room"] < 1:
            raise ValidationError(
                {
                    "reason": f"Kommunen har brugt {usage['exempt']} af "
                    f"{int(usage['eligible'] * EXEMPTION_LIMIT)} "
                    "mulige fritagelser (25 %). Der er ikke plads til flere."
                }
            )
        enrolment.exempt = True
        enrolment.exempt_reason = reason
        enrolment.exempt_decided_by = user
        enrolment.save(update_fields=["exempt", "exempt_reason", "exempt_decided_by"])
        audit_log(
            user=user,
            citizen=enrolment.citizen,
            action=AuditEvent.Action.UPDATE,
            details={"before": {"exempt": False}, "after": {"exempt": True, "reason": reason}},
        )
        refresh_citizens([enrolment.citizen_id])
    return enrolment


def caseload_reassign(*, user, citizens: list[Citizen], to: StaffMember) -> int:
    """Move citizens to another caseworker (who must be in the citizens' team)."""
    wrong_team = [c for c in citizens if c.team_id != to.team_id]
    if wrong_team:
        raise ValidationError({"to": "Modtageren skal høre til samme team som borgerne."})
    with transaction.atomic():
        for citizen in citizens:
            before = citizen.caseworker_id
            Citizen.objects.filter(pk=citizen.pk).update(caseworker=to, version=F("version") + 1)
            audit_log(
                user=user,
                citizen=citizen,
                action=AuditEvent.Action.REASSIGN,
                details={"before": {"caseworker": before}, "after": {"caseworker": to.pk}},
            )
    return len(citizens)


# --- retention --------------------------------------------------------------------------------


def retention_cutoff(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def citizens_anonymise_inactive(*, on: date | None = None, years: int | None = None) -> int:
    """Anonymise citizens with no enrolment and no contact in the last `years` (RETENTION_YEARS).

    Names are blanked, the CPR number is replaced by a token that cannot be a CPR number
    (``X`` + the id), free text (contact notes, exemption reasons, before/after values in the
    audit log) is removed. Enrolments and contacts stay with their target group, dates and kinds,
    so that the forecasts' history keeps its aggregates. Returns how many were anonymised.
    """
    on = on or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    cutoff = retention_cutoff(on, years)
    recent_enrolment = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=cutoff) | Q(start__gte=cutoff)
    )
    recent_contact = Contact.objects.filter(date__gte=cutoff)
    stale = (
        Citizen.objects.filter(anonymised_at__isnull=True, created_at__date__lt=cutoff)
        .exclude(pk__in=recent_enrolment.values("citizen_id"))
        .exclude(pk__in=recent_contact.values("citizen_id"))
    )
    with transaction.atomic():
        ids = list(stale.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Citizen.objects.filter(pk__in=ids).update(
            first_name="",
            last_name="",
            cpr=Concat(Value("X"), LPad(Cast("id", CharField()), 9, Value("0"))),
            anonymised_at=timezone.now(),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        Contact.objects.filter(citizen_id__in=ids).update(note="")
        Enrolment.objects.filter(citizen_id__in=ids).update(exempt_reason="")
        AuditEvent.objects.filter(
            citizen_id__in=ids, action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]
        ).update(details={"anonymised": True})
        audit_log(
            user=None,
            citizen=None,
            action=AuditEvent.Action.UPDATE,
            details={"retention": {"anonymised": len(ids), "cutoff": cutoff.isoformat(), "years": years}},
        )
    return len(ids)
