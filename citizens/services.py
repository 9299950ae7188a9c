"""Writes about citizens. Each is one transaction, audited, and keeps the stored obligations current.

Bad input raises ValidationError with a Danish message per field, before anything is saved. The
rules are in ``citizens/input_checks.py`` and the audit shapes in ``citizens/audit_details.py``,
shared with the import's bulk variants (``citizens/services_bulk.py``): one write path.
"""

import dataclasses
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Max, Min, Q, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import TargetGroup
from catalogue.selectors import current_rulebook
from citizens import audit_details, input_checks
from citizens.cpr import CprError, mask_cpr, parse_cpr
from citizens.models import AuditEvent, Citizen, Contact, Enrolment
from citizens.obligations import Obligation, evaluate
from citizens.refresh import contact_facts, enrolment_facts, refresh_citizens
from jobcenter.models import StaffMember, Team

EXEMPTION_LIMIT = 0.25  # LAB as amended by lov nr. 1750 af 29.12.2025: up to 1 in 4 may be exempted


class StaleEdit(Exception):
    """Someone else saved the citizen after this form was opened (optimistic locking)."""


def audit_log(
    *,
    user,
    citizen: Citizen | None = None,
    citizen_id: int | None = None,
    action: str,
    details: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        user=user, citizen_id=citizen.pk if citizen else citizen_id, action=action, details=details or {}
    )


def _staff(user) -> StaffMember | None:
    return getattr(user, "staff_member", None)


def _lock(citizen: Citizen) -> None:
    """Serialise writes about one citizen (and the refresh that follows) inside a transaction."""
    Citizen.objects.select_for_update().filter(pk=citizen.pk).values_list("pk").get()


def _check(field: str, message: str | None) -> None:
    """Raise a rule's message (``input_checks``) as a ValidationError for ``field``."""
    if message:
        raise ValidationError({field: message})


def check_start(start: date, field: str = "start") -> None:
    _check(field, input_checks.start_error(start, timezone.localdate()))


def check_enrolment_allowed(target_group: TargetGroup, start: date, short_absence: bool = False) -> None:
    """The checks every new enrolment passes (UI, API and import): open scheme, sensible flag."""
    _check("target_group", input_checks.closed_scheme_error(target_group, start))
    _check("short_absence", input_checks.short_absence_error(target_group.code, short_absence))


def enrolment_active_on(citizen: Citizen, on: date | None = None) -> Enrolment | None:
    """The enrolment running on `on` (today): started, and not ended before it (the latest start
    when several are; ``enrolment_running_on`` answers the same from enrolments already read)."""
    on = on or timezone.localdate()
    return (
        citizen.enrolments.filter(start__lte=on)
        .exclude(end__lt=on)
        .select_related("target_group")
        .order_by("-start")
        .first()
    )


def enrolment_running_on(enrolments: Iterable[Enrolment], on: date) -> Enrolment | None:
    """What ``enrolment_active_on`` answers, from the citizen's enrolments already read."""
    running = [e for e in enrolments if e.start <= on and (e.end is None or e.end >= on)]
    return max(running, key=lambda e: e.start, default=None)


def contact_register(
    *,
    user,
    citizen: Citizen,
    date: date,
    kind: str,
    channel: str,
    minutes: int | None,
    outcome: str,
    note: str = "",
    performed_by: str = "kommune",
    idempotency_key: uuid.UUID | None = None,
    confirm_duplicate: bool = False,
) -> Contact:
    """Register a held (or missed) contact.

    ``idempotency_key`` (one per opened form): a second submit with the same key returns the
    contact the first one stored, so a double click stores one row. A second contact identical to
    one already stored (same day, kind, channel and performer) is refused unless
    ``confirm_duplicate``: it would silently meet a second obligation.
    """
    today = timezone.localdate()
    with transaction.atomic():
        _lock(citizen)
        if idempotency_key is not None:
            stored = Contact.objects.filter(idempotency_key=idempotency_key).first()
            if stored is not None:
                if stored.citizen_id != citizen.pk:
                    raise ValidationError("Formularen er allerede brugt til en anden borger. Åbn den igen.")
                return stored
        first_start = citizen.enrolments.aggregate(first=Min("start"))["first"]
        _check("date", input_checks.contact_date_error(date, today=today, first_start=first_start))
        minutes = input_checks.minutes_or_default(minutes, channel)
        _check("minutes", input_checks.minutes_error(minutes))
        if not confirm_duplicate and citizen.contacts.filter(
            date=date, kind=kind, channel=channel, performed_by=performed_by
        ).exists():
            raise ValidationError(
                {
                    "confirm_duplicate": f"Der er allerede registreret en magen til kontakt den "
                    f"{date:%d.%m.%Y} (samme kontaktform, kanal og udfører). Bekræft, hvis det er en "
                    "ekstra kontakt: den tæller så som endnu en samtale."
                },
                code="duplicate",
            )
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
            idempotency_key=idempotency_key,
        )
        contact.full_clean()
        contact.save()
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.CONTACT,
            details=audit_details.contact_registered(
                contact=contact.pk, day=date, kind=kind, channel=channel, outcome=outcome
            ),
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
        raise ValidationError({"cpr": _("Der findes allerede en borger med dette CPR-nummer.")})
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
    short_absence: bool = False,
) -> Citizen:
    digits = normalise_cpr(cpr)
    _check("first_name", input_checks.name_error(first_name, _("Fornavn")))
    _check("last_name", input_checks.name_error(last_name, _("Efternavn")))
    check_start(start)
    check_enrolment_allowed(target_group, start, short_absence)
    if caseworker is not None:
        _check("caseworker", input_checks.caseworker_team_error(caseworker.team_id, team.pk))
    with transaction.atomic():
        try:
            with transaction.atomic():
                citizen = Citizen.objects.create(
                    cpr=digits,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    team=team,
                    caseworker=caseworker,
                )
        except IntegrityError:  # created by someone else a moment ago
            raise ValidationError({"cpr": _("Der findes allerede en borger med dette CPR-nummer.")}) from None
        Enrolment.objects.create(
            citizen=citizen, target_group=target_group, start=start, short_absence=short_absence
        )
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.CREATE,
            details=audit_details.citizen_created(
                first_name=first_name, last_name=last_name, team=team.name, target_group=target_group.code,
                start=start, short_absence=short_absence,
            ),
        )
        refresh_citizens([citizen.pk])
    return citizen


def _logged(name: str, value) -> str:
    """A value as the audit log keeps it: CPR numbers masked, like everywhere else."""
    return mask_cpr(value) if name == "cpr" else str(value)


def citizen_update(*, user, citizen: Citizen, version: int, **changes) -> Citizen:
    """Save changed fields only if nobody saved the citizen since `version` was read."""
    if "cpr" in changes:
        changes["cpr"] = normalise_cpr(changes["cpr"], exclude_pk=citizen.pk)
    before = {name: _logged(name, getattr(citizen, name)) for name in changes}
    with transaction.atomic():
        updated = Citizen.objects.filter(pk=citizen.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes
        )
        if not updated:
            raise StaleEdit()
        citizen.refresh_from_db()
        after = {name: _logged(name, getattr(citizen, name)) for name in changes}
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.UPDATE,
            details=audit_details.changed(before, after),
        )
    return citizen


def enrolment_transfer(
    *, user, citizen: Citizen, target_group: TargetGroup, start: date, short_absence: bool = False
) -> Enrolment:
    """End the open enrolment the day before `start` and start a new one in another group."""
    check_start(start)
    check_enrolment_allowed(target_group, start, short_absence)
    with transaction.atomic():
        _lock(citizen)
        current = citizen.enrolments.filter(end__isnull=True).order_by("-start").select_related(
            "target_group"
        ).first()
        refused = input_checks.transfer_error(
            current_group=current.target_group.code if current else None,
            latest_start=citizen.enrolments.aggregate(latest=Max("start"))["latest"],
            group=target_group.code,
            start=start,
        )
        if refused:
            _check(*refused)
        if current is not None:
            current.end = start - timedelta(days=1)
            current.save(update_fields=["end"])
        new = Enrolment.objects.create(
            citizen=citizen, target_group=target_group, start=start, short_absence=short_absence
        )
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.UPDATE,
            details=audit_details.transferred(
                before_group=current.target_group.code if current else None,
                target_group=target_group.code, start=start, short_absence=short_absence,
            ),
        )
        refresh_citizens([citizen.pk])
    return new


def enrolment_set_short_absence(*, user, enrolment: Enrolment, short_absence: bool) -> Enrolment:
    """Record whether employer and employee expect the absence to last under 26 weeks."""
    with transaction.atomic():
        _lock(enrolment.citizen)
        enrolment = Enrolment.objects.select_related("target_group", "citizen").get(pk=enrolment.pk)
        _check("short_absence", input_checks.short_absence_error(enrolment.target_group.code, short_absence))
        if enrolment.short_absence != short_absence:
            before = enrolment.short_absence
            enrolment.short_absence = short_absence
            enrolment.save(update_fields=["short_absence"])
            audit_log(
                user=user,
                citizen=enrolment.citizen,
                action=AuditEvent.Action.UPDATE,
                details=audit_details.short_absence_set(
                    enrolment=enrolment.pk, before=before, after=short_absence
                ),
            )
            refresh_citizens([enrolment.citizen_id])
    return enrolment


def exemptable_group_codes(on: date) -> set[str]:
    """Groups (of either generation) whose rules in force on `on` the 25 % exemption may waive.

    Uses the rule book's group mapping, as the engine does: under lab-2027 a pre-2027 group is
    exemptable when the 2027 group it maps to is.
    """
    book = current_rulebook()
    rule_set = book.in_force(on)
    if rule_set is None:
        return set()
    return {
        group.code
        for group in book.target_groups
        if any(rule.exemptable for rule in book.rules_for(rule_set, group.code))
    }


def _exemption_pool(on: date):
    return (
        Enrolment.objects.filter(
            start__lte=on, target_group__code__in=exemptable_group_codes(on), work_obligation=False
        )
        .exclude(end__lt=on)
        .exclude(citizen__anonymised_at__isnull=False)
    )


def exemption_usage(on: date | None = None) -> dict:
    """The municipality's use of the 25 % exemption among active enrolments it can apply to."""
    on = on or timezone.localdate()
    pool = _exemption_pool(on)
    eligible = pool.count()
    exempt = pool.filter(exempt=True).count()
    share = exempt / eligible if eligible else 0.0
    return {
        "exempt": exempt,
        "eligible": eligible,
        "share": share,
        "limit": EXEMPTION_LIMIT,
        "room": max(0, int(eligible * EXEMPTION_LIMIT) - exempt),
    }


USAGE_CACHE_SECONDS = 300


def _usage_cache_key(on: date) -> str:
    return f"exemption-usage:{on.isoformat()}"


def exemption_usage_for_display(on: date | None = None) -> dict:
    """The usage for the citizen page: counting the whole municipality on every page view is too
    slow at scale (0.4 s at a million citizens), so it is cached for a few minutes and dropped
    when an exemption is granted. Granting one always counts afresh, under the lock."""
    on = on or timezone.localdate()
    usage = cache.get_or_set(_usage_cache_key(on), lambda: exemption_usage(on), USAGE_CACHE_SECONDS)
    return cast(dict, usage)


def _serialise_exemptions() -> None:
    """One lock for the whole municipality's exemption count: two caseworkers cannot both take
    the last place. PostgreSQL: a transaction advisory lock; SQLite locks the database on write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EXEMPTION_LOCK])


EXEMPTION_LOCK = 25_2026  # an arbitrary, fixed advisory-lock key


def exemption_waives(enrolment: Enrolment, on: date) -> list[Obligation]:
    """The obligations the 25 % exemption would waive (or waives) for this enrolment on ``on``."""
    book = current_rulebook()
    facts = enrolment_facts(enrolment, enrolment.target_group.code)
    rows = enrolment.citizen.contacts.values("id", "date", "kind", "channel", "performed_by", "outcome")
    contacts = [contact_facts(dict(row)) for row in rows]
    exempted = evaluate(book, dataclasses.replace(facts, exempt=True, work_obligation=False), contacts, on)
    return [o for o in exempted if o.status == "waived"]


def exemption_blocker(enrolment: Enrolment | None, on: date) -> str | None:
    """Why the 25 % exemption cannot act on this enrolment on ``on`` (Danish), or None if it can.

    It acts only on a running enrolment, outside the work obligation (LAB kap. 16 a), in a group
    whose rules in force allow it, and only when at least one obligation would be waived: an
    enrolment that started under lab-2024 (before 1 July 2026) may owe nothing exemptable, and an
    exemption there would only count against the municipality's 25 %.
    """
    if enrolment is None:
        return _("Borgeren har intet aktivt forløb.")
    if enrolment.work_obligation:
        return _("Borgere med arbejdspligt kan ikke fritages (LAB kap. 16 a).")
    if enrolment.exempt:
        return _("Forløbet er allerede fritaget.")
    if not (enrolment.start <= on and (enrolment.end is None or enrolment.end >= on)):
        return _("Kun et forløb, der løber i dag, kan fritages.")
    if enrolment.target_group.code not in exemptable_group_codes(on):
        return _("25 %%-fritagelsen gælder ikke for denne målgruppe efter de regler, der gælder nu.") % {}
    if not exemption_waives(enrolment, on):
        started_under = current_rulebook().in_force(enrolment.start)
        when = f"Forløbet startede {enrolment.start:%d.%m.%Y}"
        if started_under is not None:
            when += f" under {started_under.name}"
        return (
            f"{when}, og ingen af dets kontaktkrav kan fritages efter 25 %-reglen. "
            "En fritagelse ville ikke ændre noget og tælles derfor ikke med."
        )
    return None


def enrolment_mark_exempt(*, user, enrolment: Enrolment, reason: str) -> Enrolment:
    on = timezone.localdate()
    with transaction.atomic():
        _serialise_exemptions()
        _lock(enrolment.citizen)
        enrolment = Enrolment.objects.select_related("target_group", "citizen").get(pk=enrolment.pk)
        blocker = exemption_blocker(enrolment, on)
        if blocker is not None:
            raise ValidationError({"reason": blocker})
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Skriv en begrundelse for fritagelsen.")})
        usage = exemption_usage(on)
        if usage["room"] < 1:
            raise ValidationError(
                {
                    "reason": _(
                        "Kommunen har brugt %(used)s af %(limit)s mulige fritagelser (25 %%). "
                        "Der er ikke plads til flere."
                    )
                    % {"used": usage["exempt"], "limit": int(usage["eligible"] * EXEMPTION_LIMIT)}
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
        transaction.on_commit(lambda: cache.delete(_usage_cache_key(on)))
    return enrolment


def caseload_reassign(*, user, citizens: list[Citizen], to: StaffMember) -> int:
    """Move citizens to another caseworker (who must be in the citizens' team)."""
    wrong_team = [c for c in citizens if c.team_id != to.team_id]
    if wrong_team:
        raise ValidationError({"to": _("Modtageren skal høre til samme team som borgerne.")})
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
