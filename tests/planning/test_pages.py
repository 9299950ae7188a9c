"""Planning pages: book from the worklist, hold, absent, summons PDF + audit, calendar, .ics feed."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from citizens.models import AuditEvent, Contact
from planning.models import Booking, Summons
from tests.citizens.factories import make_citizen
from tests.conftest import client_for
from tests.planning.conftest import MONDAY, at


@pytest.fixture
def monday_morning():
    with time_machine.travel(at(MONDAY, 8), tick=False) as traveller:
        yield traveller


@pytest.fixture
def overdue(alice, teams, monday_morning):
    # Enrolled a year ago with no contact: the first talk is long overdue.
    return make_citizen(teams[0], alice, name="Søren Ærø", start=MONDAY - timedelta(days=300))


def book_first_slot(client, citizen) -> Booking:
    page = client.get(reverse("planning:book", args=[citizen.pk]), headers={"HX-Request": "true"})
    assert page.status_code == 200
    slot = page.context["proposal"].slots[0]
    response = client.post(
        reverse("planning:book", args=[citizen.pk]),
        {"start": slot.start.isoformat(), "from": "worklist"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content
    return Booking.objects.get(citizen=citizen)


@pytest.mark.django_db
def test_worklist_shows_booked_and_filters(client, alice, overdue):
    client_for(client, alice)
    url = reverse("citizens:worklist")
    assert "Ikke booket" in client.get(url).content.decode()
    assert overdue in client.get(url, {"booking": "none"}).context["table"].data.data
    booking = book_first_slot(client, overdue)
    assert booking.start == at(MONDAY, 9)
    page = client.get(url).content.decode()
    # The deadline has passed, so the booking is after it.
    assert "Booket 03.03. kl. 09:00" in page and "booket efter fristen" in page
    assert overdue not in client.get(url, {"booking": "booked"}).context["table"].data.data
    assert overdue in client.get(url, {"booking": "none"}).context["table"].data.data


@pytest.mark.django_db
def test_hold_registers_the_contact_from_the_booking(client, alice, overdue, monday_morning):
    client_for(client, alice)
    booking = book_first_slot(client, overdue)
    monday_morning.move_to(at(MONDAY, 9, 50))
    response = client.post(
        reverse("planning:hold", args=[booking.pk]), {"minutes": "40"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == "held"
    contact = Contact.objects.get(citizen=overdue)
    assert (contact.date, contact.kind, contact.channel, contact.minutes, contact.outcome) == (
        MONDAY,
        booking.kind,
        booking.channel,
        40,
        "held",
    )
    assert booking.contact == contact


@pytest.mark.django_db
def test_absent_keeps_the_obligation_open_and_lists_for_follow_up(client, alice, overdue, monday_morning):
    client_for(client, alice)
    booking = book_first_slot(client, overdue)
    monday_morning.move_to(at(MONDAY, 10))
    before = overdue.next_status
    response = client.post(reverse("planning:absent", args=[booking.pk]), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "betydning for borgerens ydelse" in body and "Find ny tid" in body
    overdue.refresh_from_db()
    assert overdue.next_status == before == "overdue"
    assert Contact.objects.get(citizen=overdue).outcome == "absent"
    home = client.get(reverse("home")).content.decode()
    assert "Opfølgning på udeblivelser" in home and overdue.full_name in home


@pytest.mark.django_db
def test_summons_pdf_has_danish_letters_and_issuing_is_audited(client, alice, overdue):
    client_for(client, alice)
    booking = book_first_slot(client, overdue)
    response = client.post(reverse("planning:summons_issue", args=[booking.pk]))
    summons = Summons.objects.get(booking=booking)
    assert response.status_code == 302 and response["Location"] == reverse(
        "planning:summons", args=[summons.pk]
    )
    pdf = client.get(reverse("planning:summons_pdf", args=[summons.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Søren Ærø" in text
    assert "03.03.2031 kl. 09:00" in text
    assert "udebliver" in text and "å" in text
    assert AuditEvent.objects.filter(
        citizen=overdue, action=AuditEvent.Action.VIEW, details__summons=summons.pk
    ).exists()  # reading it is logged too
    event = AuditEvent.objects.get(citizen=overdue, action=AuditEvent.Action.EXPORT)
    assert event.details == {"kind": "indkaldelse", "booking": booking.pk, "summons": summons.pk}
    assert event.user == alice.user


@pytest.mark.django_db
def test_other_team_cannot_see_or_act_on_a_booking(client, alice, bob, overdue):
    client_for(client, alice)
    booking = book_first_slot(client, overdue)
    client.force_login(bob.user)
    assert client.get(reverse("planning:booking", args=[booking.pk])).status_code == 404
    assert client.post(reverse("planning:cancel", args=[booking.pk])).status_code == 404
    assert client.get(reverse("planning:book", args=[overdue.pk])).status_code == 404


@pytest.mark.django_db
def test_calendar_week_and_day(client, alice, overdue):
    client_for(client, alice)
    book_first_slot(client, overdue)
    week = client.get(reverse("planning:calendar"), {"dato": MONDAY.isoformat()}).content.decode()
    assert "09:00–09:45" in week and overdue.full_name in week
    day = client.get(
        reverse("planning:calendar"),
        {"dato": (MONDAY + timedelta(days=1)).isoformat(), "visning": "dag"},
        headers={"HX-Request": "true", "HX-Target": "calendar"},
    )
    assert "Ingen samtaler." in day.content.decode()


@pytest.mark.django_db
def test_ics_feed_parses_has_no_cpr_or_full_name_and_revoked_token_is_404(client, alice, overdue):
    client_for(client, alice)
    book_first_slot(client, overdue)
    client.post(reverse("planning:feed"), {"action": "enable"})
    token = alice.user.calendar_feed.token
    url = reverse("planning:ics", args=[token])
    client.logout()
    response = client.get(url)  # no login: the secret URL is the credential
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["summary"]) == "Jobsamtale – S.Æ."
    assert overdue.cpr not in body and overdue.cpr[:6] not in body
    assert "Søren" not in body and "Ærø" not in body
    client_for(client, alice)
    client.post(reverse("planning:feed"), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404
