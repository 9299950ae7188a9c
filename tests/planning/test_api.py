"""The planning API: same access rules as the UI, writes through the services."""

from datetime import timedelta

import pytest
import time_machine

from citizens.models import AuditEvent, Contact
from planning.models import Booking
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen
from tests.planning.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    with time_machine.travel(at(MONDAY, 8), tick=False) as traveller:
        yield traveller


@pytest.fixture
def overdue(alice, teams, monday):
    return make_citizen(teams[0], alice, name="Søren Ærø", start=MONDAY - timedelta(days=300))


def test_free_slots_then_book_hold_and_list(alice, overdue, monday):
    api = api_for(alice)
    slots = api.get("/api/v1/free-slots/", {"citizen": overdue.pk})
    assert slots.status_code == 200, slots.content
    first = slots.json()[0]
    assert first["start"].startswith("2031-03-03T09:00") and first["late"] is True
    assert first["caseworker"] == alice.pk and first["kind"] == "jobsamtale"
    created = api.post("/api/v1/bookings/", {"citizen": overdue.pk, "start": first["start"]}, format="json")
    assert created.status_code == 201, created.content
    booking = created.json()
    assert booking["status"] == "planned" and booking["obligation_latest"] is not None
    # The same slot again: one clear message.
    again = api.post("/api/v1/bookings/", {"citizen": overdue.pk, "start": first["start"]}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["start"] == [
        "Tiden er lige blevet booket af en anden. Vælg en anden tid."
    ]
    monday.move_to(at(MONDAY, 10))
    held = api.post(f"/api/v1/bookings/{booking['id']}/hold/", {"minutes": 50}, format="json")
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "held"
    assert Contact.objects.get(citizen=overdue).minutes == 50
    listed = api.get("/api/v1/bookings/", {"citizen": overdue.pk}).json()["results"]
    assert [b["id"] for b in listed] == [booking["id"]]
    assert AuditEvent.objects.filter(citizen=overdue, action=AuditEvent.Action.VIEW).exists()


def test_cancel_and_absent(alice, overdue, monday):
    api = api_for(alice)
    start = at(MONDAY, 9).isoformat()
    first = api.post("/api/v1/bookings/", {"citizen": overdue.pk, "start": start}, format="json").json()
    assert api.post(f"/api/v1/bookings/{first['id']}/cancel/").json()["status"] == "cancelled"
    again = api.post(f"/api/v1/bookings/{first['id']}/cancel/")
    assert again.status_code == 400
    second = api.post("/api/v1/bookings/", {"citizen": overdue.pk, "start": start}, format="json").json()
    tuesday = at(MONDAY + timedelta(days=1), 9).isoformat()
    future = api.post("/api/v1/bookings/", {"citizen": overdue.pk, "start": tuesday}, format="json").json()
    refused = api.post(f"/api/v1/bookings/{future['id']}/absent/")
    assert refused.status_code == 400 and "fremtiden" in refused.json()["error"]["fields"]["status"][0]
    monday.move_to(at(MONDAY, 11))
    absent = api.post(f"/api/v1/bookings/{second['id']}/absent/")
    assert absent.json()["status"] == "absent"
    overdue.refresh_from_db()
    assert overdue.next_status == "overdue"  # the obligation stays open


def test_other_team_gets_404_and_bad_input_names_the_field(alice, bob, overdue):
    booking = (
        api_for(alice)
        .post("/api/v1/bookings/", {"citizen": overdue.pk, "start": at(MONDAY, 9).isoformat()}, format="json")
        .json()
    )
    other = api_for(bob)
    assert other.get(f"/api/v1/bookings/{booking['id']}/").status_code == 404
    assert other.post(f"/api/v1/bookings/{booking['id']}/cancel/").status_code == 404
    assert other.get("/api/v1/free-slots/", {"citizen": overdue.pk}).status_code == 404
    assert other.get("/api/v1/bookings/").json()["results"] == []
    assert (
        other.post(
            "/api/v1/bookings/", {"citizen": overdue.pk, "start": at(MONDAY, 10).isoformat()}, format="json"
        ).status_code
        == 404
    )
    api = api_for(alice)
    bad = api.post(
        "/api/v1/bookings/", {"citizen": overdue.pk, "start": at(MONDAY, 15).isoformat()}, format="json"
    )
    assert bad.status_code == 400 and "arbejdstid" in bad.json()["error"]["fields"]["start"][0]
    unknown = api.post("/api/v1/bookings/", {"citizen": overdue.pk, "start": "x", "colour": 1}, format="json")
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]["fields"]
    assert api.get("/api/v1/free-slots/").status_code == 400
    assert Booking.objects.count() == 1
