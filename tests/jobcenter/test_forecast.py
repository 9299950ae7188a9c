"""The forecast: same totals as the engine's per-citizen obligations, and its policies."""

from collections import defaultdict
from datetime import date

import pytest

from catalogue.economy import assumptions_on
from catalogue.rulebook import load_rulebook
from catalogue.selectors import current_rulebook
from citizens.models import Enrolment
from citizens.obligations import ACTIVE_STATUSES, EnrolmentFacts, evaluate
from jobcenter import forecast as fc
from jobcenter.capacity import available_hours, weekdays
from jobcenter.selectors import caseload_cohorts
from tests.jobcenter.economy_fixtures import ON, make_caseload

BOOK = load_rulebook()
ASSUME = fc.Assumptions(minutes={"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20})
FIRST = ON.replace(day=1)


@pytest.mark.django_db
@pytest.mark.parametrize("rule_set", ["lab-2024", "reform-2026", "lab-2027"])
@pytest.mark.parametrize("months", [12, 24])
def test_forecast_totals_equal_the_sum_of_the_engines_per_citizen_obligations(alice, bob, rule_set, months):
    make_caseload(alice, bob)
    book = current_rulebook()
    assumptions = fc.Assumptions.from_dict(assumptions_on(ON))

    # Way 1: SQL GROUP BY into cohorts, then the forecast.
    result = fc.forecast(book, rule_set, caseload_cohorts(first_month=FIRST), FIRST, months, assumptions)
    contacts, _hours = result.totals()
    by_team = {team: sum(c) for team, (c, _h) in result.rollup("team").items()}

    # Way 2: every enrolment object through the engine, one by one.
    last_day = date(FIRST.year + (FIRST.month - 1 + months) // 12, (FIRST.month - 1 + months) % 12 + 1, 1)
    expected = [0.0] * months
    expected_team: dict = defaultdict(float)
    for e in Enrolment.objects.select_related("target_group", "citizen"):
        if e.end is not None and e.end < FIRST:
            continue
        facts = EnrolmentFacts(e.target_group.code, e.start, e.end, e.exempt, e.work_obligation)
        for ob in evaluate(book, facts, [], last_day, rule_set=rule_set, project=True):
            if ob.status in ACTIVE_STATUSES and FIRST <= ob.latest < last_day:
                i = (ob.latest.year - FIRST.year) * 12 + ob.latest.month - FIRST.month
                expected[i] += ob.quota_pct / 100
                expected_team[e.citizen.team_id] += ob.quota_pct / 100

    assert sum(expected) > 0
    assert contacts == pytest.approx(expected)
    assert by_team == pytest.approx(dict(expected_team))


def test_a_kasse_exempt_and_quota_are_honoured():
    start = date(2026, 11, 2)
    plain = fc.forecast(BOOK, "reform-2026", [fc.Cohort("dagpenge", start, 100)], FIRST, 12, ASSUME)
    exempt = fc.forecast(
        BOOK, "reform-2026", [fc.Cohort("dagpenge", start, 100, exempt=True)], FIRST, 12, ASSUME
    )
    # reform-2026 dagpenge: 2 a-kasse talks (not municipal), 2 municipal talks months 3-6 at a 75 % quota,
    # and the 16-month talk (outside a 12-month horizon from 1 Nov 2026: due by 1 Mar 2028).
    assert sum(plain.totals()[0]) == pytest.approx(100 * 2 * 0.75)
    assert sum(exempt.totals()[0]) == 0  # the exemptable talks are waived


def test_quota_rule_costs_blended_minutes_and_first_talk_in_person():
    start = date(2026, 11, 2)
    result = fc.forecast(BOOK, "lab-2024", [fc.Cohort("kh-jobparat", start, 10)], FIRST, 12, ASSUME)
    contacts, hours = result.totals()
    # first talk in person (45 min) + 3 talks any channel (half 45, half 30 = 37.5 min)
    assert sum(contacts) == pytest.approx(40)
    assert sum(hours) == pytest.approx(10 * (45 + 3 * 37.5) / 60)
    assert ASSUME.fte(116.6666666) == pytest.approx(1.0, rel=1e-6)
    assert ASSUME.dkk(1400) == pytest.approx(600_000)


def test_inflow_adds_new_cohorts_each_month():
    base = fc.forecast(BOOK, "lab-2027", [], FIRST, 12, ASSUME, inflow={"dagpenge": 10})
    assert sum(base.totals()[0]) > 0
    assert set(base.rollup("team")) == {None}


def test_split_parts_combine_to_the_whole():
    cohorts = [fc.Cohort("kh-jobparat", date(2026, 10, d), 3, team=d % 2, caseworker=d) for d in range(1, 20)]
    whole = fc.forecast(BOOK, "lab-2024", cohorts, FIRST, 12, ASSUME)
    parts = [
        fc.forecast(BOOK, "lab-2024", [c for c in cohorts if c.team == t], FIRST, 12, ASSUME) for t in (0, 1)
    ]
    combined = fc.combine(parts)
    for got, want in zip(combined.totals(), whole.totals(), strict=True):
        assert got == pytest.approx(want)
    assert fc.Forecast.from_json(whole.to_json()).totals()[1] == pytest.approx(whole.totals()[1])


def test_capacity_counts_weekdays_minus_absence():
    assert weekdays(date(2026, 12, 1), date(2026, 12, 31)) == 23
    full = available_hours(37, 80, [], date(2026, 12, 1))
    assert full == pytest.approx(23 * 7.4 * 0.8)
    away = available_hours(37, 80, [(date(2026, 12, 21), date(2027, 1, 1))], date(2026, 12, 1))
    assert away == pytest.approx((23 - 9) * 7.4 * 0.8)
