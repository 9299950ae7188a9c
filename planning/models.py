"""Planned talks: working hours, closed days, rooms, bookings, summons letters, calendar feeds.

A booking is meant to meet one obligation; it stores that obligation's identity (rule, number,
window) because stored obligations are recomputed on every refresh. Only a held contact meets an
obligation: holding a booking registers one through ``citizens.services.contact_register``.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from catalogue import rulebook
from catalogue.labels import label_choices
from citizens.models import Citizen, Contact, Enrolment
from jobcenter.models import StaffMember, Team

WEEKDAYS = [
    (0, _("mandag")),
    (1, _("tirsdag")),
    (2, _("onsdag")),
    (3, _("torsdag")),
    (4, _("fredag")),
    (5, _("lørdag")),
    (6, _("søndag")),
]


class WorkingHours(models.Model):
    """A weekly block when a caseworker is available for talks (e.g. Monday 9-15)."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("medarbejder")
    )
    weekday = models.PositiveSmallIntegerField(_("ugedag"), choices=WEEKDAYS)
    start = models.TimeField(_("fra"))
    end = models.TimeField(_("til"))

    class Meta:
        ordering = ["staff_member", "weekday", "start"]
        verbose_name = _("arbejdstid")
        verbose_name_plural = _("arbejdstider")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="working_hours_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ClosedDay(models.Model):
    """A day the job centre is closed besides the public holidays (e.g. 5 June, 24 December)."""

    date = models.DateField(_("dato"), unique=True)
    reason = models.CharField(_("årsag"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("lukkedag")
        verbose_name_plural = _("lukkedage")

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.reason}".strip()


class Room(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("team"))
    name = models.CharField(_("navn"), max_length=100)
    address = models.CharField(_("adresse"), max_length=200, blank=True)

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("lokale")
        verbose_name_plural = _("lokaler")
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Booking(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Afholdt")
        ABSENT = "absent", _("Udeblevet")
        CANCELLED = "cancelled", _("Aflyst")

    # Bookings in these states occupy the caseworker's (and the room's) time.
    OCCUPYING = (Status.PLANNED, Status.HELD)

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("borger")
    )
    caseworker = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("sagsbehandler")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("lokale"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("slut"))
    day = models.DateField(_("dato"))  # local date of start, for worklists and matching
    minutes = models.PositiveSmallIntegerField(
        _("minutter"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    kind = models.CharField(_("kontaktform"), max_length=30, choices=label_choices(rulebook.KIND_LABELS))
    channel = models.CharField(_("kanal"), max_length=20, choices=label_choices(rulebook.CHANNEL_LABELS))
    details = models.CharField(_("sted eller telefon-/videooplysninger"), max_length=300, blank=True)
    # The obligation it is meant to meet (a snapshot: stored obligations are recomputed).
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forløb"),
    )
    obligation_rule = models.CharField(_("regel"), max_length=80, blank=True)
    obligation_number = models.PositiveSmallIntegerField(_("nummer"), null=True, blank=True)
    obligation_label = models.CharField(_("krav"), max_length=200, blank=True)
    obligation_earliest = models.DateField(_("tidligst"), null=True, blank=True)
    obligation_latest = models.DateField(_("frist"), null=True, blank=True)
    legal_reference = models.CharField(_("hjemmel"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    contact = models.OneToOneField(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking",
        verbose_name=_("kontakt"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookinger")
        indexes = [
            # Worklist column and filters: a citizen's first planned booking.
            models.Index(
                fields=["citizen", "day", "start"],
                condition=Q(status="planned"),
                name="booking_planned_citizen",
            ),
            models.Index(fields=["caseworker", "start"], name="booking_caseworker_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_end_after_start"),
            # No double booking: a caseworker's (and a room's) occupying bookings never overlap.
            ExclusionConstraint(
                name="booking_no_overlap_caseworker",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("caseworker", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["planned", "held"]),
            ),
            ExclusionConstraint(
                name="booking_no_overlap_room",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["planned", "held"], room__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED


class SummonsTemplate(models.Model):
    """The summons letter's text, edited by admins. Django template syntax with the fields listed in
    the help text; the active template with the lowest id is used."""

    name = models.CharField(_("navn"), max_length=100)
    active = models.BooleanField(_("aktiv"), default=True)
    subject = models.CharField(_("overskrift"), max_length=200)
    body = models.TextField(
        _("brødtekst"),
        help_text=_(
            "Felter: {{ borger }}, {{ tidspunkt }}, {{ varighed }}, {{ kontaktform }}, {{ kanal }}, "
            "{{ sted }}, {{ sagsbehandler }}, {{ hjemmel }}, {{ frist }}, {{ jobcenter }}."
        ),
    )
    absence_text = models.TextField(_("hvis du udebliver"))
    rebook_text = models.TextField(_("flyt eller aflys tiden"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("skabelon til indkaldelse")
        verbose_name_plural = _("skabeloner til indkaldelse")

    def __str__(self) -> str:
        return self.name


class Summons(models.Model):
    """An issued summons letter, kept with the citizen exactly as sent (HTML and PDF)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="summonses")
    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="summonses", verbose_name=_("borger")
    )
    html = models.TextField()
    pdf = models.BinaryField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("indkaldelse")
        verbose_name_plural = _("indkaldelser")

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.issued_at:%d.%m.%Y}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret iCalendar URL. Revoking deletes it; a new one gets a new token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnementer")

    def __str__(self) -> str:
        return str(self.user)


class ReminderSent(models.Model):
    """One morning reminder mail: written after the mail is handed to the backend, so a retried
    task does not send it twice."""

    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff_member", "day"], name="one_reminder_a_day")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day:%d.%m.%Y}"
