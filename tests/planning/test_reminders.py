"""Morning reminders: content (in-process, locmem outbox) and one mail per caseworker through a
real Celery worker. The worker is another process with the locmem backend, so its outbox is not
visible here; the task writes a ReminderSent row after handing each mail to the backend, and the
test reads those rows from the shared test database."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from jobcenter.demo import ensure_shipped_rules
from planning import reminders
from planning.models import Booking, ReminderSent
from planning.tasks import send_reminders
from tests.citizens.factories import make_citizen
from tests.conftest import make_staff, wait_for
from tests.planning.conftest import MONDAY, at


def with_email(member, address):
    member.user.email = address
    member.user.save()
    return member


@pytest.mark.django_db
@time_machine.travel(at(MONDAY, 6), tick=False)
def test_reminder_lists_todays_talks_overdue_and_due_soon_without_booking(alice, teams):
    with_email(alice, "alice@example.dk")
    overdue = make_citizen(teams[0], alice, name="Åge Overskredet", start=MONDAY - timedelta(days=300))
    booked = make_citizen(teams[0], alice, name="Bente Booket", start=MONDAY - timedelta(days=300))
    Booking.objects.create(
        citizen=booked,
        caseworker=alice,
        start=at(MONDAY, 9),
        end=at(MONDAY, 9, 45),
        day=MONDAY,
        minutes=45,
        kind="jobsamtale",
        channel="fremmoede",
    )
    assert reminders.send_all(MONDAY) == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["alice@example.dk"]
    assert "09:00 Jobsamtale (Fremmøde): Bente Booket" in body
    overdue_part = body.split("Overskredne kontaktkrav uden booking:")[1].split("Frist inden for")[0]
    assert overdue.full_name in overdue_part and "Bente" not in overdue_part
    # Sent once a day: a retry of the task sends nothing more.
    assert reminders.send_all(MONDAY) == 0 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_reminders_on_weekends_and_public_holidays(alice, teams):
    with_email(alice, "alice@example.dk")
    make_citizen(teams[0], alice)
    assert reminders.send_all(MONDAY - timedelta(days=1)) == 0  # Sunday
    assert reminders.send_all(MONDAY.replace(month=12, day=25)) == 0  # Christmas Day
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_reminder_task_through_a_real_worker_sends_one_mail_per_caseworker(celery_worker, teams):
    ensure_shipped_rules()
    alice = with_email(make_staff("alice", "caseworker", teams[0]), "alice@example.dk")
    bob = with_email(make_staff("bob", "caseworker", teams[1]), "bob@example.dk")
    idle = with_email(make_staff("carl", "caseworker", teams[1]), "carl@example.dk")  # no citizens
    make_citizen(teams[0], alice)
    make_citizen(teams[0], alice)
    make_citizen(teams[1], bob)
    send_reminders.delay(MONDAY.isoformat())
    rows = wait_for(lambda: ReminderSent.objects.count() >= 2 and list(ReminderSent.objects.all()))
    assert sorted((r.staff_member_id, r.recipient, r.day) for r in rows) == [
        (alice.pk, "alice@example.dk", MONDAY),
        (bob.pk, "bob@example.dk", MONDAY),
    ]
    assert not ReminderSent.objects.filter(staff_member=idle).exists()
    send_reminders.delay(MONDAY.isoformat())  # a second run (retry) sends nothing new
    send_reminders.delay((MONDAY + timedelta(days=1)).isoformat())
    wait_for(lambda: ReminderSent.objects.filter(day=MONDAY + timedelta(days=1)).count() == 2)
    assert ReminderSent.objects.filter(day=MONDAY).count() == 2
