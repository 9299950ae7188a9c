"""The array kernels give the plain loops' figures to the last bit (``jobcenter.forecast_arrays``):
the forecast of a varied caseload equals the per-cohort loop over ``_Profiler.profile`` and
``presence`` that it replaced, key by key and month by month."""

import json
import random
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pytest

from catalogue.rulebook import DEFAULT_PATH, load_rulebook, rulebook_from_dict
from citizens.obligations import ContactFacts, EnrolmentFacts
from jobcenter import flows as fl
from jobcenter import forecast as fc
from jobcenter import forecast_arrays as fa

BOOK = load_rulebook()
LOCAL = "lokal-jobparat-3-mdr"


def _book_with_a_team_off():
    """The shipped rules with the local level switched off for team 2 (facts then carry the team)."""
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        data = json.load(fh)
    next(s for s in data["rule_sets"] if s["code"] == LOCAL)["teams_off"] = [2]
    return rulebook_from_dict(data)


TEAM_BOOK = _book_with_a_team_off()
ON = date(2026, 11, 20)
ASSUME = fc.Assumptions(minutes={"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20})


def _caseload(seed: int) -> list[fc.Cohort]:
    rnd = random.Random(seed)
    groups = sorted({g.code for g in BOOK.target_groups})
    out = []
    for _ in range(600):
        start = ON - timedelta(days=rnd.randrange(0, 1500))
        end = rnd.choice([None, None, None, ON, ON + timedelta(days=rnd.randrange(1, 500))])
        contacts = ()
        if rnd.random() < 0.3:
            day = start + timedelta(days=rnd.randrange(0, max(1, (ON - start).days)))
            contacts = (ContactFacts(min(day, ON), "samtale", rnd.choice(["fremmoede", "telefon"])),)
        out.append(fc.Cohort(rnd.choice(groups), start, rnd.randrange(1, 9), end, rnd.random() < 0.2,
                             rnd.random() < 0.1, team=rnd.choice([1, 2, None]),
                             caseworker=rnd.choice([10, 11, 12, None]), contacts=contacts,
                             short_absence=rnd.random() < 0.05))
    return out


def _flows(cohorts, seed: int) -> fl.Flows:
    rnd = random.Random(seed)
    rows = [(c.target_group, rnd.randrange(1, 900), rnd.random() < 0.6, 1.0) for c in cohorts]
    return fl.Flows(fl.InflowEstimate({}, "none", 0), fl.estimate_survival(rows))


def _loops(book, cohorts, flows, code, timing, held_shares, first):
    """The forecast's current caseload as it was computed before the arrays: cohort by cohort."""
    months = fc.month_starts(first, 12)
    rule_set, local_sets = fc.split_code(code)
    prof = fc._Profiler(book, rule_set, ON, months, ASSUME, flows, timing, fc.quota_weights(cohorts),
                        held_shares)
    prof.local_sets = local_sets
    by_team = fc._team_sensitive(book, local_sets)
    contacts: dict = {}
    hours: dict = {}
    by_facts: dict = defaultdict(list)
    for c in cohorts:
        by_facts[(c.target_group, c.start, c.end, c.exempt, c.work_obligation, c.short_absence,
                  c.team if by_team else None, c.contacts)].append(c)
    for (group, start, end, exempt, wo, short, team, held), alike in by_facts.items():
        profile = prof.profile(EnrolmentFacts(group, start, end, exempt, wo, short, team), held, ON,
                               prof.last_day)
        for c in alike:
            key = (c.team, c.caseworker, c.target_group)
            row_c = contacts.setdefault(key, [0.0] * 12)
            row_h = hours.setdefault(key, [0.0] * 12)
            for i, pc, ph in profile:
                row_c[i] += c.n * pc
                row_h[i] += c.n * ph
    heads: dict = defaultdict(float)
    for c in cohorts:
        heads[(c.team, c.target_group, c.start, c.end)] += c.n
    caseload: dict = {}
    outflow: dict = {}
    for (team, group, start, end), n in heads.items():
        p = prof.presence(group, start, end, ON)
        row_l = caseload.setdefault((team, None, group), [0.0] * 12)
        row_o = outflow.setdefault((team, None, group), [0.0] * 12)
        before = 1.0
        for i, x in enumerate(p):
            row_l[i] += n * x
            row_o[i] += n * (before - x)
            before = x
    return contacts, hours, caseload, outflow, prof.timing_used


@pytest.mark.parametrize("code", ["lab-2027", "reform-2026", "lab-2024", f"lab-2027+{LOCAL}"])
@pytest.mark.parametrize("with_flows", [True, False])
@pytest.mark.parametrize("first", [ON.replace(day=1), date(2026, 12, 1)])
def test_the_arrays_give_the_loops_figures_exactly(code, with_flows, first):
    cohorts = [c for c in _caseload(7) if c.end is None or c.end >= ON]
    flows = _flows(cohorts, 3) if with_flows else None
    book = TEAM_BOOK if "+" in code else BOOK
    assert fc._team_sensitive(book, fc.split_code(code)[1]) == ("+" in code)
    rules = [r.code for part in code.split("+") for r in book.rule_set(part).rules]
    # observed timing for every other rule (one with fewer points), even spread for the rest
    deciles = (0.1, 0.2, 0.3, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
    few = (0.0, 0.2, 0.5, 0.5, 0.7, 1.0)
    timing = {rule: few if i == 0 else deciles for i, rule in enumerate(rules[::2])}
    held_shares = None
    if with_flows:
        held_shares = {(c.target_group, rule, 1, 3): 0.25 for c in cohorts for rule in rules}
    got = fc.forecast(book, code, cohorts, ON, 12, ASSUME, flows=flows, timing=timing, include_inflow=False,
                      exempt_share=fc.quota_weights(cohorts), held_shares=held_shares, first_month=first)
    contacts, hours, caseload, outflow, used = _loops(book, cohorts, flows, code, timing, held_shares, first)
    assert sum(map(sum, contacts.values())) > 0
    assert got.contacts == contacts  # exact, not approximately
    assert got.hours == hours
    assert got.caseload == caseload
    assert got.outflow == outflow
    assert got.method["timing"] == dict(sorted(used.items()))
    assert set(used.values()) == {"observed", "even"}


def test_the_survival_curve_as_arrays_is_the_curve():
    rows = [(int(d), d % 3 != 0, 1.0) for d in range(1, 400, 7)]
    curve = fl.kaplan_meier(rows)
    days = np.arange(-5, 1200)
    got = fa.Curves().at(curve, days)
    assert curve.tail_hazard > 0 and days.max() > curve.last_observed  # the tail is exercised
    assert got.tolist() == [curve(int(d)) for d in days]
    sparse = fl.Survival(curve.times, curve.values, curve.last_observed, curve.tail_hazard, curve.exits,
                         curve.observations)  # without the dense table: the bisection path
    assert fa.Curves().at(sparse, days).tolist() == [sparse(int(d)) for d in days]


def test_the_engine_cache_gives_the_same_forecast_and_follows_book_rule_set_and_horizon():
    cohorts = [c for c in _caseload(11) if c.end is None or c.end >= ON]
    flows = _flows(cohorts, 5)

    def run(book, code, months):
        result = fc.forecast(book, code, cohorts, ON, months, ASSUME, flows=flows, include_inflow=False)
        return result.to_json()

    fc.ENGINE_CACHE.clear()
    cases = [(code, months) for code in ("lab-2027", "reform-2026") for months in (12, 24)]
    cold = {(code, months): run(BOOK, code, months) for code, months in cases}
    runs = fc.ENGINE_CACHE["runs"]
    assert len(runs) == 4  # one per rule set and horizon
    assert fc.ENGINE_CACHE["size"] == sum(len(v) for v in runs.values()) > 0
    for (code, months), expected in cold.items():
        assert run(BOOK, code, months) == expected  # warm: read from the cache
    assert len(fc.ENGINE_CACHE["runs"]) == 4
    other = load_rulebook()  # a rule changed: current_rulebook builds a new book
    assert run(other, "lab-2027", 12) == cold[("lab-2027", 12)]
    assert fc.ENGINE_CACHE["book"] is other and len(fc.ENGINE_CACHE["runs"]) == 1


def test_held_shares_read_from_the_engine_cache_are_the_same():
    cohorts = [c for c in _caseload(13) if c.end is None or c.end >= ON]
    sample = [(EnrolmentFacts(c.target_group, c.start, c.end, c.exempt, c.work_obligation, c.short_absence),
               list(c.contacts)) for c in cohorts]
    end = date(2027, 11, 30)
    fc.ENGINE_CACHE.clear()
    cold = fc.held_shares(sample, BOOK, "lab-2027", ON, end)
    assert cold and any(0 < v < 1 for v in cold.values())
    assert ("held", "lab-2027", (), end) in fc.ENGINE_CACHE["runs"]
    assert fc.held_shares(sample, BOOK, "lab-2027", ON, end) == cold
    fc.ENGINE_CACHE.clear()
    assert fc.held_shares(sample, BOOK, "lab-2027", ON, end) == cold
