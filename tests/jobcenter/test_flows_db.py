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
    # enrolments alike in (group, days, ended) count as one weighted observation, as before
    alike: Counter = Counter()
    for g, start, end, w in rows:
        if (row := fl.duration_row(start, end, on)) is not None:
            alike[(g, *row)] += w
    survival = fl.estimate_survival((g, d, e, n) for (g, d, e), n in alike.items())
    got = fi.flows_on(on)
    assert got.inflow == direct.inflow
    assert got.inflow.method != "none"
    assert got.survival == survival
    for g, s in direct.survival.items():  # the curve is estimate_flows' own
        assert (got.survival[g].times, got.survival[g].values) == (s.times, s.values)
    assert any(s.exits for s in got.survival.values())
