"""Planning figures for the home page and team leaders (reads only, scoped by selectors)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from citizens.models import Obligation
from citizens.selectors import caseworkers_visible_to, citizen_list_for
from jobcenter.capacity import weekdays
from jobcenter.models import Absence, Role
from jobcenter.perms import role_of, staff_member_of
from planning import selectors
from planning.models import Booking

WEEKS = 8


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def home_summary(user, today: date) -> dict:
    """Today's agenda and the counts behind the worklist's filters: the caseworker's own
    citizens, or a team leader's teams."""
    staff = staff_member_of(user)
    citizens = citizen_list_for(user)
    mine = role_of(user) == Role.CASEWORKER and staff is not None
    if mine:
        citizens = citizens.filter(caseworker=staff)
        agenda = Booking.objects.filter(caseworker=staff, day=today)
    else:
        agenda = Booking.objects.filter(citizen__in=citizens, day=today)
    end_of_week = today + timedelta(days=6 - today.weekday())
    counts = citizens.aggregate(
        overdue=Count("pk", filter=Q(next_status="overdue")),
        week=Count("pk", filter=Q(next_due__lte=end_of_week) & ~Q(next_status="")),
    )
    counts["not_booked"] = selectors.filter_booking(citizens, "none").count()
    return {
        "scope": "mine" if mine else "team",
        "agenda": agenda.exclude(status=Booking.Status.CANCELLED)
        .select_related("citizen", "caseworker__user", "room")
        .order_by("start"),
        "counts": counts,
        "followups": selectors.absent_followups(citizens, since=today - timedelta(days=30))[:20],
    }


def booked_capacity(user, today: date) -> dict:
    """Booked hours per caseworker per week for the next 8 weeks against available hours (the
    capacity model's: contracted hours x casework share on weekdays not absent), and the share of
    obligations due in the next 30 days that have a booking inside their window."""
    first = week_start(today)
    weeks = [first + timedelta(weeks=i) for i in range(WEEKS)]
    last = weeks[-1] + timedelta(days=6)
    staff = list(caseworkers_visible_to(user))
    booked: dict[tuple[int, date], int] = defaultdict(int)
    for staff_id, day, minutes in Booking.objects.filter(
        caseworker__in=staff, status__in=Booking.OCCUPYING, day__range=(first, last)
    ).values_list("caseworker_id", "day", "minutes"):
        booked[(staff_id, week_start(day))] += minutes
    absences: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for staff_id, a, b in Absence.objects.filter(
        staff_member__in=staff, end__gte=first, start__lte=last
    ).values_list("staff_member_id", "start", "end"):
        absences[staff_id].append((a, b))
    rows = []
    for member in staff:
        cells = []
        for week in weeks:
            days = weekdays(week, week + timedelta(days=4))
            absent = {
                week + timedelta(days=i)
                for i in range(5)
                for a, b in absences[member.pk]
                if a <= week + timedelta(days=i) <= b
            }
            available = (days - len(absent)) * float(member.weekly_hours) / 5 * member.casework_share / 100
            hours = booked[(member.pk, week)] / 60
            cells.append(
                {
                    "week": week,
                    "booked": hours,
                    "available": available,
                    "share": hours / available if available else None,
                }
            )
        rows.append({"member": member, "cells": cells})
    due = Obligation.objects.filter(
        enrolment__citizen__in=citizen_list_for(user),
        status__in=selectors.OPEN_STATUSES,
        latest__range=(today, today + timedelta(days=30)),
    )
    in_window = Booking.objects.filter(
        citizen=OuterRef("enrolment__citizen"),
        status=Booking.Status.PLANNED,
        day__gte=OuterRef("earliest"),
        day__lte=OuterRef("latest"),
    )
    figures = due.aggregate(total=Count("pk"), booked=Count("pk", filter=Exists(in_window)))
    total = figures["total"]
    return {
        "weeks": weeks,
        "rows": rows,
        "due_total": total,
        "due_booked": figures["booked"],
        "due_share": figures["booked"] / total if total else None,
    }
