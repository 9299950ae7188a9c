"""Home page agenda and counts (caseworker: own citizens; team leader: the team's), and the team
leader's booked hours against available hours."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from jobcenter.models import Absence
from planning.models import Booking
from tests.citizens.factories import make_citizen
from tests.conftest import client_for
from tests.planning.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    with time_machine.travel(at(MONDAY, 7), tick=False) as traveller:
        yield traveller


def talk(citizen, staff, start, minutes=45, status="planned"):
    return Booking.objects.create(
        citizen=citizen,
        caseworker=staff,
        start=start,
        end=start + timedelta(minutes=minutes),
        day=start.date(),
        minutes=minutes,
        kind="jobsamtale",
        channel="fremmoede",
        status=status,
    )


def test_home_shows_todays_agenda_and_counts_linking_to_the_worklist(client, alice, lea, teams, monday):
    overdue = make_citizen(teams[0], alice, name="Åse Overskredet", start=MONDAY - timedelta(days=300))
    booked = make_citizen(teams[0], alice, name="Bo Booket", start=MONDAY - timedelta(days=300))
    colleague = make_citizen(teams[0], lea, name="Carl Kollega", start=MONDAY - timedelta(days=300))
    talk(booked, alice, at(MONDAY, 10))
    talk(colleague, lea, at(MONDAY, 11))
    response = client_for(client, alice).get(reverse("home"))
    summary = response.context["planning"]
    assert summary["scope"] == "mine"
    assert [b.citizen for b in summary["agenda"]] == [booked]
    assert summary["counts"] == {"overdue": 2, "week": 2, "not_booked": 2}  # booked after the deadline
    page = response.content.decode()
    assert 'href="/borgere/?scope=mine&amp;status=overdue"' in page
    assert 'href="/borgere/?scope=mine&amp;booking=none"' in page
    worklist = client.get("/borgere/", {"scope": "mine", "booking": "none"}).context["table"].data.data
    assert set(worklist) == {overdue, booked}
    leader = client_for(client, lea).get(reverse("home")).context["planning"]
    assert leader["scope"] == "team" and [b.citizen for b in leader["agenda"]] == [booked, colleague]
    assert leader["counts"]["overdue"] == 3


def test_capacity_booked_hours_against_available_hours(client, alice, lea, bob, teams, monday):
    alice.weekly_hours, alice.casework_share = Decimal("37.0"), 80
    alice.save()
    citizen = make_citizen(teams[0], alice, start=MONDAY - timedelta(days=2))
    talk(citizen, alice, at(MONDAY, 9), minutes=90)
    talk(citizen, alice, at(MONDAY + timedelta(days=7), 9), minutes=30)
    talk(citizen, alice, at(MONDAY + timedelta(days=7), 10), minutes=30, status="cancelled")
    Absence.objects.create(
        staff_member=alice, start=MONDAY + timedelta(days=7), end=MONDAY + timedelta(days=8)
    )
    assert client_for(client, alice).get(reverse("planning:capacity")).status_code == 403
    context = client_for(client, lea).get(reverse("planning:capacity")).context
    row = next(r for r in context["rows"] if r["member"] == alice)
    first, second = row["cells"][0], row["cells"][1]
    assert (first["booked"], first["available"]) == (1.5, pytest.approx(37 * 0.8))
    assert (second["booked"], second["available"]) == (0.5, pytest.approx(3 * 37 / 5 * 0.8))
    assert len(row["cells"]) == 8
    assert bob not in [r["member"] for r in context["rows"]]  # another team
    # Obligations due in the next 30 days: the first talk (deadline within days), booked on Monday.
    assert context["due_total"] >= 1 and context["due_booked"] == 1
