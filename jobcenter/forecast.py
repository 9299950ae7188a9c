"""The workload and cost forecast: a caseload in cohorts + its flows + a rule set + assumptions ->
caseload, inflow, outflow, contacts, hours, FTE and DKK per month, team, caseworker and target
group, and the same per year in steady state.

Pure module (no ORM). The caller summarises the caseload with SQL into cohorts (alike enrolments,
with the held contacts that can still meet an obligation: ``Cohort`` rows, or a
``caseload_table.CaseloadTable`` of them as columns for a large caseload) and estimates the flows
(``jobcenter.flows``: inflow per group and calendar month, Kaplan-Meier exits). Every cohort that
shares (facts, contacts) is run through the obligation engine once.

Policies (stated so the figures can be checked):

1. **What counts.** An obligation of the rule set (what-if mode when ``rule_set`` is given, else
   the set in force on each deadline; ``project=True``: rolling rules assume each talk is held on
   its deadline), evaluated on the horizon's last day with the contacts held
   up to the forecast date ``on``. Left out: obligations already **met** by ``on`` (talks already
   held count), performed by the a-kasse (``not_municipal``), waived under the 25 % exemption,
   and those whose deadline is before ``on`` (past deadlines are the worklist's business).
   1a. At scale (a caseload above ``FORECAST_EXACT_LIMIT``) the contacts are not read per
   enrolment: the share of obligations already met is measured per (target group, rule, number,
   whole months since start) on a fixed sample evaluated exactly, and each cohort's obligations
   are counted times (1 - that share). ``method.held`` says which was used.
2. **When.** An open obligation is held somewhere in what is left of its window,
   [max(earliest, on), latest]. Where the contact history shows when talks of the rule are held
   (the position of the meeting contact within the window, as deciles), the talk is spread over
   the remaining window at those positions; otherwise evenly over ten points. ``method.timing``
   says which, per rule.
3. **Who is still there.** Each talk is weighted by the chance that the enrolment is still
   running on the day it falls (``flows.Flows.survive``); an enrolment with a known end stays
   exactly until then (the engine drops deadlines after the end).
4. **One discount, not two (quotas).** A rule with a quota q < 100 % (the 75 % rules) must be met
   for q of the group. The slack 1 - q is used first by the group's exemptions (exempt enrolments
   count 0: their exemptable talks are waived), and only the rest by talks not held: each
   non-exempt enrolment counts ``min(1, q / (1 - e))``, where e is the group's exempt share. With
   e = 25 % and q = 75 % every non-exempt talk counts in full; with no exemptions each counts 0.75.
5. **New enrolments.** Inflow per group and month (estimated by ``flows``, or the user's
   override, stated in ``method.inflow``) starts on the 1st of each month (the first month: on
   ``on``, counting only the rest of the month when estimated). It is split between teams by
   each team's share of the group's starts (``team_shares``), without a caseworker.
6. **Minutes.** A rule that only accepts in-person contacts costs the in-person minutes; one that
   accepts any channel costs the in-person share times the in-person minutes plus the rest times
   the remote minutes (phone, else video, else digital). Minutes look up (kind, channel) first
   and fall back to (any kind, channel).
   6a. **Around the talk.** Each talk also costs the minutes of preparation, registration and travel
   assumed for its channel (``prep_minutes``; 0 when none is given), so hours are whole talks.
7. **FTE and DKK.** FTE in a month = hours / (productive hours per FTE / 12); DKK = hours x
   (FTE cost / productive hours per FTE).
9. **Local service levels.** A forecast of ``"S+L"`` layers the municipality's local rule set L
   (kind ``local``) on the statutory set S through the engine (a local obligation counts only
   when its local set and a statutory set are in force on its deadline; statutory rules take
   contacts first); ``"S"`` alone is the statutory minimum. Rolling rules are projected (each
   talk held on its deadline). Held talks, timing, survival and quotas apply alike.
8. **Steady state.** Flows at their long-run level: a year's inflow per group (the sum of its
   calendar-month estimates, or 12 x the override's mean) times the contacts one new enrolment
   costs over its whole expected stay (its obligations weighted by survival, up to 20 years).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from catalogue.rulebook import RuleBook, RuleSpec
from citizens.obligations import ACTIVE_STATUSES, EnrolmentFacts, add_months, evaluate
from jobcenter import forecast_arrays as fa
from jobcenter.caseload_table import NONE, CaseloadTable, Cohort, first_seen
from jobcenter.flows import NO_EXITS, Flows
from jobcenter.gcpause import paused

REMOTE_CHANNELS = ("telefon", "video", "digital")


@dataclass(frozen=True)
class Assumptions:
    minutes: Mapping[str, float]  # "kind|channel" (kind "" = any kind) -> minutes
    in_person_share: float = 0.5
    productive_hours_per_fte: float = 1400.0
    fte_cost: float = 600_000.0
    benefit_cost: Mapping[str, float] = field(default_factory=dict)
    # Policy 6a: minutes around each talk (preparation, registration, travel), per channel
    # ("" = any channel), added to the talk's own minutes.
    prep_minutes: Mapping[str, float] = field(default_factory=dict)
    # Share of casework hours that goes to talks with their preparation (capacity, not cost);
    # None = not recorded (then all casework hours count, as before it was an assumption).
    talk_share: float | None = None

    @classmethod
    def from_dict(cls, d: Mapping) -> Assumptions:
        missing = [k for k in ("productive_hours_per_fte", "fte_cost") if not d.get(k)]
        if not d.get("minutes"):
            missing.append("minutes")
        if missing:
            raise ValueError(f"Mangler omkostningsantagelser: {', '.join(missing)}.")
        share = d.get("in_person_share")
        return cls(
            minutes=dict(d["minutes"]),
            in_person_share=0.5 if share is None else float(share),
            productive_hours_per_fte=float(d["productive_hours_per_fte"]),
            fte_cost=float(d["fte_cost"]),
            benefit_cost=dict(d.get("benefit_cost") or {}),
            prep_minutes={k: float(v) for k, v in (d.get("prep_minutes") or {}).items()},
            talk_share=None if d.get("talk_share") is None else float(d["talk_share"]),
        )

    def talk_minutes(self, kind: str, channel: str) -> float:
        """The talk itself: (kind, channel) first, then (any kind, channel)."""
        for key in (f"{kind}|{channel}", f"|{channel}"):
            if key in self.minutes:
                return float(self.minutes[key])
        raise ValueError(f"Ingen antagelse om minutter for {kind} via {channel}.")

    def prep_for(self, channel: str) -> float:
        """Preparation, registration and travel around one talk on ``channel`` (policy 6a)."""
        return float(self.prep_minutes.get(channel, self.prep_minutes.get("", 0.0)))

    def minutes_for(self, kind: str, channel: str) -> float:
        """All the minutes one talk costs: the talk plus its preparation and registration."""
        return self.talk_minutes(kind, channel) + self.prep_for(channel)

    def rule_minutes(self, rule: RuleSpec) -> float:
        remote = next((c for c in REMOTE_CHANNELS if c in rule.channels), None)
        if remote is None:
            return self.minutes_for(rule.kind, "fremmoede")
        remote_minutes = self.minutes_for(rule.kind, remote)
        if "fremmoede" not in rule.channels:
            return remote_minutes
        share = self.in_person_share
        return share * self.minutes_for(rule.kind, "fremmoede") + (1 - share) * remote_minutes

    @property
    def hours_per_fte_month(self) -> float:
        return self.productive_hours_per_fte / 12

    @property
    def dkk_per_hour(self) -> float:
        return self.fte_cost / self.productive_hours_per_fte

    def fte(self, hours: float) -> float:
        return hours / self.hours_per_fte_month

    def dkk(self, hours: float) -> float:
        return hours * self.dkk_per_hour


def month_starts(first: date, months: int) -> tuple[date, ...]:
    first = first.replace(day=1)
    return tuple(add_months(first, i) for i in range(months))


def _month_index(d: date, first: date) -> int:
    return (d.year - first.year) * 12 + d.month - first.month


Key = tuple  # (team, caseworker, target_group)
SERIES = ("contacts", "hours", "caseload", "inflow", "outflow")
EVEN = tuple((i + 0.5) / 10 for i in range(10))
STEADY_YEARS = 20
DKK_KEYS = ("contacts", "hours", "fte", "dkk")


@dataclass
class Forecast:
    """Per (team, caseworker, target group) and month: contacts, hours, expected caseload at the
    month's end, inflow and outflow. ``steady`` holds one year in steady state per group (contacts,
    hours); ``method`` says how the flows and timing were estimated."""

    rule_set: str
    months: tuple[date, ...]
    contacts: dict[Key, list[float]]
    hours: dict[Key, list[float]]
    caseload: dict[Key, list[float]] = field(default_factory=dict)
    inflow: dict[Key, list[float]] = field(default_factory=dict)
    outflow: dict[Key, list[float]] = field(default_factory=dict)
    steady: dict[Key, dict[str, float]] = field(default_factory=dict)
    method: dict = field(default_factory=dict)

    def series(self, name: str) -> dict[Key, list[float]]:
        return getattr(self, name)

    def _row(self, name: str, key: Key) -> list[float]:
        table = self.series(name)
        row = table.get(key)
        if row is None:
            row = table[key] = [0.0] * len(self.months)
        return row

    # --- roll-ups -------------------------------------------------------------------------
    def rollup(self, dim: str) -> dict:
        """{value of dim: (contacts per month, hours per month)}; dim is team, caseworker or group."""
        index = {"team": 0, "caseworker": 1, "group": 2}[dim]
        out: dict = {}
        n = len(self.months)
        for key, contacts in self.contacts.items():
            acc = out.setdefault(key[index], ([0.0] * n, [0.0] * n))
            hours = self.hours[key]
            for i in range(n):
                acc[0][i] += contacts[i]
                acc[1][i] += hours[i]
        return out

    def total(self, name: str, keep=None) -> list[float]:
        out = [0.0] * len(self.months)
        for key, row in self.series(name).items():
            if keep is None or keep(key):
                for i, x in enumerate(row):
                    out[i] += x
        return out

    def totals(self) -> tuple[list[float], list[float]]:
        return self.total("contacts"), self.total("hours")

    def steady_total(self, keep=None) -> dict[str, float]:
        out = {"contacts": 0.0, "hours": 0.0}
        for key, v in self.steady.items():
            if keep is None or keep(key):
                out["contacts"] += v["contacts"]
                out["hours"] += v["hours"]
        return out

    def only(self, keep) -> Forecast:
        """The part of the forecast whose keys pass ``keep``."""
        def sub(table):
            return {k: v for k, v in table.items() if keep(k)}

        return Forecast(
            self.rule_set, self.months, sub(self.contacts), sub(self.hours), sub(self.caseload),
            sub(self.inflow), sub(self.outflow), sub(self.steady), self.method,
        )

    # --- (de)serialisation for ForecastSnapshot.result ----------------------------------------
    def to_json(self) -> dict:
        keys = set()
        for name in SERIES:
            keys |= set(self.series(name))
        keys |= set(self.steady)
        zero = [0.0] * len(self.months)
        return {
            "rule_set": self.rule_set,
            "months": [m.isoformat() for m in self.months],
            "rows": [
                [k[0], k[1], k[2], *[[round(x, 4) for x in self.series(n).get(k, zero)] for n in SERIES],
                 {n: round(v, 4) for n, v in self.steady.get(k, {}).items()}]
                for k in sorted(keys, key=lambda k: (str(k[0]), str(k[1]), k[2]))
            ],
            "method": self.method,
        }

    @classmethod
    def from_json(cls, d: Mapping) -> Forecast:
        months = tuple(date.fromisoformat(m) for m in d["months"])
        f = cls(d["rule_set"], months, {}, {}, method=dict(d.get("method") or {}))
        for row in d["rows"]:
            key = (row[0], row[1], row[2])
            for name, values in zip(SERIES, row[3:8], strict=False):
                if any(values):
                    f.series(name)[key] = list(values)
            if key not in f.contacts and key in f.hours:
                f.contacts[key] = [0.0] * len(months)
            if key in f.contacts and key not in f.hours:
                f.hours[key] = [0.0] * len(months)
            if len(row) > 8 and row[8]:
                f.steady[key] = dict(row[8])
        return f


# --- Timing of talks within their window -----------------------------------------------------


def estimate_timing(positions: Mapping[str, Iterable[float]], min_observations: int = 20) -> dict[str, tuple]:
    """Per rule, the deciles of where in its window (0 = earliest, 1 = latest) the meeting contact
    fell; rules with fewer than ``min_observations`` are left out (they are spread evenly)."""
    out = {}
    for rule, values in positions.items():
        xs = sorted(min(1.0, max(0.0, x)) for x in values)
        if len(xs) < min_observations:
            continue
        out[rule] = tuple(xs[min(len(xs) - 1, int((i + 0.5) / 10 * len(xs)))] for i in range(10))
    return out


def timing_positions(obligations: Iterable) -> list[tuple[str, float]]:
    """(rule, position in window) of every obligation met on time; feeds ``estimate_timing``."""
    out = []
    for ob in obligations:
        if ob.status != "met" or ob.late or ob.met_by is None:
            continue
        span = (ob.latest - ob.earliest).days
        out.append((ob.rule, (ob.met_by.date - ob.earliest).days / span if span > 0 else 1.0))
    return out


# --- The forecast ---------------------------------------------------------------------------


def quota_weights(cohorts: Iterable[Cohort] | CaseloadTable) -> dict[str, float]:
    """Policy 4: the exempt share e per target group among the given enrolments."""
    return CaseloadTable.of(cohorts).exempt_shares()


def _quota_weight(quota_pct: int, exempt_share: float) -> float:
    if quota_pct >= 100:
        return 1.0
    q = quota_pct / 100
    return 1.0 if exempt_share >= 1 - q else q / (1 - exempt_share)


# The engine's obligations per distinct input, kept across forecasts in this process (a worker
# computes every night's forecast with the same rule book and, for a month, the same horizon).
# Cleared when the rule book changes (``current_rulebook`` builds a new one) or it grows too big.
ENGINE_CACHE: dict = {}
ENGINE_CACHE_LIMIT = 500_000
# Where a run missing from ``ENGINE_CACHE`` is first looked for: ``loader(run_key)`` gives the
# results kept for the current rule book ({input: obligations}) or None. ``jobcenter.services``
# sets it to ``cohort_summary.kept_engine`` (the results the refresh stored); None here keeps
# this module free of the database.
ENGINE_LOADER: Callable[[tuple], dict | None] | None = None


def _engine_cache(book: RuleBook, run_key: tuple) -> dict:
    """The part of ``ENGINE_CACHE`` for ``book`` and ``run_key`` (what else the engine was given)."""
    if ENGINE_CACHE.get("book") is not book or ENGINE_CACHE["size"] > ENGINE_CACHE_LIMIT:
        ENGINE_CACHE.clear()
        ENGINE_CACHE.update(book=book, size=0, runs={})
    runs = ENGINE_CACHE["runs"]
    cache = runs.get(run_key)
    if cache is None:
        kept = ENGINE_LOADER(run_key) if ENGINE_LOADER is not None else None
        cache = runs[run_key] = kept or {}
        ENGINE_CACHE["size"] += len(cache)
    return cache


class _Profiler:
    """One enrolment's expected contacts and hours per month; cached per distinct input."""

    def __init__(
        self, book, rule_set, on, months, assumptions, flows, timing, exempt_share, held_shares=None
    ):
        self.book, self.rule_set, self.on = book, rule_set, on
        self.months = months
        self.first = months[0]
        self.last_day = add_months(self.first, len(months)) - timedelta(days=1)
        self.month_ends = [add_months(m, 1) - timedelta(days=1) for m in months]
        self.assumptions = assumptions
        self.flows = flows
        self.timing = timing if timing is not None else {}
        self.exempt_share = exempt_share or {}
        self.held_shares = held_shares
        self.local_sets: tuple[str, ...] | None = ()
        self.minutes: dict[tuple[str, str], float] = {}
        self.cache: dict = {}
        self.terms: dict = {}  # ``term`` per (group, months in, obligation)
        self.timing_used: dict[str, str] = {}
        # Day ordinal -> month index over the horizon (``profile`` works on ordinals).
        self.first_ord = self.first.toordinal()
        self.on_ord = on.toordinal()
        self.month_of = [
            i for i, m in enumerate(months) for _ in range((add_months(m, 1) - m).days)
        ]

    def rule_minutes(self, set_code: str, rule_code: str) -> float:
        key = (set_code, rule_code)
        m = self.minutes.get(key)
        if m is None:
            rule = next(r for r in self.book.rule_set(set_code).rules if r.code == rule_code)
            m = self.minutes[key] = self.assumptions.rule_minutes(rule)
        return m

    def alive(self, group: str, start: date, end: date | None, since: date, day: date) -> float:
        """P(enrolled on ``day`` | enrolled on ``since``)."""
        if end is not None:
            return 1.0 if day <= end else 0.0
        if self.flows is None:
            return 1.0
        return self.flows.survive(group, (since - start).days, (day - start).days)

    def profile(self, facts: EnrolmentFacts, contacts: tuple, since: date, horizon_end: date):
        """[(month index, contacts, hours)] for one enrolment alive on ``since``."""
        key = (facts, contacts, since, horizon_end)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        out: dict[int, list[float]] = {}
        held = [c for c in contacts if c.date <= self.on]  # later ones are not held yet
        first_ord, on_ord, month_of = self.first_ord, self.on_ord, self.month_of
        last = len(month_of)
        start, end = facts.start, facts.end
        start_ord = start.toordinal()
        end_ord = end.toordinal() if end is not None else None
        curve = None if self.flows is None else self.flows.survival.get(facts.target_group, NO_EXITS)
        base = curve((since - start).days) if curve is not None else 1.0
        for ob in evaluate(self.book, facts, held, horizon_end, rule_set=self.rule_set,
                           local_sets=self.local_sets, project=True, explain=False):
            if ob.status not in ACTIVE_STATUSES or ob.latest < since:
                continue
            weight = _quota_weight(ob.quota_pct, self.exempt_share.get(facts.target_group, 0.0))
            if self.held_shares is not None and since == self.on:
                # Large caseloads: held talks subtracted in expectation (policy 1a).
                weight *= 1 - self.held_shares.get(held_key(facts, ob, self.on), 0.0)
            minutes = self.rule_minutes(ob.rule_set, ob.rule)
            lo = max(ob.earliest, since).toordinal()
            span = ob.latest.toordinal() - lo
            positions = self.timing.get(ob.rule)
            self.timing_used.setdefault(ob.rule, "observed" if positions else "even")
            points = positions or EVEN
            share = weight / len(points)
            for p in points:
                day = lo + round(p * span)  # an ordinal
                k = day - first_ord
                if k < 0:
                    if day < on_ord:
                        continue
                    i = 0  # between ``on`` and a later first month: counted in the first month
                elif k >= last:
                    continue
                else:
                    i = month_of[k]
                if end_ord is not None:
                    w = share if day <= end_ord else 0.0
                elif curve is None:
                    w = share
                else:
                    w = share * curve(day - start_ord) / base if base > 0 else 0.0
                acc = out.setdefault(i, [0.0, 0.0])
                acc[0] += w
                acc[1] += w * minutes / 60
        result = [(i, c, h) for i, (c, h) in sorted(out.items())]
        self.cache[key] = result
        return result

    def obligation_arrays(self, facts: list[tuple], contacts: list[tuple]) -> tuple:
        """``profile``'s obligations of the enrolments alive on ``on`` with the inputs ``facts``
        (as ``engine`` takes them) and ``contacts``, in the inputs' order, as arrays for
        ``forecast_arrays.profiles``: (input, first day left of the window, its length, weight per
        point, minutes, points as a NaN-padded matrix)."""
        on, on_ord = self.on, self.on_ord
        distinct: dict[tuple, int] = {}  # an obligation (days from the start) -> its number
        seen: dict[int, tuple] = {}  # id of an engine result -> (the result, its numbers)
        flat: list[int] = []
        lengths = []
        cache = _engine_cache(self.book, (self.rule_set, self.local_sets, self.last_day))
        for f, c in zip(facts, contacts, strict=True):
            held = tuple(x for x in c if x.date <= on) if c else ()
            obligations = cache.get((f, held))
            if obligations is None:
                obligations = self.engine(f, held)
            hit = seen.get(id(obligations))
            if hit is None:  # the result is held in ``hit``, so its id is not reused meanwhile
                numbers = [distinct.setdefault(ob, len(distinct)) for ob in obligations]
                hit = seen[id(obligations)] = (obligations, numbers)
            flat.extend(hit[1])
            lengths.append(len(hit[1]))
        table = list(distinct)
        number = np.asarray(flat, dtype=np.int64)
        row_input = np.repeat(np.arange(len(facts), dtype=np.int64), lengths)
        starts = np.asarray([f[1] for f in facts], dtype=np.int64)
        start = starts[row_input]
        latest = start + np.asarray([ob[5] for ob in table], dtype=np.int64)[number]
        earliest = start + np.asarray([ob[4] for ob in table], dtype=np.int64)[number]
        keep = latest >= on_ord
        row_input, number, latest, earliest = row_input[keep], number[keep], latest[keep], earliest[keep]
        lo = np.maximum(earliest, on_ord)
        # weight per point, minutes and points: per (group, months in, rule), policies 1a, 2, 4, 6
        codes: dict[str, int] = {}
        group = np.asarray([codes.setdefault(f[0], len(codes)) for f in facts], dtype=np.int64)[row_input]
        months_in = ((on_ord - starts) * 12 // 365)[row_input]  # held_key's last part
        term_of, term_first = first_seen(group, months_in, number)
        names = list(codes)
        terms = []
        for g, m, n in zip(*(a[term_first].tolist() for a in (group, months_in, number)), strict=True):
            key = (names[g], m, table[n][:4])
            term = self.terms.get(key)
            if term is None:
                term = self.terms[key] = self.term(names[g], m, *table[n][:4])
            terms.append(term)
        width = max((len(t[2]) for t in terms), default=1)
        points = np.full((len(terms), width), np.nan)
        for j, t in enumerate(terms):
            points[j, : len(t[2])] = t[2]
        share = np.asarray([t[0] for t in terms], dtype=np.float64)
        minutes = np.asarray([t[1] for t in terms], dtype=np.float64)
        return row_input, lo, latest - lo, share[term_of], minutes[term_of], points[term_of]

    def term(self, group: str, months_in: int, set_code: str, rule: str, number: int, quota_pct: int,
             ) -> tuple:
        """(weight per point, minutes, points) of one obligation (policies 1a, 2, 4 and 6)."""
        weight = _quota_weight(quota_pct, self.exempt_share.get(group, 0.0))
        if self.held_shares is not None:
            weight *= 1 - self.held_shares.get((group, rule, number, months_in), 0.0)
        positions = self.timing.get(rule)
        self.timing_used.setdefault(rule, "observed" if positions else "even")
        points = positions or EVEN
        return weight / len(points), self.rule_minutes(set_code, rule), points

    def engine(self, facts: tuple, held: tuple) -> tuple:
        """The engine's active obligations of one input on the horizon's last day, as (set, rule,
        number, quota %, earliest and latest in days from the start): kept across forecasts for
        the same rule book, rule set and horizon (``ENGINE_CACHE``), which is all they depend on.
        ``facts`` as ``obligation_arrays`` takes them (plain values: quick to hash and to keep)."""
        book = self.book
        cache = _engine_cache(book, (self.rule_set, self.local_sets, self.last_day))
        key = (facts, held)
        hit = cache.get(key)
        if hit is None:
            group, start, end, exempt, wo, short, team = facts
            day = date.fromordinal
            enrolment = EnrolmentFacts(group, day(start), None if end == NONE else day(end), exempt, wo,
                                       short, None if team == NONE else team)
            hit = cache[key] = tuple(
                (ob.rule_set, ob.rule, ob.number, ob.quota_pct, ob.earliest.toordinal() - start,
                 ob.latest.toordinal() - start)
                for ob in evaluate(book, enrolment, list(held), self.last_day, rule_set=self.rule_set,
                                   local_sets=self.local_sets, project=True, explain=False)
                if ob.status in ACTIVE_STATUSES
            )
            ENGINE_CACHE["size"] += 1
        return hit

    def presence(self, group: str, start: date, end: date | None, since: date) -> list[float]:
        """Expected share still enrolled at each month's end (1 enrolment alive on ``since``)."""
        if end is None and self.flows is not None:
            # ``alive`` unrolled: the survival at ``since`` is looked up once, not per month.
            curve = self.flows.survival.get(group, NO_EXITS)
            base = curve((since - start).days)
            return [
                0.0 if e < since or e < start or base <= 0 else curve((e - start).days) / base
                for e in self.month_ends
            ]
        return [
            0.0 if e < since else self.alive(group, start, end, since, e) if e >= start else 0.0
            for e in self.month_ends
        ]


def inflow_plan(
    months: tuple[date, ...],
    on: date,
    flows: Flows | None,
    override: Mapping[str, float | Iterable[float]] | None,
) -> tuple[dict[str, list[float]], dict]:
    """Starts per group and horizon month, and how they were chosen (policy 5)."""
    plan: dict[str, list[float]] = {}
    how: dict[str, str] = {}
    if flows is not None:
        first_share = 1.0
        if months and on > months[0]:
            days = (add_months(months[0], 1) - months[0]).days
            first_share = (days - on.day + 1) / days
        for group in flows.inflow.per_calendar_month:
            row = [flows.inflow.for_month(group, m) for m in months]
            if row:
                row[0] *= first_share
            plan[group] = row
            how[group] = flows.inflow.method
    for group, per_month in (override or {}).items():
        values = [per_month] * len(months) if isinstance(per_month, int | float) else list(per_month)
        plan[group] = [float(v) for v in values[: len(months)]] + [0.0] * max(0, len(months) - len(values))
        how[group] = "override"
    return plan, how


@paused
def forecast(
    book: RuleBook,
    rule_set: str | None,
    cohorts: Iterable[Cohort] | CaseloadTable,
    on: date,
    n_months: int,
    assumptions: Assumptions,
    inflow: Mapping | None = None,
    *,
    flows: Flows | None = None,
    timing: Mapping[str, tuple] | None = None,
    team_shares: Mapping[str, Mapping] | None = None,
    exempt_share: Mapping[str, float] | None = None,
    held_shares: Mapping[tuple, float] | None = None,
    include_inflow: bool = True,
    include_steady: bool = True,
    first_month: date | None = None,
) -> Forecast:
    """The caseload (and its inflow) under ``rule_set`` (None = the set in force), from ``on``.

    The horizon starts with ``on``'s month, or ``first_month`` (the month after it): then what
    falls between ``on`` and that month is counted in the first month."""
    months = month_starts(first_month or on, n_months)
    code = rule_set
    rule_set, local_sets = split_code(code)
    if rule_set is not None:
        book.rule_set(rule_set)  # unknown set -> KeyError before any work
    for local in local_sets or ():
        book.rule_set(local)
    table = CaseloadTable.of(cohorts)
    day = on.toordinal()
    given = (table.end == NONE) | (table.end >= day)
    running = table.where(given & (table.start <= day))
    later = (months[-1] + timedelta(days=31)).toordinal()
    scheduled = list(table.where(given & (table.start > day) & (table.start <= later)))
    if exempt_share is None:
        exempt_share = table.where(given).exempt_shares()
    prof = _Profiler(book, rule_set, on, months, assumptions, flows, timing, exempt_share, held_shares)
    prof.local_sets = local_sets
    result = Forecast(code or IN_FORCE, months, {}, {})
    horizon_end = prof.last_day

    def add(key, n, profile, presence, start_i=None):
        if profile:
            row_c, row_h = result._row("contacts", key), result._row("hours", key)
            for i, c, h in profile:
                row_c[i] += n * c
                row_h[i] += n * h
        row_l, row_o = result._row("caseload", key), result._row("outflow", key)
        before = 1.0
        for i, p in enumerate(presence):
            if start_i is not None and i < start_i:
                continue
            row_l[i] += n * p
            row_o[i] += n * (before - p)
            before = p

    by_team = _team_sensitive(book, local_sets)
    _current_caseload(prof, running, by_team, result)

    for c in scheduled:  # known future starts enter in their month
        i = max(0, (c.start.year - months[0].year) * 12 + c.start.month - months[0].month)
        if i >= len(months):
            continue
        facts = EnrolmentFacts(c.target_group, c.start, c.end, c.exempt, c.work_obligation, c.short_absence,
                               c.team if by_team else None)
        key = (c.team, c.caseworker, c.target_group)
        result._row("contacts", key)
        result._row("hours", key)
        result._row("inflow", key)[i] += c.n
        add(key, c.n, prof.profile(facts, c.contacts, c.start, horizon_end),
            prof.presence(c.target_group, c.start, c.end, c.start), start_i=i)

    plan, how = inflow_plan(months, on, flows, inflow) if include_inflow else ({}, {})
    for group, per_month in plan.items():
        shares = (team_shares or {}).get(group) or {None: 1.0}
        for i, n in enumerate(per_month):
            if not n:
                continue
            start = on if i == 0 and on > months[0] else months[i]
            presence = prof.presence(group, start, None, start)
            for team, share in shares.items():
                profile = prof.profile(EnrolmentFacts(group, start, team=team if by_team else None), (),
                                       start, horizon_end)
                key = (team, None, group)
                result._row("contacts", key)
                result._row("hours", key)
                result._row("inflow", key)[i] += n * share
                add(key, n * share, profile, presence, start_i=i)

    if include_steady and include_inflow:
        # A year's inflow: 12 x the override's monthly mean, else the estimate's calendar year.
        yearly = {g: sum(v) * 12 / len(v) for g, v in plan.items() if how.get(g) == "override" and v}
        if flows is not None:
            for g in flows.inflow.per_calendar_month:
                yearly.setdefault(g, flows.inflow.yearly(g))
        for group, per_year in yearly.items():
            life = lifetime(prof, group, months[0])
            shares = (team_shares or {}).get(group) or {None: 1.0}
            for team, share in shares.items():
                result.steady[(team, None, group)] = {
                    "contacts": per_year * share * life[0],
                    "hours": per_year * share * life[1],
                }
    result.method = {
        "rule_set": code or IN_FORCE,
        "local_sets": list(local_sets) if local_sets is not None else "in force",
        "inflow": how,
        "flows": flows.method() if flows is not None else {"inflow": "none", "exits": {}},
        "timing": dict(sorted(prof.timing_used.items())),
        "quota": "one-discount",
        "held": "sample" if held_shares is not None else "exact",
        "exempt_share": {g: round(e, 4) for g, e in sorted(exempt_share.items())},
    }
    return result


def _current_caseload(prof: _Profiler, table: CaseloadTable, by_team: bool, result: Forecast) -> None:
    """The caseload of ``on``: contacts and hours per (team, caseworker, group), head counts and
    outflow per (team, group). One engine run per distinct input (facts and held contacts); the
    grouping, weighting and sums are array operations (``caseload_table``, ``forecast_arrays``),
    term for term the same as ``_Profiler.profile`` and ``presence`` in a loop over the cohorts."""
    n_months = len(prof.months)
    day = date.fromordinal
    groups, sets = table.groups, table.contact_sets
    team = table.team if by_team else np.full(len(table), NONE, dtype=np.int64)
    input_of, input_first = first_seen(table.group, table.start, table.end, table.exempt,
                                       table.work_obligation, table.short_absence, team, table.contacts)
    key_of, key_first = first_seen(table.team, table.caseworker, table.group)
    starts = table.start[input_first]
    ends = table.end[input_first]
    survival = prof.flows.survival if prof.flows is not None else None
    columns = (table.group, table.start, table.end, table.exempt, table.work_obligation,
               table.short_absence, team)
    facts = list(zip(*(c[input_first].tolist() for c in columns), strict=True))
    facts = [(groups[f[0]], *f[1:]) for f in facts]
    held = [sets[k] for k in table.contacts[input_first].tolist()]
    curves = [None if survival is None else survival.get(f[0], NO_EXITS) for f in facts]
    rows = prof.obligation_arrays(facts, held)
    arrays = fa.Curves()
    contacts, hours = fa.profiles(
        n_inputs=len(input_first), n_months=n_months, row_input=rows[0], row_lo=rows[1],
        row_span=rows[2], row_share=rows[3], row_minutes=rows[4], row_points=rows[5],
        input_start=starts, input_end=ends, input_curve=curves, first_ord=prof.first_ord,
        on_ord=prof.on_ord, month_of=prof.month_of, curves=arrays,
    )
    # Sum per (team, caseworker, group) in the order of the inputs, then of their cohorts.
    idx = np.argsort(input_of, kind="stable")
    k_arr, i_arr, n_arr = key_of[idx], input_of[idx], table.n[idx]
    sum_c = fa.sum_rows(k_arr, len(key_first), n_arr, contacts, i_arr).tolist()
    sum_h = fa.sum_rows(k_arr, len(key_first), n_arr, hours, i_arr).tolist()
    for k, key in enumerate(_keys(table, key_first, caseworker=True)):
        result.contacts[key] = sum_c[k]
        result.hours[key] = sum_h[k]
    # Head counts need no caseworker: summed per (team, facts), moved along the exits.
    head_of, head_first = first_seen(table.team, table.group, table.start, table.end)
    heads = table.where(head_first)
    head_n = np.bincount(head_of, weights=table.n, minlength=len(head_first))
    alike_of, alike_first = first_seen(heads.group, heads.start, heads.end)
    pair_of, pair_first = first_seen(heads.team, heads.group)
    alike = [
        (groups[g], day(s), None if e == NONE else day(e))
        for g, s, e in zip(*(c[alike_first].tolist() for c in (heads.group, heads.start, heads.end)),
                           strict=True)
    ]
    presence = _presences(prof, alike, arrays)
    before = np.concatenate([np.ones((len(alike), 1)), presence[:, :-1]], axis=1)
    caseload = fa.sum_rows(pair_of, len(pair_first), head_n, presence, alike_of).tolist()
    outflow = fa.sum_rows(pair_of, len(pair_first), head_n, before - presence, alike_of).tolist()
    for k, key in enumerate(_keys(heads, pair_first, caseworker=False)):
        result.caseload[key] = caseload[k]
        result.outflow[key] = outflow[k]


def _keys(table: CaseloadTable, rows: np.ndarray, *, caseworker: bool) -> list[Key]:
    """(team, caseworker or None, group) of the given rows of ``table``, -1 read as None."""
    cws = table.caseworker[rows].tolist() if caseworker else [NONE] * len(rows)
    return [
        (None if t == NONE else t, None if c == NONE else c, table.groups[g])
        for t, c, g in zip(table.team[rows].tolist(), cws, table.group[rows].tolist(), strict=True)
    ]


def _presences(prof: _Profiler, alike: list[tuple], arrays: fa.Curves) -> np.ndarray:
    """``prof.presence(group, start, end, on)`` for every (group, start, end), as one array."""
    n_months = len(prof.months)
    out = np.zeros((len(alike), n_months))
    if prof.flows is None:
        for j, (group, start, end) in enumerate(alike):
            out[j] = prof.presence(group, start, end, prof.on)
        return out
    ends = np.asarray([e.toordinal() for e in prof.month_ends], dtype=np.int64)
    on_ord = prof.on_ord
    by_group: dict[str, list[int]] = defaultdict(list)
    for j, (group, start, end) in enumerate(alike):
        if end is None:
            by_group[group].append(j)
        else:
            out[j] = prof.presence(group, start, end, prof.on)
    for group, members in by_group.items():
        curve = prof.flows.survival.get(group, NO_EXITS)
        idx = np.asarray(members, dtype=np.int64)
        start = np.asarray([alike[j][1].toordinal() for j in members], dtype=np.int64)
        base = arrays.at(curve, on_ord - start)
        ages = ends[None, :] - start[:, None]
        s = arrays.at(curve, ages.ravel()).reshape(ages.shape)
        b = base[:, None]
        value = s / np.where(b > 0, b, 1.0)
        gone = (ends[None, :] < on_ord) | (ends[None, :] < start[:, None]) | (b <= 0)
        out[idx] = np.where(gone, 0.0, value)
    return out


IN_FORCE = "i-kraft"


def _team_sensitive(book: RuleBook, local_sets: tuple[str, ...] | None) -> bool:
    """Whether a layered local level is switched off for some team (then facts carry the team)."""
    if local_sets is None:
        layers = [rs for rs in book.rule_sets if rs.kind == "local" and rs.status == "active"]
    else:
        layers = [book.rule_set(code) for code in local_sets]
    return any(rs.teams_off for rs in layers)


def split_code(code: str | None) -> tuple[str | None, tuple[str, ...] | None]:
    """A forecast's rule set: ``"S"`` (statutory only), ``"S+L1+L2"`` (statutory with local service
    levels layered on top, policy 9) or None (the sets in force on each deadline, with every
    active local level: what the municipality actually does)."""
    if code is None or code == IN_FORCE:
        return None, None
    statutory, *local = code.split("+")
    return statutory, tuple(local)


def layered_code(statutory: str, local: Iterable[str]) -> str:
    return "+".join([statutory, *local])


def held_key(facts: EnrolmentFacts, ob, on: date) -> tuple:
    """(group, rule, number, whole months since start on ``on``): the cell of a held share."""
    return facts.target_group, ob.rule, ob.number, (on - facts.start).days * 12 // 365


def held_shares(samples, book: RuleBook, code: str | None, on: date, horizon_end: date) -> dict:
    """Policy 1a: the share of each cell's obligations (deadline on or after ``on``) that contacts
    held by ``on`` already met, from a sample of ``(facts, contacts)`` evaluated exactly."""
    met: dict[tuple, list[int]] = {}
    rule_set, local_sets = split_code(code)
    cache = _engine_cache(book, ("held", rule_set, local_sets, horizon_end))  # (facts, held) -> obligations
    for facts, contacts in samples:
        held = tuple(c for c in contacts if c.date <= on)
        obligations = cache.get((facts, held))
        if obligations is None:
            obligations = cache[(facts, held)] = tuple(
                (ob.rule, ob.number, ob.latest, ob.status)
                for ob in evaluate(book, facts, list(held), horizon_end, rule_set=rule_set,
                                   local_sets=local_sets, project=True, explain=False)
                if ob.status not in ("waived", "not_municipal")
            )
            ENGINE_CACHE["size"] += 1
        months_in = (on - facts.start).days * 12 // 365  # held_key's last part
        for rule, number, latest, status in obligations:
            if latest < on:
                continue
            cell = met.setdefault((facts.target_group, rule, number, months_in), [0, 0])
            cell[0] += status == "met"
            cell[1] += 1
    return {k: m / n for k, (m, n) in met.items() if n}


def lifetime(prof: _Profiler, group: str, start: date) -> tuple[float, float]:
    """(contacts, hours) one new enrolment costs over its whole expected stay (policy 8)."""
    key = ("lifetime", group, start)
    hit = prof.cache.get(key)
    if hit is not None:
        return hit
    end = add_months(start, 12 * STEADY_YEARS) - timedelta(days=1)
    contacts = hours = 0.0
    for ob in evaluate(prof.book, EnrolmentFacts(group, start), (), end, rule_set=prof.rule_set,
                       local_sets=prof.local_sets, project=True, explain=False):
        if ob.status not in ACTIVE_STATUSES:
            continue
        weight = _quota_weight(ob.quota_pct, prof.exempt_share.get(group, 0.0))
        minutes = prof.rule_minutes(ob.rule_set, ob.rule)
        positions = prof.timing.get(ob.rule) or EVEN
        span = (ob.latest - ob.earliest).days
        for p in positions:
            day = ob.earliest + timedelta(days=round(p * span))
            w = weight / len(positions) * prof.alive(group, start, None, start, day)
            contacts += w
            hours += w * minutes / 60
    prof.cache[key] = (contacts, hours)
    return contacts, hours


def combine(parts: Iterable[Forecast]) -> Forecast:
    """Sum forecasts of disjoint caseloads (the per-team parts of a split job)."""
    parts = list(parts)
    if not parts:
        raise ValueError("Ingen delprognoser at samle.")
    months = parts[0].months
    out = Forecast(parts[0].rule_set, months, {}, {}, method=dict(parts[0].method))
    for p in parts:
        if p.months != months or p.rule_set != parts[0].rule_set:
            raise ValueError("Delprognoserne dækker ikke samme regelsæt og måneder.")
        for name in SERIES:
            for key, row in p.series(name).items():
                acc = out._row(name, key)
                for i, x in enumerate(row):
                    acc[i] += x
        for key, v in p.steady.items():
            year = out.steady.setdefault(key, {"contacts": 0.0, "hours": 0.0})
            year["contacts"] += v["contacts"]
            year["hours"] += v["hours"]
        if p.method.get("inflow"):
            out.method = dict(p.method)
    return out


def per_year(contacts: float, hours: float, assumptions: Assumptions, months: int = 12) -> dict[str, float]:
    """Contacts, hours, FTE and DKK scaled to one year from ``months`` months."""
    scale = 12 / months
    return {
        "contacts": contacts * scale,
        "hours": hours * scale,
        "fte": hours * scale / assumptions.productive_hours_per_fte,
        "dkk": assumptions.dkk(hours) * scale,
    }


def yearly_by_group(fc: Forecast, assumptions: Assumptions, months: int = 12) -> dict[str, dict[str, float]]:
    """Contacts, hours, FTE and DKK over the first ``months`` months, per target group."""
    return {
        group: per_year(sum(c[:months]), sum(h[:months]), assumptions, months)
        for group, (c, h) in fc.rollup("group").items()
    }


def steady_by_group(fc: Forecast, assumptions: Assumptions) -> dict[str, dict[str, float]]:
    """One year in steady state per target group (contacts, hours, FTE, DKK)."""
    acc: dict[str, list[float]] = {}
    for key, v in fc.steady.items():
        a = acc.setdefault(key[2], [0.0, 0.0])
        a[0] += v["contacts"]
        a[1] += v["hours"]
    return {g: per_year(c, h, assumptions) for g, (c, h) in acc.items()}


def difference(a: Forecast, b: Forecast) -> dict[str, list[float]]:
    """Totals per month of b minus a (negative = fewer contacts/hours under b)."""
    ca, ha = a.totals()
    cb, hb = b.totals()
    return {
        "contacts": [y - x for x, y in zip(ca, cb, strict=True)],
        "hours": [y - x for x, y in zip(ha, hb, strict=True)],
    }


def layer_code(book: RuleBook, statutory: str, local: str) -> str:
    """The code of ``statutory`` with the local level ``local`` on top (both must exist)."""
    if book.rule_set(local).kind != "local":
        raise KeyError(f"'{local}' er ikke et lokalt serviceniveau.")
    if book.rule_set(statutory).kind == "local":
        raise KeyError(f"'{statutory}' er et lokalt serviceniveau, ikke et lovkrav.")
    return layered_code(statutory, [local])
