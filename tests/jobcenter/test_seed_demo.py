from datetime import date

import pytest
from django.core.management import call_command

from citizens.models import Citizen, Contact, Enrolment
from jobcenter.demo import TEAMS, team_size
from jobcenter.models import StaffMember, Team

ON = date(2026, 11, 2)


def snapshot() -> dict:
    """Everything seed_demo makes, without database ids (those differ between databases)."""
    return {
        "teams": sorted(Team.objects.values_list("name", flat=True)),
        "staff": sorted(
            StaffMember.objects.values_list("user__username", "role", "team__name", "weekly_hours")
        ),
        "citizens": sorted(
            Citizen.objects.values_list(
                "cpr",
                "first_name",
                "last_name",
                "team__name",
                "caseworker__user__username",
                "next_due",
                "next_status",
            )
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "citizen__cpr", "target_group__code", "start", "end", "exempt", "work_obligation"
            )
        ),
        "contacts": sorted(
            Contact.objects.values_list(
                "citizen__cpr", "date", "kind", "channel", "performed_by", "outcome", "minutes"
            )
        ),
    }


def seed(**options):
    call_command("seed_demo", citizens=250, seed=11, on=ON, verbosity=0, **options)


@pytest.mark.django_db
def test_seed_demo_builds_a_municipality_and_is_idempotent():
    seed()
    first = snapshot()
    # a leader and caseworkers for the caseload at the team's norm (test_capacity_model) + 3 logins
    assert len(first["teams"]) == 6 and len(first["staff"]) == 6 + sum(team_size(t, 250) for t in TEAMS) + 3
    assert all(any(s[2] == t and s[1] == "caseworker" for s in first["staff"]) for t in TEAMS)
    assert len(first["citizens"]) == 250 and len(first["contacts"]) > 250
    assert {"sagsbehandler", "teamleder", "admin"} <= {s[0] for s in first["staff"]}
    assert len({e[1] for e in first["enrolments"]}) >= 10  # spread over the target groups
    seed()
    assert snapshot() == first


@pytest.mark.django_db
def test_seed_demo_is_deterministic():
    seed()
    first = snapshot()
    for model in (Contact, Enrolment, Citizen):
        model.objects.all().delete()
    seed()
    assert snapshot() == first
    for model in (Contact, Enrolment, Citizen):
        model.objects.all().delete()
    call_command("seed_demo", citizens=250, seed=12, on=ON, verbosity=0)
    assert snapshot()["citizens"] != first["citizens"]  # another seed, other data
