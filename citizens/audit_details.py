"""The details an audit entry about a change keeps: one builder per kind of change.

Used by the single-row services (``citizens/services.py``) and their bulk variants for the import
(``citizens/services_bulk.py``), so a citizen created, moved or given a contact by a form, the API
or an import leaves an entry of the same shape; ``citizens/audit_text.py`` turns them into text.
An import adds ``"via": "import"``. Pure: plain values in, a dict out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

VIA_IMPORT = {"via": "import"}


def citizen_created(
    *, first_name: str, last_name: str, team: str, target_group: str, start: date, short_absence: bool
) -> dict[str, Any]:
    """A new citizen with their first enrolment (``team``: the team's name)."""
    return {
        "after": {
            "first_name": first_name,
            "last_name": last_name,
            "team": team,
            "target_group": target_group,
            "start": start.isoformat(),
            **({"short_absence": True} if short_absence else {}),
        }
    }


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Fields changed from ``before`` to ``after`` (CPR numbers already masked by the caller)."""
    return {"before": before, "after": after}


def transferred(
    *, before_group: str | None, target_group: str, start: date, short_absence: bool
) -> dict[str, Any]:
    """The open enrolment (in ``before_group``, if any) ended; a new one starts in ``target_group``."""
    return {
        "before": {"target_group": before_group},
        "after": {"target_group": target_group, "start": start.isoformat(),
                  **({"short_absence": True} if short_absence else {})},
    }


def short_absence_set(*, enrolment: int, before: bool, after: bool) -> dict[str, Any]:
    return {"before": {"short_absence": before}, "after": {"short_absence": after}, "enrolment": enrolment}


def contact_registered(*, contact: int, day: date, kind: str, channel: str, outcome: str) -> dict[str, Any]:
    return {"contact": contact, "date": day.isoformat(), "kind": kind, "channel": channel, "outcome": outcome}
