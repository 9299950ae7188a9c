"""The workload and cost forecast: a caseload in cohorts + a rule set + assumptions -> contacts,
hours, FTE and DKK per month, team, caseworker and target group.

Pure module (no ORM). The caller summarises the caseload with SQL (one GROUP BY) into
``Cohort`` rows; every cohort that shares (target group, start, end, exempt, work obligation)
is run through the obligation engine once, and its profile is multiplied by the head count.

Policies (stated so the figures can be checked):

1. **What counts.** A required contact is an obligation of the rule set, evaluated in what-if
   mode (``rule_set`` given) with no contacts, whose deadline (``latest``) falls in a month of
   the horizon, and whose status is municipal and not waived: obligations performed by the
   a-kasse (``not_municipal``) and obligations waived under the 25 % exemption are left out.
   It is the gross requirement from the first month on: contacts already held before the
   forecast date are not subtracted (the worklist shows what is still open today).
2. **Quotas.** An obligation of a rule with a quota below 100 % (the 75 % rules of lov nr. 1750)
   counts as ``quota_pct / 100`` of a contact: the municipality need only meet it for that
   share of the cohort.
3. **Minutes.** A rule that only accepts in-person contacts costs the in-person minutes; one that
   accepts any channel costs the in-person share times the in-person minutes plus the rest times
   the remote minutes (phone, else video, else digital). Minutes look up (kind, channel) first
   and fall back to (any kind, channel).
4. **FTE and DKK.** FTE in a month = hours / (productive hours per FTE / 12); DKK = hours x
   (FTE cost / productive hours per FTE).
5. **Inflow.** Optional new enrolments per target group and month start on the 1st of each
   month of the horizon, unassigned to team and caseworker.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from catalogue.rulebook import RuleBook, RuleSpec
from citizens.obligations import ACTIVE_STATUSES, EnrolmentFacts, add_months, evaluate

REMOTE_CHANNELS = ("telefon", "video", "digital")


@dataclass(frozen=True, slots=True)
class Cohort:
    """``n`` enrolments alike in everything the engine looks at, held by one team and caseworker."""

    target_group: str
    start: date
    n: float  # a weight: a typed-in inflow may be fractional
    end: date | None = None
    exempt: bool = False
    work_obligation: bool = False
    team: int | None = None
    caseworker: int | None = None


@dataclass(frozen=True)
class Assumptions:
    minutes: Mapping[str, float]  # "kind|channel" (kind "" = any kind) -> minutes
    in_person_share: float = 0.5
    productive_hours_per_fte: float = 1400.0
    fte_cost: float = 600_000.0
    benefit_cost: Mapping[str, float] = field(default_factory=dict)

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
        )

    def minutes_for(self, kind: str, channel: str) -> float:
        for key in (f"{kind}|{channel}", f"|{channel}"):
            if key in self.minutes:
                return float(self.minutes[key])
        raise ValueError(f"Ingen antagelse om minutter for {kind} via {channel}.")

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


@dataclass
class Forecast:
    """Contacts and hours per (team, caseworker, target group) and month."""

    rule_set: str
    months: tuple[date, ...]
    contacts: dict[Key, list[float]]
    hours: dict[Key, list[float]]

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

    def totals(self) -> tuple[list[float], list[float]]:
        n = len(self.months)
        contacts, hours = [0.0] * n, [0.0] * n
        for key, row in self.contacts.items():
            h = self.hours[key]
            for i in range(n):
                contacts[i] += row[i]
                hours[i] += h[i]
        return contacts, hours

    # --- (de)serialisation for ForecastSnapshot.result ----------------------------------------
    def to_json(self) -> dict:
        return {
            "rule_set": self.rule_set,
            "months": [m.isoformat() for m in self.months],
            "rows": [
                [
                    k[0],
                    k[1],
                    k[2],
                    [round(x, 4) for x in self.contacts[k]],
                    [round(x, 4) for x in self.hours[k]],
                ]
                for k in sorted(self.contacts, key=lambda k: (str(k[0]), str(k[1]), k[2]))
            ],
        }

    @classmethod
    def from_json(cls, d: Mapping) -> Forecast:
        contacts, hours = {}, {}
        for team, cw, group, c, h in d["rows"]:
            contacts[(team, cw, group)] = list(c)
            hours[(team, cw, group)] = list(h)
        return cls(d["rule_set"], tuple(date.fromisoformat(m) for m in d["months"]), contacts, hours)


def _profile(
    book: RuleBook,
    rule_set: str,
    facts: EnrolmentFacts,
    first: date,
    last_day: date,
    n_months: int,
    assumptions: Assumptions,
    minutes_cache: dict,
) -> list[tuple[int, float, float]]:
    """(month index, contacts, hours) for one enrolment of the cohort."""
    out = []
    for ob in evaluate(book, facts, (), last_day, rule_set=rule_set):
        if ob.status not in ACTIVE_STATUSES or ob.latest < first:
            continue
        i = _month_index(ob.latest, first)
        if i >= n_months:
            continue
        weight = ob.quota_pct / 100
        minutes = minutes_cache.get(ob.rule)
        if minutes is None:
            rule = next(r for r in book.rule_set(rule_set).rules if r.code == ob.rule)
            minutes = minutes_cache[ob.rule] = assumptions.rule_minutes(rule)
        out.append((i, weight, weight * minutes / 60))
    return out


def inflow_cohorts(inflow: Mapping[str, float | Iterable[float]], months: tuple[date, ...]) -> list[Cohort]:
    """New enrolments on the 1st of each month; ``inflow[group]`` is a number or one per month."""
    out = []
    for group, per_month in inflow.items():
        values = [per_month] * len(months) if isinstance(per_month, int | float) else list(per_month)
        for m, n in zip(months, values, strict=False):
            if n:
                out.append(Cohort(target_group=group, start=m, n=n))
    return out


def forecast(
    book: RuleBook,
    rule_set: str,
    cohorts: Iterable[Cohort],
    first_month: date,
    n_months: int,
    assumptions: Assumptions,
    inflow: Mapping | None = None,
) -> Forecast:
    """Required municipal contacts and hours per month for the caseload under ``rule_set``."""
    months = month_starts(first_month, n_months)
    first = months[0]
    last_day = add_months(first, n_months) - timedelta(days=1)
    book.rule_set(rule_set)  # unknown set -> KeyError before any work
    all_cohorts = list(cohorts)
    if inflow:
        all_cohorts.extend(inflow_cohorts(inflow, months))
    by_facts: dict[EnrolmentFacts, list[Cohort]] = defaultdict(list)
    for c in all_cohorts:
        if c.end is not None and c.end < first:
            continue
        by_facts[EnrolmentFacts(c.target_group, c.start, c.end, c.exempt, c.work_obligation)].append(c)
    contacts: dict[Key, list[float]] = {}
    hours: dict[Key, list[float]] = {}
    minutes_cache: dict[str, float] = {}
    for facts, group_cohorts in by_facts.items():
        profile = _profile(book, rule_set, facts, first, last_day, n_months, assumptions, minutes_cache)
        if not profile:
            continue
        for c in group_cohorts:
            key = (c.team, c.caseworker, c.target_group)
            row_c = contacts.get(key)
            if row_c is None:
                row_c = contacts[key] = [0.0] * n_months
                hours[key] = [0.0] * n_months
            row_h = hours[key]
            for i, w, h in profile:
                row_c[i] += c.n * w
                row_h[i] += c.n * h
    return Forecast(rule_set, months, contacts, hours)


def combine(parts: Iterable[Forecast]) -> Forecast:
    """Sum forecasts of disjoint caseloads (the per-team parts of a split job)."""
    parts = list(parts)
    if not parts:
        raise ValueError("Ingen delprognoser at samle.")
    months = parts[0].months
    contacts: dict[Key, list[float]] = {}
    hours: dict[Key, list[float]] = {}
    for p in parts:
        if p.months != months or p.rule_set != parts[0].rule_set:
            raise ValueError("Delprognoserne dækker ikke samme regelsæt og måneder.")
        for key, row in p.contacts.items():
            acc_c = contacts.setdefault(key, [0.0] * len(months))
            acc_h = hours.setdefault(key, [0.0] * len(months))
            for i, x in enumerate(row):
                acc_c[i] += x
                acc_h[i] += p.hours[key][i]
    return Forecast(parts[0].rule_set, months, contacts, hours)


def yearly_by_group(fc: Forecast, assumptions: Assumptions, months: int = 12) -> dict[str, dict[str, float]]:
    """Contacts, hours, FTE and DKK over the first ``months`` months, per target group."""
    out = {}
    for group, (c, h) in fc.rollup("group").items():
        hours = sum(h[:months])
        out[group] = {
            "contacts": sum(c[:months]),
            "hours": hours,
            "fte": hours / assumptions.productive_hours_per_fte * 12 / months,
            "dkk": assumptions.dkk(hours) * 12 / months,
        }
    return out


def difference(a: Forecast, b: Forecast) -> dict[str, list[float]]:
    """Totals per month of b minus a (negative = fewer contacts/hours under b)."""
    ca, ha = a.totals()
    cb, hb = b.totals()
    return {
        "contacts": [y - x for x, y in zip(ca, cb, strict=True)],
        "hours": [y - x for x, y in zip(ha, hb, strict=True)],
    }
