"""Booking rules in the service, and the exclusion constraint under a real race on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from citizens.models import AuditEvent
from jobcenter.demo import ensure_shipped_rules
from jobcenter.models import Absence
from planning import services
from planning.models import Booking
from tests.citizens.factories import make_citizen
from tests.planning.conftest import MONDAY, at

NOW = at(MONDAY, 8)


def book(user, citizen, start, **kw):
    values = {"minutes": 45, "kind": "jobsamtale", "channel": "fremmoede", "now": NOW, **kw}
    return services.booking_create(user=user, citizen=citizen, start=start, **values)


@pytest.mark.django_db
def test_booking_is_saved_audited_and_blocks_the_slot(alice, citizen):
    booking = book(alice.user, citizen, at(MONDAY, 9))
    assert booking.caseworker == alice and booking.day == MONDAY and booking.end == at(MONDAY, 9, 45)
    assert AuditEvent.objects.filter(citizen=citizen, details__booking=booking.pk).exists()
    other = make_citizen(citizen.team, alice, name="Anna Berg")
    with pytest.raises(ValidationError) as exc:
        book(alice.user, other, at(MONDAY, 9, 30))
    assert exc.value.message_dict["start"] == [services.SLOT_TAKEN]
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_outside_hours_absence_past_and_wrong_team_are_refused(alice, bob, citizen):
    with pytest.raises(ValidationError) as exc:
        book(alice.user, citizen, at(MONDAY, 15))
    assert "arbejdstid" in exc.value.message_dict["start"][0]
    Absence.objects.create(staff_member=alice, start=MONDAY, end=MONDAY)
    with pytest.raises(ValidationError):
        book(alice.user, citizen, at(MONDAY, 10))
    with pytest.raises(ValidationError) as exc:
        book(alice.user, citizen, at(MONDAY, 10), now=at(MONDAY, 11))
    assert exc.value.message_dict["start"] == ["Tidspunktet er allerede passeret."]
    with pytest.raises(ValidationError) as exc:
        book(alice.user, citizen, at(MONDAY + timedelta(days=1), 10), caseworker=bob)
    assert "team" in exc.value.message_dict["caseworker"][0]
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_proposals_skip_booked_time_and_respect_the_deadline(alice, citizen):
    obligation = citizen.enrolments.get().obligations.order_by("latest").first()
    proposal = services.propose_slots(user=alice.user, citizen=citizen, obligation=obligation, now=NOW)
    # The obligation's deadline has long passed by 2031: the proposals are flagged late.
    assert proposal.late and proposal.slots
    first = proposal.slots[0]
    assert first.start == at(MONDAY, 9)
    book(alice.user, citizen, first.start, obligation=obligation)
    again = services.propose_slots(user=alice.user, citizen=citizen, obligation=obligation, now=NOW)
    assert again.slots[0].start == at(MONDAY, 9, 45)


@pytest.mark.django_db
def test_cancelled_booking_frees_the_slot(alice, citizen):
    booking = book(alice.user, citizen, at(MONDAY, 9))
    services.booking_cancel(user=alice.user, booking=booking)
    assert book(alice.user, citizen, at(MONDAY, 9)).status == Booking.Status.PLANNED
    with pytest.raises(ValidationError):
        services.booking_cancel(user=alice.user, booking=booking)


@pytest.mark.django_db
def test_database_refuses_overlap_even_without_the_service(alice, citizen):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite relies on the service check")
    first = book(alice.user, citizen, at(MONDAY, 9))
    clash = Booking(
        citizen=citizen,
        caseworker=alice,
        start=at(MONDAY, 9, 30),
        end=at(MONDAY, 10),
        day=MONDAY,
        minutes=30,
        kind="jobsamtale",
        channel="telefon",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    first.status = Booking.Status.CANCELLED
    first.save()
    clash.save()  # a cancelled booking occupies nothing


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_slot_get_one_booking_and_one_message(monkeypatch, teams, alice, lea):
    if connection.vendor != "postgresql":
        pytest.fail("the race must run on PostgreSQL (set DATABASE_URL)")
    ensure_shipped_rules()
    one = make_citizen(teams[0], alice, name="Åse Øby")
    two = make_citizen(teams[0], alice, name="Bo Æble")
    # Both pass the service's own check together, so only the exclusion constraint can stop one.
    barrier = threading.Barrier(2, timeout=10)
    real_check = services.check_free

    def check_then_wait(*args):
        result = real_check(*args)
        barrier.wait()
        return result

    monkeypatch.setattr(services, "check_free", check_then_wait)
    results = {}

    def attempt(user, citizen):
        try:
            results[citizen.pk] = book(user, citizen, at(MONDAY, 10), caseworker=alice)
        except ValidationError as exc:
            results[citizen.pk] = exc.message_dict
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(alice.user, one)),
        threading.Thread(target=attempt, args=(lea.user, two)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Booking.objects.filter(caseworker=alice).count() == 1
    outcomes = sorted(results.values(), key=lambda r: isinstance(r, dict))
    assert isinstance(outcomes[0], Booking)
    assert outcomes[1] == {"start": [services.SLOT_TAKEN]}
