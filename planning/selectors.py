"""Reads about planned talks, scoped exactly like citizens (``citizens.selectors``).

A booking is visible when its citizen is; a calendar is visible to its owner, the leaders of the
owner's team and admins.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from catalogue.rulebook import CHANNELS
from catalogue.selectors import current_rulebook
from citizens.models import Citizen, Obligation
from citizens.selectors import caseworkers_visible_to, citizen_list_for
from jobcenter.models import Absence, StaffMember
from jobcenter.perms import staff_member_of
from planning.models import Booking, ClosedDay, Room, WorkingHours
from planning.slots import DEFAULT_HOURS, closed_days

OPEN_STATUSES = ("overdue", "due_soon", "open")


def booking_list_for(user) -> QuerySet[Booking]:
    return Booking.objects.filter(citizen__in=citizen_list_for(user)).select_related(
        "citizen", "caseworker__user", "room"
    )


def booking_get_for(user, pk) -> Booking:
    try:
        return booking_list_for(user).get(pk=pk)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise Http404("Bookingen findes ikke.") from None


def caseworker_get_for(user, pk) -> StaffMember:
    try:
        return caseworkers_visible_to(user).get(pk=pk)
    except (StaffMember.DoesNotExist, ValueError, TypeError):
        raise Http404("Medarbejderen findes ikke.") from None


def open_obligations(citizen: Citizen) -> list[Obligation]:
    return list(
        Obligation.objects.filter(enrolment__citizen=citizen, status__in=OPEN_STATUSES)
        .select_related("enrolment__target_group")
        .order_by("latest", "rule", "number")
    )


def obligation_for(citizen: Citizen, obligation_id=None) -> Obligation | None:
    """The obligation to book for: the one asked for (must be the citizen's), else the first due."""
    obligations = open_obligations(citizen)
    if obligation_id not in (None, ""):
        return next((o for o in obligations if str(o.pk) == str(obligation_id)), None)
    return obligations[0] if obligations else None


def rule_of(obligation: Obligation):
    book = current_rulebook()
    try:
        rules = book.rules_for(book.rule_set(obligation.rule_set), obligation.enrolment.target_group.code)
    except (KeyError, ValueError, LookupError):
        return None
    return next((r for r in rules if r.code == obligation.rule), None)


def rule_channels(obligation: Obligation) -> tuple[str, ...]:
    rule = rule_of(obligation)
    return tuple(rule.channels) if rule is not None else CHANNELS


@dataclass
class CalendarInputs:
    hours: dict
    absences: list[tuple[date, date]]
    closed: set[date]
    busy: list[tuple[datetime, datetime]]
    rooms: dict[int, list[tuple[datetime, datetime]]]


def weekly_hours(staff: StaffMember) -> dict:
    rows = list(WorkingHours.objects.filter(staff_member=staff).values_list("weekday", "start", "end"))
    if not rows:
        return DEFAULT_HOURS
    hours: dict[int, list] = defaultdict(list)
    for weekday, start, end in rows:
        hours[weekday].append((start, end))
    return dict(hours)


def calendar_inputs(staff: StaffMember, first: date, last: date, *, with_rooms: bool) -> CalendarInputs:
    """Everything the slot finder needs for one caseworker between two dates (5 queries)."""
    lo = datetime.combine(first, datetime.min.time(), timezone.get_current_timezone())
    hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone.get_current_timezone())
    occupying = Booking.objects.filter(status__in=Booking.OCCUPYING, start__lt=hi, end__gt=lo)
    busy = list(occupying.filter(caseworker=staff).values_list("start", "end"))
    rooms: dict[int, list] = {}
    if with_rooms and staff.team_id:
        room_ids = list(Room.objects.filter(team_id=staff.team_id).values_list("id", flat=True))
        rooms = {room: [] for room in room_ids}
        for room, start, end in occupying.filter(room_id__in=room_ids).values_list("room_id", "start", "end"):
            rooms[room].append((start, end))
    return CalendarInputs(
        hours=weekly_hours(staff),
        absences=list(
            Absence.objects.filter(staff_member=staff, end__gte=first, start__lte=last).values_list(
                "start", "end"
            )
        ),
        closed=closed_days(
            first, last, ClosedDay.objects.filter(date__range=(first, last)).values_list("date", flat=True)
        ),
        busy=busy,
        rooms=rooms,
    )


# --- the worklist's booking column ----------------------------------------------------------


def _planned_for(outer: str = "pk"):
    return Booking.objects.filter(citizen=OuterRef(outer), status=Booking.Status.PLANNED)


def with_booking(citizens: QuerySet[Citizen]) -> QuerySet[Citizen]:
    """Annotate each citizen with their first planned booking (start and date): one subquery
    each, through the partial index ``booking_planned_citizen``; the query count stays constant."""
    first = _planned_for().order_by("day", "start")
    return citizens.annotate(
        booking_start=Subquery(first.values("start")[:1]),
        booking_id=Subquery(first.values("pk")[:1]),
    )


def booked_in_time():
    """A citizen's next obligation has a planned booking on or before its deadline."""
    return Exists(_planned_for().filter(day__lte=OuterRef("next_due")))


def filter_booking(citizens: QuerySet[Citizen], value: str) -> QuerySet[Citizen]:
    if value == "booked":
        return citizens.filter(booked_in_time())
    if value == "none":
        return citizens.exclude(next_status="").filter(~booked_in_time())
    return citizens


# --- calendars, follow-up, capacity --------------------------------------------------------


def calendar_for(staff: StaffMember, first: date, last: date) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(caseworker=staff, day__range=(first, last))
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("citizen", "room")
        .order_by("start")
    )


def absent_followups(citizens: QuerySet[Citizen], *, since: date) -> QuerySet[Booking]:
    """Absences (no-shows) since a date whose citizen has no new planned booking after them."""
    rebooked = Booking.objects.filter(
        citizen=OuterRef("citizen"), status=Booking.Status.PLANNED, start__gt=OuterRef("start")
    )
    return (
        Booking.objects.filter(citizen__in=citizens, status=Booking.Status.ABSENT, day__gte=since)
        .exclude(Exists(rebooked))
        .select_related("citizen")
        .order_by("-start")
    )


def staff_for_calendar(user, pk=None) -> StaffMember:
    """The calendar's owner: the user, or a caseworker the user may see (team leaders, admins)."""
    if pk in (None, ""):
        member = staff_member_of(user) or caseworkers_visible_to(user).first()
        if member is None:
            raise Http404("Du har ingen kalender.")
        return member
    return caseworker_get_for(user, pk)
