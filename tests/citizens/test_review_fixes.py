"""Defects a review found: each test fails on the code before its fix."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalogue.models import TargetGroup
from citizens import services
from citizens.models import AuditEvent
from tests.citizens.factories import make_citizen
from tests.conftest import client_for


def test_a_changed_cpr_number_is_masked_in_the_audit_log(client, alice, teams):
    citizen = make_citizen(teams[0], alice)
    old_cpr = citizen.cpr
    response = client_for(client, alice).post(
        reverse("citizens:edit", args=[citizen.pk]),
        {"version": citizen.version, "first_name": "Ny", "last_name": "Navn", "cpr": "010203-4055"},
    )
    assert response.status_code == 302
    details = str(AuditEvent.objects.filter(citizen=citizen, action="update").get().details)
    assert old_cpr not in details and "0102034055" not in details
    assert "010203-xxxx" in details


@pytest.mark.parametrize("start", [date(1999, 12, 31), date(9999, 12, 31)])
def test_course_starts_outside_the_window_are_refused(alice, teams, start):
    citizen = make_citizen(teams[0], alice)
    with pytest.raises(ValidationError, match="Startdatoen skal ligge mellem"):
        services.enrolment_transfer(
            user=alice.user,
            citizen=citizen,
            target_group=TargetGroup.objects.get(code="dagpenge"),
            start=start,
        )
    assert citizen.enrolments.count() == 1


def test_transfer_form_with_a_far_future_date_gets_a_message_not_a_500(client, alice, teams):
    citizen = make_citizen(teams[0], alice)
    dagpenge = TargetGroup.objects.get(code="dagpenge")
    response = client_for(client, alice).post(
        reverse("citizens:transfer", args=[citizen.pk]), {"target_group": dagpenge.pk, "start": "9999-12-31"}
    )
    assert response.status_code == 422
    assert "Startdatoen skal ligge mellem" in response.content.decode()


def test_an_ended_enrolment_cannot_be_exempted(alice, teams):
    citizen = make_citizen(teams[0], alice, start=timezone.localdate() - timedelta(days=60))
    old = citizen.enrolments.get()
    services.enrolment_transfer(
        user=alice.user,
        citizen=citizen,
        target_group=TargetGroup.objects.get(code="dagpenge"),
        start=timezone.localdate() - timedelta(days=5),
    )
    for _ in range(6):  # room under the 25 % limit
        make_citizen(teams[0], alice)
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="løber i dag"):
        services.enrolment_mark_exempt(user=alice.user, enrolment=old, reason="Selvhjulpen")


@pytest.mark.django_db
def test_pre_2027_groups_stay_exemptable_under_the_new_law_through_the_mapping():
    codes = services.exemptable_group_codes(date(2027, 2, 1))
    # lab-2027's exemptable rules are written for 2027 groups; kh-jobparat maps to jobsoegning.
    assert "jobsoegning" in codes and "kh-jobparat" in codes
    assert "foertidspension" not in codes


@pytest.mark.parametrize("value", ["abc", "9" * 23, "²"])
def test_malformed_ids_get_a_page_not_a_500(client, lea, ada, alice, teams, value):
    make_citizen(teams[0], alice)
    client_for(client, lea)
    from tests.conftest import make_staff

    carl = make_staff("carl", "caseworker", teams[0])
    response = client.post(
        reverse("citizens:reassign"),
        {"from_caseworker": alice.pk, "to_caseworker": carl.pk, "citizens": [value]},
    )
    assert response.status_code == 200
    client_for(client, ada)
    audit = client.get(reverse("citizens:audit"), {"citizen": value})
    assert audit.status_code == 200
    if value.isascii() and value.isdigit():  # digits that are no CPR number are explained
        assert "Skriv et helt CPR-nummer" in audit.content.decode()


def test_a_malformed_forecast_request_is_explained_in_danish(client, lea):
    client_for(client, lea)
    response = client.post(reverse("reports:forecast_start"), {"months": "tolv"}, follow=True)
    assert response.status_code == 200
    assert "Horisonten skal være et helt tal" in response.content.decode()


def test_the_citizen_page_shows_the_exemption_usage_and_granting_one_updates_it(
    client, alice, teams, django_capture_on_commit_callbacks
):
    citizens = [make_citizen(teams[0], alice) for _ in range(4)]
    client_for(client, alice)
    page = client.get(reverse("citizens:detail", args=[citizens[0].pk])).content.decode()
    assert "0 af 4 borgere" in page
    with django_capture_on_commit_callbacks(execute=True):  # the cached figure is dropped on commit
        services.enrolment_mark_exempt(
            user=alice.user, enrolment=citizens[1].enrolments.get(), reason="Selvhjulpen"
        )
    page = client.get(reverse("citizens:detail", args=[citizens[0].pk])).content.decode()
    assert "1 af 4 borgere" in page
