"""The slot finder is pure: explicit now, hours, absences, holidays, bookings and deadline."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from planning.slots import closed_days, find_slots, fits

CPH = ZoneInfo("Europe/Copenhagen")
MON_THU_9_15 = {d: ((time(9), time(15)),) for d in range(4)}


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=CPH)


def starts(slots):
    return [s.start for s in slots]


def test_first_slots_are_inside_working_hours_back_to_back():
    # Monday 2.11.2026 at 07:00: the day starts at 9.
    slots = find_slots(
        now=at(2026, 11, 2, 7), until=date(2026, 11, 30), minutes=45, hours=MON_THU_9_15, limit=3
    )
    assert starts(slots) == [at(2026, 11, 2, 9), at(2026, 11, 2, 9, 45), at(2026, 11, 2, 10, 30)]
    assert all(s.end - s.start == timedelta(minutes=45) for s in slots)


def test_now_is_rounded_up_to_the_grid_and_the_block_end_is_respected():
    slots = find_slots(
        now=at(2026, 11, 2, 14, 1), until=date(2026, 11, 30), minutes=45, hours=MON_THU_9_15, limit=2
    )
    # 14:15 + 45 min = 15:00 fits; the next one is Tuesday 9:00.
    assert starts(slots) == [at(2026, 11, 2, 14, 15), at(2026, 11, 3, 9)]


def test_friday_and_weekend_are_skipped_without_working_hours():
    slots = find_slots(
        now=at(2026, 11, 5, 14, 30), until=date(2026, 11, 30), minutes=60, hours=MON_THU_9_15, limit=1
    )
    assert starts(slots) == [at(2026, 11, 9, 9)]  # Thursday too late -> next Monday


def test_existing_bookings_are_avoided():
    busy = [(at(2026, 11, 2, 9), at(2026, 11, 2, 10)), (at(2026, 11, 2, 10, 15), at(2026, 11, 2, 14))]
    slots = find_slots(
        now=at(2026, 11, 2, 8), until=date(2026, 11, 30), minutes=30, hours=MON_THU_9_15, busy=busy, limit=3
    )
    # 10:00-10:15 too short; after 14:00 two slots; then Tuesday.
    assert starts(slots) == [at(2026, 11, 2, 14), at(2026, 11, 2, 14, 30), at(2026, 11, 3, 9)]


def test_absences_and_danish_public_holidays_are_closed():
    # Easter 2027: Maundy Thursday 25.3, Good Friday 26.3, Easter Monday 29.3 are holidays.
    closed = closed_days(date(2027, 3, 22), date(2027, 4, 5))
    assert {date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29)} <= closed
    slots = find_slots(
        now=at(2027, 3, 24, 16),
        until=date(2027, 4, 30),
        minutes=45,
        hours=MON_THU_9_15,
        closed=closed,
        absences=[(date(2027, 3, 30), date(2027, 3, 30))],
        limit=1,
    )
    assert starts(slots) == [at(2027, 3, 31, 9)]  # Thu/Mon holidays, Tue absent


def test_the_deadline_limits_the_proposals():
    # Wednesday 16:00, deadline Sunday: only Thursday is left, and it is fully booked.
    full = [(at(2026, 11, 5, 9), at(2026, 11, 5, 15))]
    assert (
        find_slots(
            now=at(2026, 11, 4, 16), until=date(2026, 11, 8), minutes=45, hours=MON_THU_9_15, busy=full
        )
        == []
    )
    slots = find_slots(
        now=at(2026, 11, 4, 16), until=date(2026, 11, 5), minutes=45, hours=MON_THU_9_15, limit=50
    )
    assert slots and all(s.start.date() <= date(2026, 11, 5) for s in slots)
    assert len(slots) == 8  # 9:00-15:00 holds eight 45-minute talks


def test_rooms_a_slot_needs_a_free_room():
    rooms = {7: [(at(2026, 11, 2, 9), at(2026, 11, 2, 12))], 8: [(at(2026, 11, 2, 9), at(2026, 11, 2, 10))]}
    slots = find_slots(
        now=at(2026, 11, 2, 8), until=date(2026, 11, 30), minutes=60, hours=MON_THU_9_15, rooms=rooms, limit=2
    )
    assert [(s.start, s.room) for s in slots] == [(at(2026, 11, 2, 10), 8), (at(2026, 11, 2, 11), 8)]


def test_fits_checks_hours_closed_days_and_absence():
    assert fits(start=at(2026, 11, 2, 9), end=at(2026, 11, 2, 9, 45), hours=MON_THU_9_15)
    assert not fits(start=at(2026, 11, 2, 14, 30), end=at(2026, 11, 2, 15, 15), hours=MON_THU_9_15)
    assert not fits(
        start=at(2026, 12, 24, 9), end=at(2026, 12, 24, 10), hours=MON_THU_9_15, closed={date(2026, 12, 24)}
    )
    assert not fits(
        start=at(2026, 11, 2, 9),
        end=at(2026, 11, 2, 10),
        hours=MON_THU_9_15,
        absences=[(date(2026, 11, 1), date(2026, 11, 3))],
    )


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        find_slots(now=at(2026, 11, 2, 8), until=date(2026, 11, 3), minutes=0)
