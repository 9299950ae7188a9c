"""The flow estimator (pure): inflow by calendar month, Kaplan-Meier exits, the caseload they move."""

from datetime import date, timedelta

import pytest

from catalogue.rulebook import load_rulebook
from citizens.obligations import add_months
from jobcenter import flows as fl
from jobcenter import forecast as fc

BOOK = load_rulebook()
ON = date(2026, 12, 1)
ASSUME = fc.Assumptions(minutes={"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20})


def history(per_month, months_back: int, duration_days: int, group="kh-jobparat"):
    """``per_month(m)`` starts on the 1st of each of the last ``months_back`` months, each lasting
    exactly ``duration_days`` (ended before ON = history, the rest still running)."""
    rows = []
    for k in range(months_back, 0, -1):
        start = add_months(ON, -k)
        end = start + timedelta(days=duration_days - 1)
        rows.append((group, start, end if end < ON else None, per_month(start)))
    return rows


def test_constant_inflow_and_fixed_duration_give_a_stationary_caseload():
    rows = history(lambda m: 10, 36, 200)
    flows = fl.estimate_flows(rows, ON)
    assert flows.inflow.method == "seasonal"
    assert flows.inflow.for_month("kh-jobparat", date(2027, 3, 1)) == pytest.approx(10)
    running = [fc.Cohort(g, s, n) for g, s, e, n in rows if e is None]
    assert sum(c.n for c in running) == 60  # started June-November
    result = fc.forecast(BOOK, "lab-2024", running, ON, 24, ASSUME, flows=flows)
    caseload = result.total("caseload")
    # 10 a month staying 200 days: 6 starts (60) enrolled at every month's end, month after month.
    assert caseload == pytest.approx([60.0] * 24, abs=0.5)
    assert sum(result.total("inflow")) == pytest.approx(240)
    # Stationary: what enters leaves, and the workload does not drain away.
    contacts = result.total("contacts")
    assert min(contacts[6:]) > 0.9 * max(contacts[6:])


def test_seasonality_in_the_history_is_recovered():
    rows = history(lambda m: 30 if m.month in (1, 8) else 10, 30, 120)
    flows = fl.estimate_flows(rows, ON)
    assert flows.inflow.method == "seasonal"
    assert flows.inflow.for_month("kh-jobparat", date(2027, 1, 1)) == pytest.approx(30)
    assert flows.inflow.for_month("kh-jobparat", date(2027, 8, 1)) == pytest.approx(30)
    assert flows.inflow.for_month("kh-jobparat", date(2027, 3, 1)) == pytest.approx(10)
    # Short history: the mean, since seasons cannot be told apart.
    short = fl.estimate_flows(history(lambda m: 30 if m.month in (1, 8) else 10, 6, 120), ON)
    assert short.inflow.method == "mean"
    assert short.inflow.for_month("kh-jobparat", date(2027, 1, 1)) == pytest.approx(
        short.inflow.for_month("kh-jobparat", date(2027, 3, 1))
    )


def test_kaplan_meier_handles_censored_enrolments():
    # Classic example: exit at 1, censored at 2, exits at 3 and 4.
    s = fl.kaplan_meier([(1, True, 1), (2, False, 1), (3, True, 1), (4, True, 1)])
    assert s(1) == pytest.approx(3 / 4)
    assert s(2) == pytest.approx(3 / 4)  # censoring is no exit
    assert s(3) == pytest.approx(3 / 8)  # 1 of the 2 still at risk left
    assert s(4) == pytest.approx(0)
    # Dropping the censored one (or counting it as an exit) would give another curve.
    assert fl.kaplan_meier([(1, True, 1), (3, True, 1), (4, True, 1)])(3) == pytest.approx(1 / 3)
    # Long-running enrolments that have not ended yet keep the curve up: half leave at 30 days,
    # the other half are still running after 400 days.
    mixed = fl.kaplan_meier([(30, True, 50), (400, False, 50)])
    assert mixed(100) == pytest.approx(0.5)
    assert mixed.method == "kaplan-meier"
    # A weighted row stands for that many people: 50 exits of 100 observed, as the report says.
    assert (mixed.exits, mixed.observations) == (50, 100)
    one_by_one = fl.kaplan_meier([(30, True, 1)] * 50 + [(400, False, 1)] * 50)
    assert one_by_one == mixed
    # Only censored enrolments: no exit seen, nobody is assumed to leave, and the method says so.
    none = fl.kaplan_meier([(100, False, 5)])
    assert none(1000) == 1.0 and none.method == "none"


def test_today_s_enrolments_leave_along_the_curve_given_their_age():
    curve = fl.kaplan_meier([(100, True, 1), (200, True, 1)])
    flows = fl.Flows(fl.InflowEstimate({}, "none", 0), {"dagpenge": curve})
    assert flows.survive("dagpenge", 50, 150) == pytest.approx(0.5)  # past the first exit
    assert flows.survive("dagpenge", 150, 199) == pytest.approx(1.0)  # conditional on having stayed
    assert flows.survive("dagpenge", 150, 250) == pytest.approx(0.0)


def test_an_empty_history_falls_back_and_says_so():
    flows = fl.estimate_flows([], ON)
    assert flows.inflow.method == "none" and flows.survival == {}
    result = fc.forecast(BOOK, "lab-2024", [fc.Cohort("kh-jobparat", date(2026, 11, 20), 4)], ON, 12, ASSUME,
                         flows=flows)
    assert result.method["flows"]["inflow"] == "none"
    assert sum(result.total("inflow")) == 0
    assert result.total("caseload") == pytest.approx([4.0] * 12)  # nobody known to leave
    # A user's inflow still counts, and the method names it.
    with_inflow = fc.forecast(BOOK, "lab-2024", [], ON, 12, ASSUME, {"kh-jobparat": [5] * 12}, flows=flows)
    assert with_inflow.method["inflow"] == {"kh-jobparat": "override"}
    assert sum(with_inflow.total("inflow")) == pytest.approx(60)


def test_the_dense_table_is_the_step_function_read_at_every_day():
    import random

    from jobcenter.flows import Survival, kaplan_meier

    rng = random.Random(3)
    rows = [(rng.randrange(1, 900), rng.random() < 0.6, rng.choice([1.0, 2.0, 0.5])) for _ in range(2000)]
    s = kaplan_meier(rows)
    steps = Survival(s.times, s.values, s.last_observed, 0.0, s.exits, s.observations)
    assert s.dense == tuple(steps(d) for d in range(s.last_observed + 1))
