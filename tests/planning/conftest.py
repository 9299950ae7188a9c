from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.citizens.factories import make_citizen

CPH = ZoneInfo("Europe/Copenhagen")
# A fixed Monday well ahead, so that booking "in the future" does not depend on today's date.
MONDAY = date(2031, 3, 3)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), CPH)


@pytest.fixture
def citizen(alice, teams):
    return make_citizen(teams[0], alice, name="Søren Ærø")
