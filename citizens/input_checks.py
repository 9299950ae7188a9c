"""The checks every write about a citizen passes, whether it comes from a form, the API or an import.

Pure: plain values in, a Danish message out (None when the value is fine); no ORM, no database.
``citizens/services.py`` turns a message into a ValidationError for its field; the import check
(``citizens/import_check.py``) and the import's write step (``citizens/services_bulk.py``) report it
on the file's row. Change a rule here and all three ways in enforce it.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django.utils.translation import gettext as _

from citizens.obligations import start_window

MAX_NAME = 100
MIN_MINUTES, MAX_MINUTES = 1, 600
# Minutes of a contact when none are given, by channel (the form suggests the same).
DEFAULT_MINUTES = {"fremmoede": 45, "telefon": 30, "video": 30, "digital": 20}
# Sick-benefit groups, where "forventet fravær under 26 uger" means something (lov nr. 1750).
SHORT_ABSENCE_GROUPS = frozenset({"sygedagpenge", "sygedagpengeindsats"})


class GroupLike(Protocol):
    """What the closed-scheme rule needs of a target group (a TargetGroup, or a plain stand-in)."""

    code: str
    name_da: str
    closed_from: date | None
    closed_note: str


def name_error(value: str, label: str) -> str | None:
    """A first or last name: given, and at most MAX_NAME characters (the column's length)."""
    if not value.strip():
        return _("%(field)s mangler.") % {"field": label}
    if len(value.strip()) > MAX_NAME:
        return _("%(field)s må højst være %(max)s tegn.") % {"field": label, "max": MAX_NAME}
    return None


def start_error(start: date, today: date) -> str | None:
    """An enrolment's start lies in the window the engine plans for (``obligations.start_window``)."""
    earliest, latest = start_window(today)
    if earliest <= start <= latest:
        return None
    return _("Startdatoen skal ligge mellem %(earliest)s og %(latest)s.") % {
        "earliest": f"{earliest:%d.%m.%Y}", "latest": f"{latest:%d.%m.%Y}"
    }


def caseworker_team_error(caseworker_team: object, team: object) -> str | None:
    """The caseworker belongs to the citizen's team (compare ids or names, as long as alike)."""
    if caseworker_team == team:
        return None
    return _("Sagsbehandleren hører ikke til det valgte team.")


def short_absence_error(group_code: str, short_absence: bool) -> str | None:
    if short_absence and group_code not in SHORT_ABSENCE_GROUPS:
        return _("Forventet fravær under 26 uger gælder kun sygedagpengemodtagere.")
    return None


def closed_scheme_error(target_group: GroupLike, start: date) -> str | None:
    """Why a *new* enrolment in this group from ``start`` is refused (a closed scheme), or None.

    Ressourceforløb and revalidering close with lov nr. 1750, jobafklaring and the other pre-2027
    groups on 1 January 2027 (``TargetGroup.closed_from``, editable data). Running courses go on.
    """
    closed_from = target_group.closed_from
    if closed_from is None or start < closed_from:
        return None
    note = f" {target_group.closed_note}" if target_group.closed_note else ""
    message = _(
        "Målgruppen '%(group)s' er lukket for nye forløb fra %(closed)s, så et nyt forløb kan ikke "
        "starte %(start)s."
    ) % {"group": target_group.name_da, "closed": f"{closed_from:%d.%m.%Y}", "start": f"{start:%d.%m.%Y}"}
    return message + note


def transfer_error(
    *, current_group: str | None, latest_start: date | None, group: str, start: date
) -> tuple[str, str] | None:
    """(field, message) when a citizen cannot move to ``group`` from ``start``, else None.

    ``current_group``: the code of the open enrolment (None: none is open); ``latest_start``: the
    latest start of any of the citizen's enrolments. The open enrolment then ends the day before."""
    if current_group is not None and current_group == group:
        return "target_group", _("Borgeren er allerede i denne målgruppe.")
    if latest_start is not None and latest_start >= start:
        return "start", _("Borgeren har allerede et forløb, der starter den dag eller senere.")
    return None


def contact_date_error(day: date, *, today: date, first_start: date | None) -> str | None:
    """A contact is registered once held, and not before the citizen's (first) enrolment began."""
    if day > today:
        return _("Datoen ligger i fremtiden. En kontakt registreres, når den er holdt.")
    if first_start is None:
        return _("Borgeren har intet forløb, så kontakten kan ikke registreres.")
    if day < first_start:
        return _("Kontakten ligger før forløbets start (%(start)s).") % {"start": f"{first_start:%d.%m.%Y}"}
    return None


def minutes_error(minutes: int) -> str | None:
    if MIN_MINUTES <= minutes <= MAX_MINUTES:
        return None
    return _("Minutter skal være mellem %(min)s og %(max)s.") % {"min": MIN_MINUTES, "max": MAX_MINUTES}


def minutes_or_default(minutes: int | None, channel: str) -> int:
    """The minutes given, or the channel's default when none are."""
    return minutes or DEFAULT_MINUTES[channel]
