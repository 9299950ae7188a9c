"""The personal iCalendar feed: a caseworker's bookings for Outlook and the like.

No CPR number and no full name leave Kontaktplan this way: an event shows the kind of talk, the
citizen's initials and a link to the booking (which needs a login).
"""

from datetime import timedelta
from urllib.parse import urljoin

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from catalogue.rulebook import CHANNEL_LABELS, KIND_LABELS
from jobcenter.models import StaffMember
from planning.models import Booking

PAST_DAYS, FUTURE_DAYS = 30, 180


def initials(first: str, last: str) -> str:
    return "".join(f"{part[0]}." for part in f"{first} {last}".split() if part).upper()


def calendar_ics(staff: StaffMember, *, base_url: str) -> bytes:
    today = timezone.localdate()
    cal = Calendar()
    cal.add("prodid", "-//Kontaktplan//planlaegning//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Kontaktplan")
    bookings = (
        Booking.objects.filter(
            caseworker=staff,
            status__in=[Booking.Status.PLANNED, Booking.Status.HELD],
            day__range=(today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)),
        )
        .select_related("room")
        .values_list(
            "pk",
            "start",
            "end",
            "kind",
            "channel",
            "updated_at",
            "citizen__first_name",
            "citizen__last_name",
            "room__name",
        )
    )
    for pk, start, end, kind, channel, updated, first, last, room in bookings:
        event = Event()
        event.add("uid", f"booking-{pk}@kontaktplan")
        event.add("dtstamp", updated)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{KIND_LABELS.get(kind, kind)} – {initials(first, last)}")
        url = urljoin(base_url, reverse("planning:booking", args=[pk]))
        event.add("url", url)
        event.add("description", f"{CHANNEL_LABELS.get(channel, channel)}. {url}")
        if room:
            event.add("location", room)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
