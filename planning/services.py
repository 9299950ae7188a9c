"""Writes about planned talks: book, cancel, hold, mark absent, issue a summons, calendar feeds.

Each is one transaction and audited through ``citizens.services.audit_log``. Double booking is
refused by the database on PostgreSQL (exclusion constraints over a time range, see
``planning.models.Booking``) and by a check here on every database; when two people race for the
same slot, one gets it and the other gets the Danish message ``SLOT_TAKEN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from catalogue.rulebook import CHANNEL_LABELS, KIND_LABELS
from citizens.models import AuditEvent, Citizen, Contact, Obligation
from citizens.refresh import obligation_label
from citizens.services import audit_log, contact_register
from jobcenter.models import StaffMember
from jobcenter.perms import staff_member_of
from planning import selectors
from planning.models import Booking, CalendarFeed, Room, Summons, SummonsTemplate
from planning.slots import Slot, find_slots, fits

SLOT_TAKEN = "Tiden er lige blevet booket af en anden. Vælg en anden tid."
ROOM_TAKEN = "Lokalet er lige blevet booket af en anden. Vælg en anden tid."
DEFAULT_MINUTES = {"fremmoede": 45, "telefon": 30, "video": 30, "digital": 20}
LATE_HORIZON_DAYS = 60  # when the deadline has passed: propose slots this far ahead
LEAD = timedelta(minutes=30)  # never propose a slot starting sooner than this
FIRST_WINDOW_DAYS = 21  # the slot search reads this much of the calendar first, then more


@dataclass
class Proposal:
    """Slots proposed for one obligation; ``late`` when none fits before the deadline."""

    obligation: Obligation | None
    caseworker: StaffMember | None
    kind: str
    channel: str
    minutes: int
    slots: list[Slot]
    late: bool

    @property
    def label(self) -> str:
        return obligation_label(self.obligation) if self.obligation is not None else ""


def caseworker_for(citizen: Citizen, user) -> StaffMember | None:
    return citizen.caseworker or staff_member_of(user)


def default_channel(obligation: Obligation | None) -> str:
    channels = selectors.rule_channels(obligation) if obligation is not None else ("fremmoede",)
    return "fremmoede" if "fremmoede" in channels else channels[0]


def propose_slots(
    *,
    user,
    citizen: Citizen,
    obligation: Obligation | None,
    now: datetime | None = None,
    channel: str | None = None,
    minutes: int | None = None,
    limit: int = 5,
) -> Proposal:
    """The first free slots of the citizen's caseworker before the obligation's deadline; when
    there are none (or the deadline has passed), the first ones after it, flagged late."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    staff = caseworker_for(citizen, user)
    channel = channel or default_channel(obligation)
    minutes = minutes or DEFAULT_MINUTES.get(channel, 45)
    kind = obligation.kind if obligation is not None else "jobsamtale"
    if staff is None:
        return Proposal(obligation, None, kind, channel, minutes, [], False)
    deadline = obligation.latest if obligation is not None else today + timedelta(days=LATE_HORIZON_DAYS)
    horizon = max(deadline, today) + timedelta(days=LATE_HORIZON_DAYS)
    def search(until: date) -> list[Slot]:
        # Read the calendar in growing windows: the first free slots are usually days away, and a
        # deadline months ahead must not mean reading months of bookings.
        span = FIRST_WINDOW_DAYS
        while True:
            window_end = min(until, today + timedelta(days=span))
            inputs = selectors.calendar_inputs(staff, today, window_end, with_rooms=channel == "fremmoede")
            slots = find_slots(
                now=now + LEAD,
                until=window_end,
                minutes=minutes,
                hours=inputs.hours,
                absences=inputs.absences,
                closed=inputs.closed,
                busy=inputs.busy,
                rooms=inputs.rooms,
                limit=limit,
            )
            if len(slots) >= limit or window_end >= until:
                return slots
            span *= 4

    slots = search(deadline) if deadline >= today else []
    late = not slots
    if late:
        slots = search(horizon)
    return Proposal(obligation, staff, kind, channel, minutes, slots, late)


def _overlapping(staff: StaffMember, room: Room | None, start: datetime, end: datetime) -> str | None:
    occupying = Booking.objects.filter(status__in=Booking.OCCUPYING, start__lt=end, end__gt=start)
    if occupying.filter(caseworker=staff).exists():
        return SLOT_TAKEN
    if room is not None and occupying.filter(room=room).exists():
        return ROOM_TAKEN
    return None


def booking_create(
    *,
    user,
    citizen: Citizen,
    start: datetime,
    minutes: int,
    kind: str,
    channel: str,
    obligation: Obligation | None = None,
    caseworker: StaffMember | None = None,
    room: Room | None = None,
    details: str = "",
    now: datetime | None = None,
) -> Booking:
    now = now or timezone.now()
    staff = caseworker or caseworker_for(citizen, user)
    errors: dict[str, str] = {}
    if staff is None:
        errors["caseworker"] = "Borgeren har ingen sagsbehandler. Tildel en sagsbehandler først."
    elif staff.team_id != citizen.team_id:
        errors["caseworker"] = "Sagsbehandleren hører ikke til borgerens team."
    if not 5 <= minutes <= 480:
        errors["minutes"] = "Varigheden skal være mellem 5 og 480 minutter."
    if kind not in KIND_LABELS:
        errors["kind"] = "Ukendt kontaktform."
    if channel not in CHANNEL_LABELS:
        errors["channel"] = "Ukendt kanal."
    if room is not None and room.team_id != citizen.team_id:
        errors["room"] = "Lokalet hører ikke til borgerens team."
    if start < now:
        errors["start"] = "Tidspunktet er allerede passeret."
    if obligation is not None and obligation.enrolment.citizen_id != citizen.pk:
        errors["obligation"] = "Kontaktkravet hører ikke til borgeren."
    if errors or staff is None:
        raise ValidationError(errors)
    end = start + timedelta(minutes=minutes)
    local_day = timezone.localdate(start)
    inputs = selectors.calendar_inputs(staff, local_day, local_day, with_rooms=False)
    if not fits(start=start, end=end, hours=inputs.hours, absences=inputs.absences, closed=inputs.closed):
        raise ValidationError(
            {
                "start": "Tidspunktet ligger uden for sagsbehandlerens arbejdstid, "
                "på en lukkedag eller i et fravær."
            }
        )
    booking = Booking(
        citizen=citizen,
        caseworker=staff,
        room=room,
        start=start,
        end=end,
        day=local_day,
        minutes=minutes,
        kind=kind,
        channel=channel,
        details=details.strip()[:300],
        created_by=user,
    )
    if obligation is not None:
        booking.enrolment_id = obligation.enrolment_id
        booking.obligation_rule = obligation.rule
        booking.obligation_number = obligation.number
        booking.obligation_label = obligation_label(obligation)
        booking.obligation_earliest = obligation.earliest
        booking.obligation_latest = obligation.latest
        rule = selectors.rule_of(obligation)
        booking.legal_reference = (rule.legal_reference if rule else "")[:300]
    with transaction.atomic():
        if connection.vendor != "postgresql":
            # No exclusion constraints here: serialise bookings per caseworker and check.
            StaffMember.objects.select_for_update().filter(pk=staff.pk).values_list("pk").get()
        taken = check_free(staff, room, start, end)
        if taken:
            raise ValidationError({"start": taken})
        try:
            with transaction.atomic():
                booking.save()
        except (IntegrityError, OperationalError) as exc:
            # Lost the race: the exclusion constraint refused it, or PostgreSQL aborted this insert
            # as a deadlock (two uncommitted overlapping rows each wait for the other's check).
            if isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) != "40P01":
                raise
            message = ROOM_TAKEN if "booking_no_overlap_room" in str(exc) else SLOT_TAKEN
            raise ValidationError({"start": message}) from None
        audit_log(
            user=user,
            citizen=citizen,
            action=AuditEvent.Action.UPDATE,
            details={"booking": booking.pk, "event": "booked", "start": start.isoformat(), "kind": kind},
        )
    return booking


def check_free(staff: StaffMember, room: Room | None, start: datetime, end: datetime) -> str | None:
    """The message when the caseworker or room is already booked then (None when free)."""
    return _overlapping(staff, room, start, end)


def _require_planned(booking: Booking) -> None:
    if booking.status != Booking.Status.PLANNED:
        raise ValidationError({"status": f"Bookingen er allerede {booking.get_status_display().lower()}."})


def _lock_booking(booking: Booking) -> Booking:
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    _require_planned(locked)
    return locked


def booking_cancel(*, user, booking: Booking) -> Booking:
    with transaction.atomic():
        booking = _lock_booking(booking)
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        audit_log(
            user=user,
            citizen=booking.citizen,
            action=AuditEvent.Action.UPDATE,
            details={"booking": booking.pk, "event": "cancelled"},
        )
    return booking


def _register(*, user, booking: Booking, outcome: str, minutes: int | None, note: str) -> Contact:
    if booking.day > timezone.localdate():
        raise ValidationError(
            {"status": "Samtalen ligger i fremtiden. Den kan registreres, når den har fundet sted."}
        )
    return contact_register(
        user=user,
        citizen=booking.citizen,
        date=booking.day,
        kind=booking.kind,
        channel=booking.channel,
        minutes=minutes or booking.minutes,
        outcome=outcome,
        note=note,
    )


def booking_hold(*, user, booking: Booking, minutes: int | None = None, note: str = "") -> Booking:
    """The talk was held: register the contact (kind, channel, minutes from the booking)."""
    with transaction.atomic():
        booking = _lock_booking(booking)
        booking.contact = _register(
            user=user, booking=booking, outcome=Contact.Outcome.HELD, minutes=minutes, note=note
        )
        booking.status = Booking.Status.HELD
        booking.save(update_fields=["status", "contact", "updated_at"])
    return booking


def booking_mark_absent(*, user, booking: Booking, note: str = "") -> Booking:
    """The citizen did not come: recorded as an absent contact; the obligation stays open."""
    with transaction.atomic():
        booking = _lock_booking(booking)
        booking.contact = _register(
            user=user, booking=booking, outcome=Contact.Outcome.ABSENT, minutes=None, note=note
        )
        booking.status = Booking.Status.ABSENT
        booking.save(update_fields=["status", "contact", "updated_at"])
    return booking


# --- summons letters ------------------------------------------------------------------------


def _letter_fields(booking: Booking) -> dict[str, str]:
    start = timezone.localtime(booking.start)
    if booking.channel == "fremmoede":
        place = booking.details or (
            f"Sted: {booking.room.name}{', ' + booking.room.address if booking.room.address else ''}"
            if booking.room
            else "Sted: Jobcentret"
        )
    elif booking.channel == "telefon":
        place = booking.details or "Din sagsbehandler ringer til dig på det telefonnummer, jobcentret har."
    elif booking.channel == "video":
        place = booking.details or "Du får et link til videomødet fra din sagsbehandler."
    else:
        place = booking.details or "Samtalen foregår digitalt."
    return {
        "borger": booking.citizen.full_name,
        "tidspunkt": f"{start:%d.%m.%Y} kl. {start:%H:%M}",
        "varighed": str(booking.minutes),
        "kontaktform": str(KIND_LABELS.get(booking.kind, booking.kind)),
        "kanal": str(CHANNEL_LABELS.get(booking.channel, booking.channel)),
        "sted": place,
        "sagsbehandler": str(booking.caseworker),
        "hjemmel": booking.legal_reference or "lov om en aktiv beskæftigelsesindsats",
        "frist": f"{booking.obligation_latest:%d.%m.%Y}" if booking.obligation_latest else "",
        "jobcenter": getattr(settings, "JOBCENTER_NAME", "Jobcentret"),
    }


def summons_render(booking: Booking, template: SummonsTemplate | None = None) -> str:
    template = template or SummonsTemplate.objects.filter(active=True).first()
    if template is None:
        raise ValidationError("Der findes ingen aktiv skabelon til indkaldelser.")
    fields = _letter_fields(booking)
    context = Context(fields)  # plain strings only; autoescaped
    return render_to_string(
        "planning/summons_letter.html",
        {
            # Rendered (and escaped) by the admin's template already.
            "subject": mark_safe(Template(template.subject).render(context)),  # noqa: S308
            "body": mark_safe(Template(template.body).render(context)),  # noqa: S308
            "absence_text": mark_safe(Template(template.absence_text).render(context)),  # noqa: S308
            "rebook_text": mark_safe(Template(template.rebook_text).render(context)),  # noqa: S308
            "fields": fields,
            "today": timezone.localdate(),
        },
    )


def summons_issue(*, user, booking: Booking) -> Summons:
    """Render the letter, make the PDF, keep both with the citizen, and audit the issuing."""
    from weasyprint import HTML  # heavy import, only when a letter is issued

    if booking.status != Booking.Status.PLANNED:
        raise ValidationError("Der kan kun indkaldes til en planlagt samtale.")
    html = summons_render(booking)
    pdf = HTML(string=html).write_pdf()
    with transaction.atomic():
        summons = Summons.objects.create(
            booking=booking, citizen=booking.citizen, html=html, pdf=pdf, issued_by=user
        )
        audit_log(
            user=user,
            citizen=booking.citizen,
            action=AuditEvent.Action.EXPORT,
            details={"kind": "indkaldelse", "booking": booking.pk, "summons": summons.pk},
        )
    return summons


# --- the personal calendar feed -------------------------------------------------------------


def feed_enable(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def feed_revoke(*, user) -> None:
    """The old URL stops working at once (404); enabling again gives a new secret URL."""
    CalendarFeed.objects.filter(user=user).delete()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
