"""Staff capacity: contracted hours, share on casework and absences -> available hours per month,
and the share of those hours that goes to talks (``talk_hours``): what the forecast's workload is
held against.

The workload counts only talks (with their preparation and registration, forecast policy 6a), so
it is held against the hours for talks, not against all casework: caseworkers also write plans,
decide on offers and benefits, meet employers and the rehabilitation team. The share is a dated
cost assumption (``talk_share``); the demo's 55 % is an assumption derived from the one public
time study found: caseworkers spent 26 % of their working time in direct contact with citizens
and companies (Quartz+Co and BDO, *Analyse af jobcentrenes ressourceforbrug*, June 2014, for KL,
the Ministry of Employment and the Ministry of Finance), i.e. about 34 % of casework time at a
77 % casework share, plus preparation and registration in the demo's ratio (30 min around a
45-minute talk), about 55 %. Replace it with the municipality's own figure.

Pure module. Weekdays (Monday-Friday) count; public holidays are not modelled (a known
simplification: Danish holidays take roughly 1-2 days a month out in spring and December).
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from citizens.obligations import add_months


def weekdays(start: date, end: date) -> int:
    """Weekdays in [start, end], both included (0 when end < start)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    count = full * 5
    wd = start.weekday()
    for i in range(rest):
        if (wd + i) % 7 < 5:
            count += 1
    return count


def available_hours(weekly_hours: float | Decimal, casework_share: float,
                    absences: Iterable[tuple[date, date]], month: date) -> float:
    """Hours for casework in the month of ``month``: weekdays not absent x weekly hours / 5 x share."""
    first = month.replace(day=1)
    last = add_months(first, 1) - timedelta(days=1)
    absent_days: set[date] = set()
    for a_start, a_end in absences:
        lo, hi = max(a_start, first), min(a_end, last)
        d = lo
        while d <= hi:
            if d.weekday() < 5:
                absent_days.add(d)
            d += timedelta(days=1)
    days = weekdays(first, last) - len(absent_days)
    return days * float(weekly_hours) / 5 * float(casework_share) / 100


def talk_hours(casework_hours: float, talk_share: float | None) -> float:
    """The part of casework hours for talks with their preparation (None: not recorded, all)."""
    if talk_share is None:
        return casework_hours
    if not 0 <= talk_share <= 1:
        raise ValueError("Andelen til samtaler skal ligge mellem 0 og 1.")
    return casework_hours * talk_share


def load_basis(*, caseload: float, caseworkers: int, contacts: float, hours: float, available: float,
               months: int) -> dict:
    """What a team's load rests on, per caseworker and month: citizens, talks, hours per talk,
    hours of talks against hours for talks, and the load (workload / available)."""
    per_month = 1 / months if months else 0.0
    n = caseworkers or 0
    return {
        "caseload": caseload,
        "caseworkers": n,
        "caseload_per_caseworker": caseload / n if n else None,
        "talks_per_caseworker_month": contacts * per_month / n if n else None,
        "hours_per_talk": hours / contacts if contacts else None,
        "workload_per_caseworker_month": hours * per_month / n if n else None,
        "available_per_caseworker_month": available * per_month / n if n else None,
        "load": hours / available if available else None,
    }
