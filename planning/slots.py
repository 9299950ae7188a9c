"""Free talk slots for one caseworker: pure, against an explicit ``now``.

A slot is free when it lies inside the caseworker's weekly working hours, on a day that is not a
closed day (Danish public holidays from the ``holidays`` package plus the municipality's own
closed days), not in an absence, does not overlap any of the caseworker's bookings and, when the
team has rooms and the talk is in person, leaves one room free. Slots start on a fixed grid
(``step`` minutes from the start of each working-hours block), never before ``now``, and end no
later than the end of the block. No ORM: the service reads the calendar and passes plain values.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Weekday (0 = Monday) -> blocks of working hours available for talks.
WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]
Interval = tuple[datetime, datetime]

# Used when a caseworker has no working hours of their own (README: "Planlægning").
DEFAULT_HOURS: dict[int, tuple[tuple[time, time], ...]] = {
    **{day: ((time(9), time(15)),) for day in range(4)},  # Monday-Thursday 9-15
    4: ((time(9), time(12)),),  # Friday 9-12
}


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    room: int | None = None


@lru_cache(maxsize=64)
def danish_holidays(year: int) -> frozenset[date]:
    """Danish public holidays of a year (helligdage; Store Bededag is abolished from 2024)."""
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def closed_days(start: date, end: date, extra: Iterable[date] = ()) -> set[date]:
    """Public holidays between start and end (inclusive) plus the municipality's closed days."""
    days = {d for year in range(start.year, end.year + 1) for d in danish_holidays(year) if start <= d <= end}
    days.update(d for d in extra if start <= d <= end)
    return days


def _absent(day: date, absences: Sequence[tuple[date, date]]) -> bool:
    return any(a <= day <= b for a, b in absences)


class _Busy:
    """Sorted busy intervals with a fast overlap test (bisect on start times)."""

    def __init__(self, intervals: Iterable[Interval]):
        self.items = sorted(intervals)
        self.starts = [s for s, _ in self.items]
        # Longest interval: an overlap must start no earlier than (slot start - longest).
        self.longest = max((e - s for s, e in self.items), default=timedelta(0))

    def overlaps(self, start: datetime, end: datetime) -> bool:
        i = bisect_left(self.starts, start - self.longest)
        while i < len(self.items) and self.items[i][0] < end:
            s, e = self.items[i]
            if s < end and start < e:
                return True
            i += 1
        return False


def find_slots(
    *,
    now: datetime,
    until: date,
    minutes: int,
    hours: WeeklyHours | None = None,
    absences: Sequence[tuple[date, date]] = (),
    closed: Iterable[date] = (),
    busy: Iterable[Interval] = (),
    rooms: Mapping[int, Iterable[Interval]] | None = None,
    step: int = 15,
    limit: int = 5,
    tz: ZoneInfo = COPENHAGEN,
) -> list[Slot]:
    """The first ``limit`` free slots of ``minutes`` starting at or after ``now`` and on or before
    ``until`` (the obligation's deadline, or a later horizon when it has passed).

    ``rooms``: None or empty when no room is needed; otherwise every room's bookings, and each
    slot gets the first free room (lowest id).
    """
    if minutes <= 0 or step <= 0 or limit <= 0:
        raise ValueError("minutes, step and limit must be positive")
    hours = DEFAULT_HOURS if hours is None else hours
    closed_set = set(closed)
    mine = _Busy(busy)
    room_busy = {room: _Busy(items) for room, items in sorted((rooms or {}).items())}
    length = timedelta(minutes=minutes)
    grid = timedelta(minutes=step)
    now = now.astimezone(tz)
    out: list[Slot] = []
    day = now.date()
    while day <= until and len(out) < limit:
        if day not in closed_set and not _absent(day, absences):
            for block_start, block_end in sorted(hours.get(day.weekday(), ())):
                start = datetime.combine(day, block_start, tz)
                stop = datetime.combine(day, block_end, tz)
                if start < now:  # first grid point at or after now
                    start += grid * -(-(now - start) // grid)
                while start + length <= stop and len(out) < limit:
                    end = start + length
                    if not mine.overlaps(start, end):
                        room = _free_room(room_busy, start, end)
                        if not room_busy or room is not None:
                            out.append(Slot(start, end, room))
                            start = end  # the next proposal starts where this one ends
                            continue
                    start += grid
        day += timedelta(days=1)
    return out


def _free_room(room_busy: dict[int, _Busy], start: datetime, end: datetime) -> int | None:
    for room, busy in room_busy.items():
        if not busy.overlaps(start, end):
            return room
    return None


def fits(
    *,
    start: datetime,
    end: datetime,
    hours: WeeklyHours | None = None,
    absences: Sequence[tuple[date, date]] = (),
    closed: Iterable[date] = (),
    tz: ZoneInfo = COPENHAGEN,
) -> bool:
    """True when [start, end) lies inside one working-hours block of an open, non-absent day."""
    hours = DEFAULT_HOURS if hours is None else hours
    start, end = start.astimezone(tz), end.astimezone(tz)
    day = start.date()
    if end.date() != day or day in set(closed) or _absent(day, absences):
        return False
    return any(
        a <= start.timetz().replace(tzinfo=None) and end.timetz().replace(tzinfo=None) <= b
        for a, b in hours.get(day.weekday(), ())
    )
