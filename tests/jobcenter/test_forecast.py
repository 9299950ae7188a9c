"""The forecast: same totals as the engine's per-citizen obligations, and its policies."""

from collections import defaultdict
from datetime import date

import pytest

from catalogue.economy import assumptions_on
from catalogue.rulebook import load_rulebook
from catalogue.selectors import current_rulebook
from citizens.models import Enrolment
from citizens.obligations import ACTIVE_STATUSES, ContactFacts, EnrolmentFacts, evaluate
from jobcenter import forecast as fc
from jobcenter.forecast_inputs import caseload_cohorts
from tests.jobcenter.economy_fixtures import ON, make_caseload

BOOK = load_rulebook()


class _AtDeadline(dict):
    """Timing that puts every talk on its deadline (the engine's own month)."""

    def get(self, key, default=None):
        return (1.0,)


AT_DEADLINE = _AtDeadline()
ASSUME = fc.Assumptions(minutes={"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20})
FIRST = ON.replace(day=1)


@pytest.mark.django_db
@pytest.mark.parametrize("rule_set", ["lab-2024", "reform-2026", "lab-2027"])
@pytest.mark.parametrize("months", [12, 24])
def test_forecast_totals_equal_the_sum_of_the_engines_per_citizen_obligations(alice, bob, rule_set, months):
    """Without flows (nobody leaves, nobody enters) the forecast counts exactly the engine's open
    obligations with a deadline from ON to the horizon's end, quota-weighted (policy 4)."""
    make_caseload(alice, bob)
    book = current_rulebook()
    assumptions = fc.Assumptions.from_dict(assumptions_on(ON))

    # Way 1: SQL into cohorts, then the forecast.
    result = fc.forecast(book, rule_set, caseload_cohorts(on=ON), ON, months, assumptions, timing=AT_DEADLINE)
    contacts, _hours = result.totals()
    by_team = {team: sum(c) for team, (c, _h) in result.rollup("team").items()}
    shares = fc.quota_weights(caseload_cohorts(on=ON))

    # Way 2: every enrolment object through the engine, one by one.
    last_day = date(FIRST.year + (FIRST.month - 1 + months) // 12, (FIRST.month - 1 + months) % 12 + 1, 1)
    expected = 0.0
    expected_team: dict = defaultdict(float)
    for e in Enrolment.objects.select_related("target_group", "citizen"):
        if e.end is not None and e.end < ON:
            continue
        facts = EnrolmentFacts(e.target_group.code, e.start, e.end, e.exempt, e.work_obligation)
        for ob in evaluate(book, facts, [], last_day, rule_set=rule_set, project=True):
            if ob.status in ACTIVE_STATUSES and ON <= ob.latest < last_day:
                q = ob.quota_pct / 100
                w = 1.0 if q == 1 else min(1.0, q / (1 - shares.get(e.target_group.code, 0)))
                expected += w
                expected_team[e.citizen.team_id] += w

    assert expected > 0
    assert sum(contacts) == pytest.approx(expected)
    assert by_team == pytest.approx(dict(expected_team))


def test_a_kasse_exempt_and_quota_are_honoured():
    start = date(2026, 11, 2)
    plain = fc.forecast(BOOK, "reform-2026", [fc.Cohort("dagpenge", start, 100)], FIRST, 12, ASSUME,
                        timing=AT_DEADLINE)
    exempt = fc.forecast(
        BOOK, "reform-2026", [fc.Cohort("dagpenge", start, 100, exempt=True)], FIRST, 12, ASSUME,
        timing=AT_DEADLINE,
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


def test_inflow_adds_new_cohorts_each_month_split_between_teams():
    base = fc.forecast(BOOK, "lab-2027", [], FIRST, 12, ASSUME, inflow={"dagpenge": 10})
    assert sum(base.totals()[0]) > 0
    assert set(base.rollup("team")) == {None}
    split = fc.forecast(BOOK, "lab-2027", [], FIRST, 12, ASSUME, inflow={"dagpenge": 10},
                        team_shares={"dagpenge": {1: 0.25, 2: 0.75}})
    teams = split.rollup("team")
    assert sum(teams[2][0]) == pytest.approx(3 * sum(teams[1][0]))
    assert sum(split.totals()[0]) == pytest.approx(sum(base.totals()[0]))


def test_talks_already_held_are_not_counted():
    on = date(2026, 9, 15)
    start = date(2026, 8, 3)
    talk = ContactFacts(date(2026, 8, 5), "jobsamtale", "fremmoede")
    more = ContactFacts(date(2026, 9, 1), "jobsamtale", "telefon")
    none = fc.forecast(BOOK, "lab-2024", [fc.Cohort("kh-jobparat", start, 10)], on, 12, ASSUME)
    held = fc.forecast(BOOK, "lab-2024", [fc.Cohort("kh-jobparat", start, 10, contacts=(talk, more))], on, 12,
                       ASSUME)
    # lab-2024 kh-jobparat: the first talk within 7 days (its deadline has passed by ON, so it is
    # not counted either way) and 3 more within 6 months; one of those 3 was held on 1 September.
    assert sum(none.totals()[0]) == pytest.approx(10 * 3)
    assert sum(held.totals()[0]) == pytest.approx(10 * 2)
    # Contacts after the forecast date are not held yet.
    later = ContactFacts(date(2026, 10, 1), "jobsamtale", "telefon")
    future = fc.forecast(BOOK, "lab-2024", [fc.Cohort("kh-jobparat", start, 10, contacts=(later,))], on, 12,
                         ASSUME)
    assert sum(future.totals()[0]) == pytest.approx(sum(none.totals()[0]))


def test_talks_are_spread_over_their_window_evenly_or_as_observed():
    start = date(2026, 12, 1)
    even = fc.forecast(BOOK, "lab-2024", [fc.Cohort("jobafklaring", start, 10)], start, 12, ASSUME)
    contacts = even.totals()[0]
    # 4 talks within 6 months, spread evenly: some every month of the window, none after.
    assert sum(contacts[:6]) == pytest.approx(40)
    assert min(contacts[:6]) >= 4 and max(contacts[:6]) <= 10
    assert sum(contacts[6:]) == 0
    early = fc.forecast(BOOK, "lab-2024", [fc.Cohort("jobafklaring", start, 10)], start, 12, ASSUME,
                        timing={"jobafklaring.jobsamtaler-0-6-mdr": (0.05,) * 10})
    assert early.totals()[0][0] == pytest.approx(40)
    assert early.method["timing"] == {"jobafklaring.jobsamtaler-0-6-mdr": "observed"}
    assert even.method["timing"] == {"jobafklaring.jobsamtaler-0-6-mdr": "even"}
    positions = fc.estimate_timing({"r": [0.1] * 30, "few": [0.5] * 3})
    assert positions == {"r": (0.1,) * 10}


def test_one_discount_not_two_on_the_75_percent_rules():
    start = date(2026, 11, 2)
    first = date(2026, 11, 1)

    def required(*cohorts):
        return sum(fc.forecast(BOOK, "reform-2026", list(cohorts), first, 12, ASSUME).totals()[0])

    # reform-2026 kh-jobparat: the first talk for all (100 %) and 3 more at a 75 % quota, exemptable.
    # No exemptions: the 25 % slack is taken as talks not held, 0.75 each.
    assert required(fc.Cohort("kh-jobparat", start, 100)) == pytest.approx(100 * (1 + 3 * 0.75))
    # 25 of 100 exempt: the slack is used up by the exemptions; the 75 others count in full,
    # not at 0.75 again (that would discount the same slack twice: 100 + 75 x 3 x 0.75).
    assert required(
        fc.Cohort("kh-jobparat", start, 75), fc.Cohort("kh-jobparat", start, 25, exempt=True)
    ) == pytest.approx(100 + 75 * 3)
    # 10 exempt: 75 % of the 100 must still be met, by the 90 others.
    assert required(
        fc.Cohort("kh-jobparat", start, 90), fc.Cohort("kh-jobparat", start, 10, exempt=True)
    ) == pytest.approx(100 + 75 * 3)
    # Work obligation: never exempt, so the flag waives nothing and the group has no exempt share.
    assert required(
        fc.Cohort("kh-jobparat", start, 4, exempt=True, work_obligation=True)
    ) == pytest.approx(4 * (1 + 3 * 0.75))


def test_sampled_held_shares_equal_the_exact_count_when_the_sample_is_everyone():
    on = date(2026, 9, 15)
    start = date(2026, 8, 3)
    talk = ContactFacts(date(2026, 9, 1), "jobsamtale", "telefon")
    exact = [fc.Cohort("kh-jobparat", start, 30, contacts=(talk,)), fc.Cohort("kh-jobparat", start, 70)]
    facts = EnrolmentFacts("kh-jobparat", start)
    sample = [(facts, [talk])] * 30 + [(facts, [])] * 70
    shares = fc.held_shares(sample, BOOK, "lab-2024", on, date(2027, 9, 30))
    plain = [fc.Cohort("kh-jobparat", start, 100)]
    by_sample = fc.forecast(BOOK, "lab-2024", plain, on, 12, ASSUME, held_shares=shares)
    by_contacts = fc.forecast(BOOK, "lab-2024", exact, on, 12, ASSUME)
    assert sum(by_sample.totals()[0]) == pytest.approx(sum(by_contacts.totals()[0]))
    assert sum(by_sample.totals()[0]) == pytest.approx(100 * 3 - 30)
    assert by_sample.method["held"] == "sample" and by_contacts.method["held"] == "exact"


def test_a_rolling_rule_is_projected_over_the_whole_horizon_not_just_to_the_next_contact():
    """A talk at most every 3 months (the demo's local level, from month 6 on): over 12 months
    the forecast counts one talk per 3 months, each in its own month, not only the next one."""
    on = date(2027, 3, 1)
    code = "lab-2027+lokal-jobparat-3-mdr"
    cohort = [fc.Cohort("jobsoegning", date(2026, 1, 10), 1, team=1)]
    kw = {"timing": AT_DEADLINE, "include_inflow": False}
    statutory = fc.forecast(BOOK, "lab-2027", cohort, on, 12, ASSUME, **kw)
    layered = fc.forecast(BOOK, code, cohort, on, 12, ASSUME, **kw)
    local = [b - a for a, b in zip(statutory.totals()[0], layered.totals()[0], strict=True)]
    months = [m for m, n in zip(layered.months, local, strict=True) if n]
    # deadlines 10.4., 10.7., 10.10.2027 and 10.1.2028; the one due 10.4.2028 is past the horizon
    assert sum(local) == pytest.approx(4)
    assert months == [date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 1), date(2028, 1, 1)]
    # a talk already held on 1.2.2027 moves the chain: next due 1.5.2027, then every 3 months
    held = (ContactFacts(date(2027, 2, 1), "jobsamtale", "telefon", "kommune"),)
    moved = fc.forecast(BOOK, code, [fc.Cohort("jobsoegning", date(2026, 1, 10), 1, team=1, contacts=held)],
                        on, 12, ASSUME, timing=AT_DEADLINE, include_inflow=False)
    months = [m for m, n in zip(moved.months, moved.totals()[0], strict=True) if n]
    assert months == [date(2027, 5, 1), date(2027, 8, 1), date(2027, 11, 1), date(2028, 2, 1)]
    # spread evenly instead: still 4 talks in the horizon's 12 months (+ part of the 5th)
    even = fc.forecast(BOOK, code, cohort, on, 12, ASSUME, include_inflow=False)
    assert 4 <= sum(even.totals()[0]) - sum(statutory.totals()[0]) < 5
