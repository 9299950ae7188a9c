"""Caseload flows estimated from history: who enters each target group, and how long they stay.

Pure module (no ORM). Every estimate is made against an explicit ``on`` date and says how it was
made (``method`` texts), so each report can state which figures it used.

Method (stated so the figures can be checked):

1. **Inflow** per target group and calendar month, from enrolment starts in the 24 whole months
   before the month of ``on`` (the *window*). History is counted from the earliest known start
   (of any group) or the window start, whichever is later:

   - 12 or more months of history: *seasonal*; the expected starts in calendar month c are the
     mean of the starts in the window's months that fall in c;
   - 1-11 months: *mean*; every calendar month gets the mean monthly starts of those months
     (too short to tell seasons apart);
   - none: *no history*; no inflow (the report says so, and a user may enter one).

2. **Exits** per target group from observed durations, with the Kaplan-Meier estimator in days:
   an enrolment that ended on ``end`` lasted ``end - start + 1`` days (an exit); one still running
   on ``on`` has been observed for ``on - start + 1`` days (censored: it counts as at risk up to
   then, never as an exit). ``S(d)`` is the share still enrolled ``d`` days after start. After the
   longest observation the curve decays geometrically with the mean daily hazard of its last 365
   observed days (or of the whole curve when shorter); a curve with no exit at all stays at 1 (no
   history of exits: nobody is assumed to leave; the method says so).

3. **Expected head counts.** An enrolment that started ``a`` days before ``on`` is still enrolled
   ``t`` days later with probability ``S(a + t) / S(a)``; a new one with ``S(t)``. Expected (fractional)
   counts are summed; an enrolment with a known ``end`` leaves on that day.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

WINDOW_MONTHS = 24
TAIL_DAYS = 365


def month_add(d: date, months: int) -> date:
    """First day of the month ``months`` after ``d``'s month."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 1)


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


# --- Inflow ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InflowEstimate:
    """Expected starts per group and calendar month (index 0 = January)."""

    per_calendar_month: dict[str, tuple[float, ...]]
    method: str  # "seasonal", "mean" or "none"
    history_months: int

    def for_month(self, group: str, month: date) -> float:
        row = self.per_calendar_month.get(group)
        return row[month.month - 1] if row else 0.0

    def yearly(self, group: str) -> float:
        return sum(self.per_calendar_month.get(group, ()))


def estimate_inflow(
    starts: Mapping[tuple[str, date], float], on: date, history_from: date | None
) -> InflowEstimate:
    """``starts[(group, first of month)] = n`` -> expected starts per group and calendar month.

    ``history_from`` is the earliest start the data knows of (None: no history)."""
    window_end = on.replace(day=1)  # exclusive: the month of ``on`` is not complete
    window_start = month_add(window_end, -WINDOW_MONTHS)
    if history_from is None or history_from >= window_end:
        return InflowEstimate({}, "none", 0)
    first = max(window_start, history_from.replace(day=1))
    n_months = month_index(window_end) - month_index(first)
    covered = [month_add(first, i) for i in range(n_months)]
    groups = sorted({g for g, m in starts if first <= m < window_end})
    out: dict[str, tuple[float, ...]] = {}
    if n_months >= 12:
        for g in groups:
            sums, seen = [0.0] * 12, [0] * 12
            for m in covered:
                sums[m.month - 1] += starts.get((g, m), 0.0)
                seen[m.month - 1] += 1
            out[g] = tuple(s / k for s, k in zip(sums, seen, strict=True))
        return InflowEstimate(out, "seasonal", n_months)
    for g in groups:
        mean = sum(starts.get((g, m), 0.0) for m in covered) / n_months
        out[g] = (mean,) * 12
    return InflowEstimate(out, "mean", n_months)


# --- Exits: Kaplan-Meier --------------------------------------------------------------------


@dataclass(frozen=True)
class Survival:
    """``S(d)``: the share of enrolments still running ``d`` days after start (step function)."""

    times: tuple[int, ...]  # event days, ascending
    values: tuple[float, ...]  # S just after each event day
    last_observed: int  # the longest duration seen (exit or censored)
    tail_hazard: float  # daily hazard beyond last_observed
    exits: int
    observations: int
    dense: tuple[float, ...] = ()  # S(d) for every whole day d <= last_observed (fast lookups)

    @property
    def method(self) -> str:
        return "kaplan-meier" if self.exits else "none"

    def __call__(self, days: float) -> float:
        if days <= 0:
            return 1.0
        if self.dense and days <= self.last_observed and days == int(days):
            return self.dense[int(days)]
        i = bisect_right(self.times, days)
        s = self.values[i - 1] if i else 1.0
        if days > self.last_observed and self.tail_hazard > 0:
            s *= math.exp(-self.tail_hazard * (days - self.last_observed))
        return s

    def mean_days(self, cap: int = 365 * 30) -> float:
        """Expected duration (area under S), integrated by month steps up to ``cap`` days."""
        total, d = 0.0, 0
        while d < cap:
            total += 30.4375 * (self(d) + self(d + 30.4375)) / 2
            d += 30.4375
            if self(d) < 1e-6:
                break
        return total


NO_EXITS = Survival((), (), 0, 0.0, 0, 0)


def kaplan_meier(durations: Iterable[tuple[int, bool, float]]) -> Survival:
    """``(days, ended, weight)`` per enrolment (or per group of alike ones) -> S(d).

    ``ended`` False = still running after ``days`` days (censored). Ties: exits before censoring.
    """
    exits: dict[int, float] = {}
    at: dict[int, float] = {}  # weight leaving the risk set after day d (exit or censoring)
    n = 0.0
    n_exits = 0.0  # weights, not rows: an aggregated row of 40 alike exits is 40 exits
    last = 0
    for days, ended, weight in durations:
        if weight <= 0 or days < 1:
            continue
        n += weight
        at[days] = at.get(days, 0.0) + weight
        last = max(last, days)
        if ended:
            exits[days] = exits.get(days, 0.0) + weight
            n_exits += weight
    if not exits:
        return Survival((), (), last, 0.0, 0, round(n))
    times, values = [], []
    at_risk, s = n, 1.0
    for d in sorted(at):
        e = exits.get(d, 0.0)
        if e and at_risk > 0:
            s *= 1 - e / at_risk
            times.append(d)
            values.append(s)
        at_risk -= at[d]
    surv = Survival(tuple(times), tuple(values), last, 0.0, round(n_exits), round(n))
    return Survival(surv.times, surv.values, last, _tail_hazard(surv), round(n_exits), round(n),
                    dense_steps(surv.times, surv.values, last))


def dense_steps(times: Sequence[int], values: Sequence[float], last: int) -> tuple[float, ...]:
    """The step function S read at every whole day 0..``last`` (``Survival.dense``): values are
    picked, not computed, so they are the same floats ``Survival.__call__`` gives."""
    i = np.searchsorted(np.asarray(times, dtype=np.int64), np.arange(last + 1), side="right")
    steps = np.asarray([1.0, *values])[i]  # S = 1 before the first event
    steps[0] = 1.0
    return tuple(steps.tolist())


def _tail_hazard(s: Survival) -> float:
    end = s.last_observed
    if end <= 0:
        return 0.0
    begin = max(0, end - TAIL_DAYS)
    s_end, s_begin = s(end), s(begin)
    if s_end <= 0:
        return 0.0
    if s_begin > s_end:
        return math.log(s_begin / s_end) / (end - begin)
    return -math.log(s_end) / end if s_end < 1 else 0.0


def estimate_survival(
    rows: Iterable[tuple[str, int, bool, float]],
) -> dict[str, Survival]:
    """``(group, days, ended, weight)`` -> a Kaplan-Meier curve per group."""
    by_group: dict[str, list[tuple[int, bool, float]]] = {}
    for g, days, ended, w in rows:
        by_group.setdefault(g, []).append((days, ended, w))
    return {g: kaplan_meier(v) for g, v in by_group.items()}


def duration_row(start: date, end: date | None, on: date) -> tuple[int, bool] | None:
    """An enrolment as (days, ended) seen on ``on``; None when it starts after ``on``."""
    if start > on:
        return None
    if end is not None and end < on:
        return (end - start).days + 1, True
    return (on - start).days + 1, False


@dataclass(frozen=True)
class Flows:
    """Everything the forecast needs to move the caseload: inflow and survival per group."""

    inflow: InflowEstimate
    survival: Mapping[str, Survival]

    def survive(self, group: str, age_from: int, age_to: int) -> float:
        """P(duration > ``age_to`` days | duration > ``age_from``): an enrolment lasting D days is
        enrolled on the day ``start + a`` for a < D."""
        s = self.survival.get(group, NO_EXITS)
        base = s(age_from)
        if base <= 0:
            return 0.0
        return s(age_to) / base

    def method(self) -> dict:
        return {
            "inflow": self.inflow.method,
            "inflow_history_months": self.inflow.history_months,
            "exits": {
                g: {"method": s.method, "observations": s.observations, "exits": s.exits,
                    "mean_days": round(s.mean_days(), 1) if s.exits else None}
                for g, s in sorted(self.survival.items())
            },
        }


def estimate_flows(
    enrolments: Iterable[tuple[str, date, date | None, float]], on: date
) -> Flows:
    """From ``(group, start, end, weight)`` of every known enrolment (history and current)."""
    starts: dict[tuple[str, date], float] = {}
    durations = []
    earliest = None
    for group, start, end, weight in enrolments:
        row = duration_row(start, end, on)
        if row is None:
            continue
        durations.append((group, row[0], row[1], weight))
        key = (group, start.replace(day=1))
        starts[key] = starts.get(key, 0.0) + weight
        earliest = start if earliest is None or start < earliest else earliest
    return Flows(estimate_inflow(starts, on, earliest), estimate_survival(durations))
