"""The morning reminder mail: today's talks, overdue obligations without a booking, and those
due within 7 days without one, for one caseworker (reads through the same scoping as the UI)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from citizens.models import Citizen
from jobcenter.models import Role, StaffMember
from planning import selectors
from planning.models import Booking, ReminderSent
from planning.slots import closed_days

DUE_SOON_DAYS = 7


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in closed_days(
        day, day, selectors.ClosedDay.objects.filter(date=day).values_list("date", flat=True)
    )


def reminder_for(staff: StaffMember, today: date) -> dict:
    citizens = Citizen.objects.filter(caseworker=staff, anonymised_at__isnull=True)
    unbooked = selectors.filter_booking(citizens, "none")
    return {
        "staff": staff,
        "today": today,
        "bookings": list(
            Booking.objects.filter(caseworker=staff, day=today, status=Booking.Status.PLANNED)
            .select_related("citizen", "room")
            .order_by("start")
        ),
        "overdue": list(
            unbooked.filter(next_status="overdue")
            .exclude(pk__in=Booking.objects.filter(status=Booking.Status.PLANNED).values("citizen"))
            .order_by("next_due")[:50]
        ),
        "due_soon": list(
            unbooked.filter(next_due__range=(today, today + timedelta(days=DUE_SOON_DAYS)))
            .exclude(next_status="overdue")
            .order_by("next_due")[:50]
        ),
        "base_url": getattr(settings, "SITE_URL", "").rstrip("/"),
        "worklist": reverse("citizens:worklist"),
    }


def send_reminder(staff: StaffMember, today: date) -> bool:
    """Send one caseworker's mail unless it was sent today; True when sent now."""
    if not staff.user.email or ReminderSent.objects.filter(staff_member=staff, day=today).exists():
        return False
    context = reminder_for(staff, today)
    subject = f"Kontaktplan {today:%d.%m.%Y}: {len(context['bookings'])} samtaler i dag"
    message = EmailMessage(
        subject=subject,
        body=render_to_string("planning/reminder_email.txt", context),
        to=[staff.user.email],
    )
    message.send()
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                staff_member=staff, day=today, recipient=staff.user.email, subject=subject
            )
    except IntegrityError:  # a parallel run sent it too; nothing more to do
        pass
    return True


def send_all(today: date) -> int:
    if not is_working_day(today):
        return 0
    staff = StaffMember.objects.filter(
        role__in=[Role.CASEWORKER, Role.TEAM_LEADER], user__is_active=True
    ).select_related("user")
    return sum(send_reminder(member, today) for member in staff.filter(citizens__isnull=False).distinct())
