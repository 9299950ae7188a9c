"""Data-subject access (indsigt) as JSON and as a page, and the retention job."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from citizens.models import AuditEvent, Citizen, Contact, Enrolment
from citizens.services import citizens_anonymise_inactive, contact_register
from citizens.tasks import anonymise_inactive
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_indsigt_json_holds_everything_and_is_audited(alice, teams):
    citizen = make_citizen(teams[0], alice, name="Ida Indsigt")
    contact_register(
        user=alice.user, citizen=citizen, date=timezone.localdate(), kind="jobsamtale",
        channel="fremmoede", minutes=30, outcome="held", note="Talte om CV",
    )
    body = api_for(alice).get(f"/api/v1/citizens/{citizen.pk}/indsigt/").json()
    assert body["citizen"]["cpr"] == f"{citizen.cpr[:6]}-{citizen.cpr[6:]}"
    assert body["enrolments"][0]["target_group"] == "kh-jobparat"
    assert body["contacts"][0]["note"] == "Talte om CV"
    assert body["obligations"]
    assert any(a["action"] == "contact" for a in body["access_log"])
    assert AuditEvent.objects.filter(citizen=citizen, action="export", details__kind="indsigt").exists()


def test_indsigt_page_is_printable_scoped_and_audited(client, alice, bob, teams):
    citizen = make_citizen(teams[0], alice, name="Ida Indsigt")
    response = client_for(client, alice).get(f"/borgere/{citizen.pk}/indsigt/")
    assert response.status_code == 200
    assert "Ida" in response.content.decode() and citizen.cpr[6:] in response.content.decode()
    assert AuditEvent.objects.filter(citizen=citizen, action="export").count() == 1
    client.logout()
    assert client_for(client, bob).get(f"/borgere/{citizen.pk}/indsigt/").status_code == 404


def _old_citizen(team, name, *, enrolment_end, contact_on=None):
    citizen = make_citizen(team, name=name, start=date(2015, 1, 5))
    Enrolment.objects.filter(citizen=citizen).update(end=enrolment_end, exempt_reason="privat")
    Citizen.objects.filter(pk=citizen.pk).update(created_at=timezone.now() - timedelta(days=12 * 365))
    if contact_on:
        Contact.objects.create(
            citizen=citizen, date=contact_on, kind="jobsamtale", channel="telefon", note="personlig note"
        )
    return citizen


@override_settings(RETENTION_YEARS=5)
def test_retention_anonymises_only_the_long_inactive(teams):
    today = timezone.localdate()
    gone = _old_citizen(teams[0], "Gammel Sag", enrolment_end=date(2018, 1, 1), contact_on=date(2017, 6, 1))
    recent_contact = _old_citizen(
        teams[0], "Nylig Kontakt", enrolment_end=date(2018, 1, 1), contact_on=today - timedelta(days=400)
    )
    open_enrolment = make_citizen(teams[0], name="Aktiv Borger")
    assert anonymise_inactive.apply().get() == 1
    gone.refresh_from_db()
    assert (gone.first_name, gone.last_name) == ("", "")
    assert gone.cpr == f"X{gone.pk:09d}" and gone.anonymised_at is not None
    # the aggregates the forecasts need remain
    enrolment = gone.enrolments.get()
    assert (enrolment.target_group.code, enrolment.start, enrolment.exempt_reason) == (
        "kh-jobparat", date(2015, 1, 5), ""
    )
    contact = gone.contacts.get()
    assert (contact.kind, contact.date, contact.note) == ("jobsamtale", date(2017, 6, 1), "")
    for other in (recent_contact, open_enrolment):
        other.refresh_from_db()
        assert other.anonymised_at is None and other.first_name
    assert citizens_anonymise_inactive() == 0  # idempotent


def test_retention_beat_entry_exists(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "citizens.tasks.anonymise_inactive" in tasks
