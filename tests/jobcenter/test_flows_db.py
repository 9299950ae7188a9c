"""flows_on (the database aggregates) gives exactly the flows estimate_flows computes from every
enrolment: inflow, the earliest start, ended and censored durations.
"""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from citizens.models import Enrolment
from jobcenter import flows as fl
from jobcenter import forecast_inputs as fi

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
