"""The capacity model (pure): whole talks (the talk + the minutes around it) held against the
share of casework hours that goes to talks, and the demo's staffing at plausible caseloads."""

from datetime import date

import pytest

from catalogue.rulebook import load_rulebook
from jobcenter import capacity
from jobcenter import forecast as fc
from jobcenter.demo import CASELOAD_NORM, DEMO_TEAM, RUNNING_PER_1000, TEAMS, team_size

BOOK = load_rulebook()
TALK = {"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20}
PREP = {"fremmoede": 30, "telefon": 20, "": 10}


def test_a_talk_costs_its_own_minutes_plus_those_around_it_per_channel():
    a = fc.Assumptions(minutes=TALK, prep_minutes=PREP)
    assert a.minutes_for("jobsamtale", "fremmoede") == 75
    assert a.minutes_for("jobsamtale", "telefon") == 50
    assert a.minutes_for("jobsamtale", "digital") == 30  # falls back to the any-channel prep
    assert fc.Assumptions(minutes=TALK).minutes_for("jobsamtale", "fremmoede") == 45  # none given: 0


def test_a_rule_with_a_free_channel_blends_whole_talks():
    a = fc.Assumptions(minutes=TALK, prep_minutes=PREP, in_person_share=0.5)
    rule = next(
        r for rs in BOOK.rule_sets for r in rs.rules if "fremmoede" in r.channels and "telefon" in r.channels
    )
    assert a.rule_minutes(rule) == pytest.approx(0.5 * 75 + 0.5 * 50)


def test_the_forecast_counts_whole_talks():
    on = date(2026, 11, 2)
    cohort = [fc.Cohort("kh-jobparat", on, 10, team=1)]
    plain = fc.forecast(BOOK, "lab-2024", cohort, on, 12, fc.Assumptions(minutes=TALK), include_inflow=False)
    whole = fc.forecast(BOOK, "lab-2024", cohort, on, 12, fc.Assumptions(minutes=TALK, prep_minutes=PREP),
                        include_inflow=False)
    (c1, h1), (c2, h2) = plain.totals(), whole.totals()
    assert sum(c1) == pytest.approx(sum(c2)) and sum(c1) > 0
    assert sum(h2) > sum(h1) * 1.4  # 20-30 minutes around each 30-45 minute talk


def test_from_dict_reads_prep_and_talk_share_and_old_snapshots_without_them():
    base = {"minutes": TALK, "productive_hours_per_fte": 1400, "fte_cost": 600_000}
    a = fc.Assumptions.from_dict({**base, "prep_minutes": {"fremmoede": 30}, "talk_share": 0.55})
    assert a.prep_for("fremmoede") == 30 and a.talk_share == 0.55
    old = fc.Assumptions.from_dict(base)
    assert old.prep_for("fremmoede") == 0 and old.talk_share is None


def test_hours_for_talks_are_the_share_of_casework_hours():
    assert capacity.talk_hours(120.0, 0.55) == pytest.approx(66.0)
    assert capacity.talk_hours(120.0, None) == 120.0  # not recorded: all casework hours, as before
    with pytest.raises(ValueError, match="mellem 0 og 1"):
        capacity.talk_hours(120.0, 1.5)


def test_load_basis_per_caseworker_and_month():
    b = capacity.load_basis(caseload=216, caseworkers=2, contacts=1200, hours=1500, available=2400, months=12)
    assert b["caseload_per_caseworker"] == 108
    assert b["talks_per_caseworker_month"] == pytest.approx(50)
    assert b["hours_per_talk"] == pytest.approx(1.25)
    assert b["workload_per_caseworker_month"] == pytest.approx(62.5)
    assert b["available_per_caseworker_month"] == pytest.approx(100)
    assert b["load"] == pytest.approx(0.625)
    empty = capacity.load_basis(caseload=0, caseworkers=0, contacts=0, hours=0, available=0, months=12)
    assert empty["load"] is None and empty["caseload_per_caseworker"] is None


@pytest.mark.parametrize("citizens", [4000, 40_000])
def test_demo_staffing_gives_caseloads_of_40_to_150_per_caseworker(citizens):
    for team in TEAMS:
        staff = team_size(team, citizens) + (1 if team == DEMO_TEAM else 0)  # + the demo login
        per_caseworker = citizens * RUNNING_PER_1000[team] / 1000 / staff
        assert 40 <= per_caseworker <= 150, (team, per_caseworker)
        assert abs(per_caseworker - CASELOAD_NORM[team]) <= CASELOAD_NORM[team] * 0.5
