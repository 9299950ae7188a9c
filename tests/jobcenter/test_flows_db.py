"""flows_on (the database aggregates) gives exactly the flows estimate_flows computes from every
enrolment: inflow, the earliest start, ended and censored durations.
"""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from catalogue.models import TargetGroup
from citizens.models import Citizen, Enrolment
from jobcenter import flows as fl
from jobcenter import forecast_inputs as fi
from jobcenter.models import Team
from tests.jobcenter.economy_fixtures import ensure_rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("vendor", ["postgresql", "other"])
@pytest.mark.parametrize("on", [date(2026, 11, 20), date(2025, 11, 20)])
def test_flows_on_matches_estimate_flows(on, vendor, monkeypatch):
    """Both the PostgreSQL query and the ORM one (any other database)."""
    if vendor != fi.connection.vendor:
        monkeypatch.setattr(fi.connection, "vendor", vendor)
    call_command("seed_demo", citizens=150, seed=4, on=date(2026, 11, 20), verbosity=0)
    rows = [
        (e.target_group.code, e.start, e.end, 1.0)
        for e in Enrolment.objects.select_related("target_group")
    ]
    direct = fl.estimate_flows(rows, on)
    got = fi.flows_on(on)
    assert got.inflow == direct.inflow
    assert got.inflow.method != "none"
    # the whole curve, with its counts of exits and observations (people, not aggregated rows)
    assert got.survival == direct.survival
    ended = Counter(
        e.target_group.code for e in Enrolment.objects.select_related("target_group")
        if e.start <= on and e.end is not None and e.end < on
    )
    assert {g: s.exits for g, s in got.survival.items() if s.exits} == dict(ended)



@pytest.mark.parametrize("vendor", ["postgresql", "other"])
def test_flows_on_edges_of_the_day_and_the_window(vendor, monkeypatch):
    """Starts and ends on the very day, on the window's first and last days and just outside it:
    each lands on the same side as in estimate_flows (an enrolment ending on ``on`` is still
    running; one starting after ``on`` is unknown)."""
    if vendor != fi.connection.vendor:
        monkeypatch.setattr(fi.connection, "vendor", vendor)
    ensure_rules()
    on = date(2026, 11, 20)
    window_start, window_end = date(2024, 11, 1), date(2026, 11, 1)
    day = timedelta(days=1)
    plan = [  # (group, start, end)
        ("dagpenge", on, None),
        ("dagpenge", on - 5 * day, on),
        ("dagpenge", on - 5 * day, on - day),
        ("dagpenge", on + day, None),
        ("dagpenge", window_start, window_start + 40 * day),
        ("dagpenge", window_start - day, None),
        ("kh-jobparat", window_end - day, on - day),
        ("kh-jobparat", window_end, None),
        ("kh-jobparat", date(2021, 3, 4), date(2022, 3, 4)),
        ("kh-jobparat", window_start + 3 * day, window_start + 3 * day),
    ]
    team = Team.objects.create(name="Kanttilfælde")
    groups = {g.code: g for g in TargetGroup.objects.all()}
    for i, (group, start, end) in enumerate(plan):
        citizen = Citizen.objects.create(cpr=f"{i:02d}02901234", first_name=f"E{i}", last_name="K", team=team)
        Enrolment.objects.create(citizen=citizen, target_group=groups[group], start=start, end=end)
    direct = fl.estimate_flows([(g, s, e, 1.0) for g, s, e in plan], on)
    got = fi.flows_on(on)
    assert got == direct
    assert got.inflow.per_calendar_month["dagpenge"][10] == 1 / 2  # one start in the two Novembers
    assert got.survival["kh-jobparat"].exits == 3 and got.survival["dagpenge"].observations == 5
