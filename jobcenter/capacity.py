"""Staff capacity: contracted hours, share on casework and absences -> available hours per month.

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
