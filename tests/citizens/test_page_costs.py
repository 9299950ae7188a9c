"""What the citizen page costs stays bounded (the load test's most frequent page after the
worklist), and the shortcuts it takes answer exactly as the general functions do."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from catalogue.models import TargetGroup
from citizens import services
from citizens.models import Enrolment
from jobcenter.models import StaffMember
from jobcenter.perms import team_ids_visible_to, teams_visible_to
from tests.citizens.factories import make_citizen
from tests.conftest import client_for


def test_team_ids_are_those_of_the_visible_teams(alice, bob, lea, ada, django_assert_num_queries):
    homeless = StaffMember.objects.create(user=type(alice.user).objects.create(username="nohome"),
                                          role=alice.role, team=None)
    for member in (alice, bob, lea, ada, homeless):
        user = type(member.user).objects.get(pk=member.user.pk)
        expected = sorted(teams_visible_to(user).values_list("pk", flat=True))
        assert sorted(team_ids_visible_to(user)) == expected
    assert team_ids_visible_to(AnonymousUser()) == []
    user = type(alice.user).objects.select_related("staff_member").get(pk=alice.user.pk)
    with django_assert_num_queries(0):  # a caseworker's own team: no query
        assert team_ids_visible_to(user) == [alice.team_id]


def test_the_running_enrolment_from_the_list_is_the_one_the_query_finds(teams, alice):
    citizen = make_citizen(teams[0], alice, start=date(2026, 1, 1))
    group = TargetGroup.objects.get(code="kh-jobparat")
    citizen.enrolments.update(end=date(2026, 6, 30))
    Enrolment.objects.create(
        citizen=citizen, target_group=group, start=date(2026, 7, 1), end=date(2026, 9, 30)
    )
    Enrolment.objects.create(citizen=citizen, target_group=group, start=date(2026, 11, 1))
    enrolments = list(citizen.enrolments.order_by("-start"))
    day = date(2025, 12, 1)
    while day < date(2027, 2, 1):  # before, inside each, on the edges, in the gaps, after
        expected = services.enrolment_active_on(citizen, day)
        assert services.enrolment_running_on(enrolments, day) == expected, day
        day += timedelta(days=1)


def test_the_citizen_page_reads_what_it_shows_in_a_bounded_number_of_queries(
    client, teams, alice, django_assert_max_num_queries
):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    client.get(reverse("citizens:detail", args=[citizen.pk]))  # the rule book is read once
    # session, user, staff member, citizen, audit entry, enrolments, contacts, bookings, the
    # rule-book version (the page, and twice in the exemption checks for a running enrolment)
    # and the obligations the exemption would waive; 15 before the shortcuts
    with django_assert_max_num_queries(12):
        response = client.get(reverse("citizens:detail", args=[citizen.pk]))
    assert response.status_code == 200
    assert citizen.full_name in response.content.decode()


@pytest.mark.parametrize("persona", ["alice", "lea", "ada"])
def test_every_persona_still_opens_the_page(request, client, teams, alice, persona):
    citizen = make_citizen(teams[0], alice)
    client_for(client, request.getfixturevalue(persona))
    assert client.get(reverse("citizens:detail", args=[citizen.pk])).status_code == 200
