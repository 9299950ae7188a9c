"""Quota compliance per cohort: pure computation (no Django), from the engine's obligations.

Sources: lov nr. 1750 af 29.12.2025 (fra 1.7.2026) and ``shared/domain/reform-rules.md``: for the
job talks in the first six months, at least 75 % of a cohort must get their talks in time, and up
to 25 % may be exempted (STAR Q&A). Policies, implemented exactly as stated:

1. **Pools.** The quota is pooled as the law pools it: every obligation with a quota below 100 %
   belongs to the pool (performer, kind, quota). So the municipality's job talks for dagpenge,
   job-ready kontanthjælp and ledighedsydelse form one pool, and the a-kasse's job talks another;
   rules without a quota (100 %) are not in any pool.
2. **Cohort** = the month the enrolment started; rows are per (pool, cohort, team).
3. **An enrolment's outcome** in a pool, over its obligations of the pool: ``exempt`` if any is
   waived (the 25 % rule); ``met`` if all are met in time; ``late`` if all are met and at least
   one late; ``missed`` if one is unmet past its deadline; else ``open`` (it can still comply).
   Enrolments with no obligation of the pool do not count.
4. **Share** = met in time / (enrolments - exempted); the cohort meets the quota when
   met * 100 >= quota * (enrolments - exempted). An empty denominator meets it.
5. **At risk**: a cohort that has not yet met the quota but still can, if enough of its open
   enrolments get their talks by their deadlines; ``needed`` says how many, and the open ones
   are listed. A cohort that cannot reach it even so is ``missed``.
6. **The 25 % exemption** is counted per performer over the enrolments it can still apply to:
   those with an exemptable obligation of that performer not yet met whose deadline still lies
   ahead (or that is already waived), outside the work obligation. The municipality's and the
   a-kasse's exemptions are counted apart.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from citizens.obligations import Obligation

EXEMPTION_LIMIT = 0.25
OUTCOMES = ("met", "late", "exempt", "open", "missed")


@dataclass(frozen=True, slots=True)
class Pool:
    performed_by: str
    kind: str
    quota_pct: int

    @property
    def key(self) -> str:
        return f"{self.performed_by}-{self.kind}-{self.quota_pct}"


@dataclass(frozen=True, slots=True)
class Case:
    """One enrolment as the report sees it: the engine's obligations on the report date."""

    enrolment_id: int
    citizen_id: int
    team_id: int
    start: date
    obligations: Sequence[Obligation]
    exempt: bool = False
    work_obligation: bool = False


@dataclass(slots=True)
class Row:
    pool: Pool
    cohort: str  # "YYYY-MM"
    team_id: int | None  # None: all teams together
    enrolments: int = 0
    met: int = 0
    late: int = 0
    exempt: int = 0
    open: int = 0
    missed: int = 0
    open_citizens: list[int] = field(default_factory=list)

    @property
    def applies(self) -> int:
        return self.enrolments - self.exempt

    @property
    def share(self) -> float:
        return self.met / self.applies if self.applies else 1.0

    @property
    def meets_quota(self) -> bool:
        return self.met * 100 >= self.pool.quota_pct * self.applies

    @property
    def needed(self) -> int:
        """How many more must meet it in time for the cohort to reach the quota."""
        if self.meets_quota:
            return 0
        target = -(-self.pool.quota_pct * self.applies // 100)  # ceiling
        return target - self.met

    @property
    def state(self) -> str:
        """"met", "at_risk" (reachable if enough open ones are held in time) or "missed"."""
        if self.meets_quota:
            return "met"
        if self.needed <= self.open:
            return "at_risk"
        return "missed"


def cohort_of(start: date) -> str:
    return f"{start.year:04d}-{start.month:02d}"


def pools_of(obligations: Iterable[Obligation]) -> dict[Pool, list[Obligation]]:
    """An enrolment's obligations grouped by quota pool (policy 1)."""
    out: dict[Pool, list[Obligation]] = {}
    for o in obligations:
        if o.quota_pct < 100:
            out.setdefault(Pool(o.performed_by, o.kind, o.quota_pct), []).append(o)
    return out


def outcome(obligations: Sequence[Obligation], on: date) -> str:
    """Policy 3 for one enrolment's obligations of one pool."""
    if any(o.status == "waived" for o in obligations):
        return "exempt"
    if all(o.status == "met" for o in obligations):
        return "late" if any(o.late for o in obligations) else "met"
    if any(o.status != "met" and o.latest < on for o in obligations):
        return "missed"
    return "open"


def compliance_rows(cases: Iterable[Case], on: date, *, by_team: bool = True) -> list[Row]:
    """Rows per (pool, cohort, team) (or per (pool, cohort) when ``by_team`` is False), sorted."""
    rows: dict[tuple[Pool, str, int | None], Row] = {}
    for case in cases:
        for pool, obligations in pools_of(case.obligations).items():
            team = case.team_id if by_team else None
            key = (pool, cohort_of(case.start), team)
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(pool, key[1], team)
            result = outcome(obligations, on)
            row.enrolments += 1
            setattr(row, result, getattr(row, result) + 1)
            if result == "open":
                row.open_citizens.append(case.citizen_id)
    return sorted(rows.values(), key=lambda r: (r.pool.key, r.cohort, r.team_id or 0))


def last_cohorts(on: date, n: int = 12) -> list[str]:
    """The ``n`` cohorts up to and including the month of ``on``, oldest first."""
    index = on.year * 12 + on.month - 1
    return [f"{(i // 12):04d}-{(i % 12) + 1:02d}" for i in range(index - n + 1, index + 1)]


@dataclass(frozen=True, slots=True)
class ExemptionUse:
    performed_by: str
    eligible: int
    exempt: int

    @property
    def share(self) -> float:
        return self.exempt / self.eligible if self.eligible else 0.0

    @property
    def within_limit(self) -> bool:
        return self.exempt * 4 <= self.eligible


def exemption_use(
    cases: Iterable[Case], on: date, exemptable: Collection[tuple[str, str]]
) -> list[ExemptionUse]:
    """Policy 6: per performer, over the enrolments the exemption can still apply to.
    ``exemptable`` holds the (rule set, rule) codes of the exemptable rules."""
    eligible: dict[str, int] = {}
    exempt: dict[str, int] = {}
    for case in cases:
        if case.work_obligation:
            continue
        performers = {
            o.performed_by
            for o in case.obligations
            if (o.rule_set, o.rule) in exemptable
            and (o.status == "waived" or (o.status != "met" and o.latest >= on))
        }
        for performer in performers:
            eligible[performer] = eligible.get(performer, 0) + 1
            if case.exempt:
                exempt[performer] = exempt.get(performer, 0) + 1
    return [ExemptionUse(p, eligible[p], exempt.get(p, 0)) for p in sorted(eligible)]
