"""Danish CPR numbers: validation and the century rule of the 7th digit.

Since 2007 not every CPR number satisfies the modulus-11 check (CPR-kontoret), so it is not
used. Source: CPR-kontoret, "Personnummeret i CPR" (the 7th digit and the century table).
"""

import re
from datetime import date

from django.utils.translation import gettext as _

_CPR_RE = re.compile(r"^(\d{6})-?(\d{4})$")


class CprError(ValueError):
    """A CPR number that cannot be right; the message (Danish, translated) is shown next to the field."""


def century(yy: int, seventh: int) -> int:
    """The birth century from the two-digit year and the 7th digit (CPR-kontoret's table)."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5–8
    return 2000 if yy <= 57 else 1800


def parse_cpr(text: str) -> tuple[str, date]:
    """Return the CPR as ten digits and the birth date, or raise CprError."""
    value = (text or "").strip()
    match = _CPR_RE.match(value)
    if not match:
        raise CprError(
            _("CPR-nummeret skal være 10 cifre, evt. med bindestreg efter de første 6 (ddmmåå-xxxx).")
        )
    digits = match.group(1) + match.group(2)
    dd, mm, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    year = century(yy, seventh) + yy
    try:
        born = date(year, mm, dd)
    except ValueError:
        raise CprError(_("CPR-nummerets første 6 cifre er ikke en gyldig dato (ddmmåå).")) from None
    return digits, born


def make_cpr(born: date, serial: int) -> str:
    """A CPR number for a birth date (demo data): picks a 7th digit that encodes the century."""
    yy = born.year % 100
    if born.year >= 2000:
        seventh = 4 if yy <= 36 else 5
    elif born.year >= 1900:
        seventh = serial % 4  # 0–3
    else:
        seventh = 5
    return f"{born:%d%m}{yy:02d}{seventh}{serial % 1000:03d}"


def mask_cpr(cpr: str) -> str:
    return f"{cpr[:6]}-xxxx"
