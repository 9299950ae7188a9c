"""The caseload as columns: grouping, shares and storage give what the plain loops over Cohort
objects give (pure; no database)."""

import random
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pytest

from jobcenter.caseload_table import CaseloadTable, Cohort, first_seen

ON = date(2026, 11, 20)


def _cohorts(seed: int, size: int = 2000) -> list[Cohort]:
    rng = random.Random(seed)
    out = []
    for _ in range(size):
        start = ON - timedelta(days=rng.randrange(0, 3000))
        end = None if rng.random() < 0.7 else start + timedelta(days=rng.randrange(1, 900))
        out.append(Cohort(
            rng.choice(["jobparat", "aktivitetsparat", "sygedagpenge"]), start, rng.randrange(1, 4), end,
            exempt=rng.random() < 0.2, work_obligation=rng.random() < 0.1,
            team=rng.choice([None, 3, 7, 11]), caseworker=rng.choice([None, *range(100, 160)]),
            short_absence=rng.random() < 0.05,
        ))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_first_seen_numbers_groups_as_a_dict_would(seed):
    rng = np.random.default_rng(seed)
    # a dense column, a sparse one (ids far apart) and a boolean
    cols = (rng.integers(0, 5, 5000), rng.integers(0, 3, 5000) * 10**12,
            rng.integers(0, 2, 5000).astype(bool))
    number, first = first_seen(*cols)
    seen: dict[tuple, int] = {}
    expected = [seen.setdefault(row, len(seen)) for row in zip(*(c.tolist() for c in cols), strict=True)]
    assert number.tolist() == expected
    firsts: dict[int, int] = {}
    for i, n in enumerate(expected):
        firsts.setdefault(n, i)
    assert first.tolist() == [firsts[n] for n in range(len(seen))]


def test_first_seen_renumbers_before_the_key_overflows():
    rng = np.random.default_rng(9)
    cols = [rng.integers(0, 4000, 4000) for _ in range(7)]  # 4000 ** 7 > 2 ** 62
    number, _first = first_seen(*cols)
    seen: dict[tuple, int] = {}
    rows = zip(*(c.tolist() for c in cols), strict=True)
    assert number.tolist() == [seen.setdefault(r, len(seen)) for r in rows]


def test_first_seen_of_nothing():
    number, first = first_seen(np.zeros(0, dtype=np.int64))
    assert len(number) == len(first) == 0


def test_a_table_iterates_as_its_cohorts_and_survives_storage():
    cohorts = _cohorts(4)
    table = CaseloadTable.of(cohorts)
    assert list(table) == cohorts
    assert list(CaseloadTable.from_bytes(table.to_bytes())) == cohorts
    assert list(CaseloadTable.of([])) == []
    # stored in the fewest bits that hold each column exactly: a fractional weight stays a float
    fractional = [Cohort("jobparat", ON, 0.5, team=40_000, caseworker=3_000_000_000)]
    assert list(CaseloadTable.from_bytes(CaseloadTable.of(fractional).to_bytes())) == fractional


def test_shares_equal_the_loops():
    cohorts = _cohorts(5)
    table = CaseloadTable.of(cohorts)
    total, exempt = defaultdict(float), defaultdict(float)
    for c in cohorts:
        total[c.target_group] += c.n
        if c.exempt and not c.work_obligation:
            exempt[c.target_group] += c.n
    assert table.exempt_shares() == {g: exempt[g] / n for g, n in total.items()}
    since = date(2025, 1, 1)
    recent, every = defaultdict(lambda: defaultdict(float)), defaultdict(lambda: defaultdict(float))
    for c in cohorts:
        every[c.target_group][c.team] += c.n
        if c.start >= since:
            recent[c.target_group][c.team] += c.n
    expected = {}
    for group, per_team in every.items():
        base = recent.get(group) or per_team
        expected[group] = {t: n / sum(base.values()) for t, n in base.items()}
    assert table.team_shares(since) == expected
    assert list(expected["jobparat"]) == list(table.team_shares(since)["jobparat"])  # first-seen order


def test_only_teams_and_running_on():
    cohorts = _cohorts(6)
    table = CaseloadTable.of(cohorts)
    assert list(table.only_teams([3, 11])) == [c for c in cohorts if c.team in (3, 11)]
    running = table.where(table.running_on(ON))
    assert list(running) == [c for c in cohorts if c.start <= ON and (c.end is None or c.end >= ON)]
