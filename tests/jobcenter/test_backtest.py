"""The backtest: a forecast made a year ago against what happened, on a history where the truth is known."""

from datetime import date, timedelta

import pytest

from catalogue.rulebook import load_rulebook
from citizens.obligations import EnrolmentFacts, add_months, evaluate
from jobcenter import backtest as bt
from jobcenter import flows as fl
from jobcenter import forecast as fc

BOOK = load_rulebook()
ASSUME = fc.Assumptions(minutes={"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20})
MADE_ON = date(2025, 12, 1)
DURATION = 200  # days: longer than the 6-month window, so every talk is owed


class AtDeadline(dict):
    def get(self, key, default=None):
        return (1.0,)


def test_mape_is_the_mean_absolute_percentage_error_over_months_with_contacts():
    assert bt.mape([110, 90, 50], [100, 100, 0]) == pytest.approx(0.10)
    assert bt.mape([1, 2], [0, 0]) is None
    out = bt.compare({1: [110, 90]}, {1: [100, 100], 2: [10, 10]}, 2)
    assert out["teams"][1]["mape"] == pytest.approx(0.10)
    assert out["teams"][2]["mape"] == pytest.approx(1.0)  # forecast nothing, 10 held: 100 % off
    assert out["total"]["actual"] == [110, 110]


def test_backtest_on_a_synthetic_history_gives_the_known_error():
    # 10 jobafklaring enrolments start on the 1st of every month, for 3 years before and the year after
    # the backtest's forecast date; each lasts 200 days.
    starts = [add_months(MADE_ON, k) for k in range(-36, 12)]
    every = [("jobafklaring", s, s + timedelta(days=DURATION - 1), 10) for s in starts]
    known = [(g, s, e if e < MADE_ON else None, n) for g, s, e, n in every if s <= MADE_ON]
    flows = fl.estimate_flows(known, MADE_ON)
    running = [fc.Cohort(g, s, n) for g, s, e, n in known if e is None and s < MADE_ON]
    result = fc.forecast(BOOK, "lab-2024", running, MADE_ON, 12, ASSUME, flows=flows, timing=AtDeadline())
    forecast = result.totals()[0]

    # The truth: every talk the rules required, held in its deadline month by a municipality that
    # holds 90 % of them.
    truth = [0.0] * 12
    for group, start, end, n in every:
        facts = EnrolmentFacts(group, start, end)
        for ob in evaluate(BOOK, facts, (), date(2027, 1, 1), rule_set="lab-2024"):
            i = (ob.latest.year - MADE_ON.year) * 12 + ob.latest.month - MADE_ON.month
            if 0 <= i < 12 and ob.latest >= MADE_ON:
                truth[i] += n * 0.9
    assert sum(truth) > 0
    # The forecast knew the flows exactly; its error is the 10 % of talks never held: 0.1 / 0.9.
    assert bt.mape(forecast, truth) == pytest.approx(0.1 / 0.9, rel=1e-6)
