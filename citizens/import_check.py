"""Checking an import file's rows: pure, so it runs (and is tested) without a database.

Takes the records ``citizens/import_file.py`` reads and the organisation as plain mappings (team
names, caseworker -> team, target-group codes), and returns validated rows or row errors in Danish.
The rules themselves are the services' (``citizens/input_checks.py``); only the parsing of text and
the rules about the file's rows among themselves live here. The format:

The file has one header row and these columns (any order; extra columns are refused):

    cpr           ddmmåå-xxxx or 10 digits
    first_name    fornavn
    last_name     efternavn
    team          the team's name, exactly as in Kontaktplan
    caseworker    username of a caseworker in that team (may be empty)
    target_group  target group code, e.g. kh-jobparat
    start         the enrolment's start date, åååå-mm-dd or dd.mm.åååå
    short_absence optional, sick benefit only: "ja" when employer and employee expect the absence
                  to last under 26 weeks (empty or "nej": no)

and optionally one contact per row (leave all of them empty on a row without a contact):

    contact_date          the day the contact was held (not in the future, not before ``start``)
    contact_kind          jobsamtale, opfoelgningssamtale or kontakt
    contact_channel       fremmoede, telefon, video or digital
    contact_performed_by  kommune or a-kasse (empty: kommune)
    contact_outcome       held, absent or cancelled (empty: held)
    contact_minutes       1-600 (empty: 45 in person, 30 by phone or video, 20 digital)

A citizen may stand on several rows, one contact each, as long as the rows agree on every citizen
and enrolment column; a repeated row must carry a contact.

CSV is UTF-8 (with or without BOM), separated by ``,`` or ``;``. XLSX uses the first sheet.
Citizens are matched by CPR number (upsert), enrolments by (citizen, target group, start) and
contacts by (citizen, date, kind, channel, performed by), so importing the same file again changes
nothing. A contact that is already stored gets the outcome and minutes the file states; where the
file leaves them empty the stored ones are kept. A new target group for a known citizen ends the
current enrolment the day before, as a transfer does. Every problem is reported as (row, column,
message) in Danish; with any problem nothing is saved.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from django.utils.translation import gettext as _

from catalogue.rulebook import CHANNELS, KINDS, OUTCOMES, PERFORMERS
from citizens import input_checks
from citizens.cpr import CprError, parse_cpr

CITIZEN_COLUMNS = ("cpr", "first_name", "last_name", "team", "caseworker", "target_group", "start",
                   "short_absence")
CONTACT_COLUMNS = (
    "contact_date",
    "contact_kind",
    "contact_channel",
    "contact_performed_by",
    "contact_outcome",
    "contact_minutes",
)
COLUMNS = CITIZEN_COLUMNS + CONTACT_COLUMNS
REQUIRED = ("cpr", "first_name", "last_name", "team", "target_group", "start")
# A row with a contact must fill these; the others have defaults.
CONTACT_REQUIRED = ("contact_date", "contact_kind", "contact_channel")




@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Række {self.row}, kolonne {self.column or '-'}: {self.message}"


@dataclass(frozen=True)
class CitizenRow:
    row: int
    cpr: str
    first_name: str
    last_name: str
    team: str
    caseworker: str | None
    target_group: str
    start: date
    short_absence: bool = False

    def values(self) -> tuple:
        """The citizen and enrolment columns, which every row of one citizen must agree on."""
        return (self.first_name, self.last_name, self.team, self.caseworker, self.target_group, self.start,
                self.short_absence)


@dataclass(frozen=True)
class ContactRow:
    """One contact; ``outcome`` and ``minutes`` are None when the file leaves them empty."""

    row: int
    cpr: str
    date: date
    kind: str
    channel: str
    performed_by: str
    outcome: str | None
    minutes: int | None

    @property
    def key(self) -> tuple:
        return (self.cpr, self.date, self.kind, self.channel, self.performed_by)

    @property
    def outcome_or_default(self) -> str:
        return self.outcome or "held"

    @property
    def minutes_or_default(self) -> int:
        return input_checks.minutes_or_default(self.minutes, self.channel)


@dataclass
class Report:
    """``rows`` has one entry per citizen (their first row), ``contacts`` one per contact row."""

    rows: list[CitizenRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    lines: int = 0  # data rows read

    @property
    def ok(self) -> bool:
        return not self.errors




class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} fejl")
        self.errors = errors



def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("Datoen skal skrives åååå-mm-dd eller dd.mm.åååå.")


def _cpr_text(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):010d}"  # Excel drops the leading zero of a number
    return _text(value)


def _minutes(value) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores every number as a float
    try:
        minutes = int(_text(value))
    except ValueError:
        raise ValueError("Minutter skal være et helt tal.") from None
    error = input_checks.minutes_error(minutes)
    if error:
        raise ValueError(error)
    return minutes


def _code(value, allowed: tuple[str, ...], label: str) -> str:
    code = _text(value).lower()
    if code not in allowed:
        raise ValueError(f"{label} '{_text(value)[:60]}' findes ikke. Tilladte: {', '.join(allowed)}.")
    return code


_COLUMN_LABELS = {
    "first_name": "fornavn",
    "last_name": "efternavn",
    "team": "team",
    "caseworker": "sagsbehandler",
    "target_group": "målgruppe",
    "start": "start",
    "short_absence": "forventet fravær under 26 uger",
    "contact_date": "kontaktdato",
    "contact_kind": "kontaktform",
    "contact_channel": "kanal",
}


def _show(value) -> str:
    if value is None or value == "":
        return "(tom)"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return f"'{str(value)[:60]}'"


def _contact(values: dict, number: int, cpr: str, start: date | None, today: date, fail) -> ContactRow | None:
    """The row's contact, None when it has none or it is wrong (problems go to ``fail``)."""
    given = {c: _text(values.get(c)) != "" for c in CONTACT_COLUMNS}
    if not any(given.values()):
        return None
    problems: list[str] = []

    def problem(column: str, message: str) -> None:
        problems.append(column)
        fail(column, message)

    for column in CONTACT_REQUIRED:
        if not given[column]:
            problem(column, f"Kontakten er kun delvist udfyldt: {_COLUMN_LABELS[column]} mangler.")
    day = None
    if given["contact_date"]:
        try:
            day = _date(values.get("contact_date"))
        except ValueError as exc:
            problem("contact_date", str(exc))
        else:
            # Checked against the enrolment the row states (a wrong start is reported on its own).
            error = input_checks.contact_date_error(day, today=today, first_start=start or day)
            if error:
                problem("contact_date", error)
    codes: dict[str, str | None] = {}
    for column, allowed, label, default in (
        ("contact_kind", KINDS, "Kontaktformen", None),
        ("contact_channel", CHANNELS, "Kanalen", None),
        ("contact_performed_by", PERFORMERS, "Udføreren", "kommune"),
        ("contact_outcome", OUTCOMES, "Udfaldet", None),
    ):
        codes[column] = default
        if given[column]:
            try:
                codes[column] = _code(values.get(column), allowed, label)
            except ValueError as exc:
                problem(column, str(exc))
    minutes = None
    if given["contact_minutes"]:
        try:
            minutes = _minutes(values.get("contact_minutes"))
        except ValueError as exc:
            problem("contact_minutes", str(exc))
    kind, channel, performer = codes["contact_kind"], codes["contact_channel"], codes["contact_performed_by"]
    if problems or day is None or kind is None or channel is None or performer is None:
        return None
    return ContactRow(
        number,
        cpr,
        day,
        kind,
        channel,
        performer,
        codes["contact_outcome"],
        minutes,
    )


_YES_NO = {"": False, "nej": False, "0": False, "false": False,
           "ja": True, "1": True, "true": True, "x": True}


def validate(
    records: Iterable[tuple[int, dict[str, object]]],
    *,
    teams: Collection[str],
    caseworkers: Mapping[str, str],
    target_groups: Collection[str],
    today: date | None = None,
) -> Report:
    """Check every row against the known teams, caseworkers (username -> team) and target groups.

    ``today`` (default: the system date) is the last day a contact may be dated."""
    today = today or date.today()
    report = Report()
    seen: dict[str, int] = {}  # CPR -> first row with that CPR
    citizens: dict[str, CitizenRow] = {}  # CPR -> the citizen as its first valid row states it
    contact_rows: dict[tuple, int] = {}  # contact key -> row
    name_labels = (("first_name", _("Fornavn")), ("last_name", _("Efternavn")))
    records = iter(records)
    first = next(records, None)
    if first is None or "__header__" not in first[1]:
        report.errors.append(RowError(1, "", "Filen mangler en overskriftsrække."))
        return report
    header = cast(list[str], first[1]["__header__"])
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    for column in missing:
        report.errors.append(RowError(1, column, "Kolonnen mangler."))
    if any(c in header for c in CONTACT_COLUMNS):
        for column in CONTACT_REQUIRED:
            if column not in header:
                missing.append(column)
                report.errors.append(RowError(1, column, "Kolonnen mangler. Kontakter kræver "
                                              + ", ".join(CONTACT_REQUIRED) + "."))
    for column in unknown:
        report.errors.append(RowError(1, column, "Ukendt kolonne. Tilladte: " + ", ".join(COLUMNS) + "."))
    if missing or unknown:
        return report
    for number, values in records:
        report.lines += 1
        errors: list[RowError] = []

        def fail(column: str, message: str, number=number, errors=errors) -> None:
            errors.append(RowError(number, column, message))

        cpr = ""
        try:
            cpr, _born = parse_cpr(_cpr_text(values.get("cpr")))
        except CprError as exc:
            fail("cpr", str(exc))
        else:
            seen.setdefault(cpr, number)
        names = {}
        for column, label in name_labels:
            names[column] = _text(values.get(column))
            name_error = input_checks.name_error(names[column], label)
            if name_error:
                fail(column, name_error)
        team = _text(values.get("team"))
        if team not in teams:
            fail("team", f"Teamet '{team[:60]}' findes ikke." if team else "Team mangler.")
        caseworker = _text(values.get("caseworker")) or None
        if caseworker is not None:
            if caseworker not in caseworkers:
                fail("caseworker", f"Sagsbehandleren '{caseworker[:60]}' findes ikke.")
            elif team in teams:
                team_error = input_checks.caseworker_team_error(caseworkers[caseworker], team)
                if team_error:
                    fail("caseworker", team_error)
        group = _text(values.get("target_group"))
        if group not in target_groups:
            fail("target_group", f"Målgruppen '{group[:60]}' findes ikke." if group else "Målgruppe mangler.")
        start = None
        try:
            start = _date(values.get("start"))
        except ValueError as exc:
            fail("start", str(exc))
        else:
            start_error = input_checks.start_error(start, today)
            if start_error:
                fail("start", start_error)
                start = None
        short = _text(values.get("short_absence")).lower()
        if short not in _YES_NO:
            fail("short_absence", "Skriv ja eller nej (eller lad feltet stå tomt).")
        elif group in target_groups:
            short_error = input_checks.short_absence_error(group, _YES_NO[short])
            if short_error:
                fail("short_absence", short_error)
        contact = _contact(values, number, cpr, start, today, fail)
        if cpr and seen.get(cpr, number) != number:
            if contact is None and not any(e.column.startswith("contact_") for e in errors):
                fail("cpr", f"CPR-nummeret står også i række {seen[cpr]}. "
                     "En gentaget række skal have en kontakt.")
        if contact is not None:
            if contact.key in contact_rows:
                fail("contact_date", f"Samme kontakt (dato, kontaktform, kanal og udfører) står også i "
                     f"række {contact_rows[contact.key]}.")
            else:
                contact_rows[contact.key] = number
        if errors or start is None:  # a wrong start is one of the errors
            report.errors.extend(errors)
            continue
        row = CitizenRow(number, cpr, names["first_name"], names["last_name"], team, caseworker, group, start,
                         _YES_NO.get(short, False))
        earlier = citizens.get(cpr)
        if earlier is None:
            citizens[cpr] = row
            report.rows.append(row)
        elif earlier.values() != row.values():
            for column, before, now in zip(CITIZEN_COLUMNS[1:], earlier.values(), row.values(), strict=True):
                if before != now:
                    fail(column, f"Borgeren står også i række {earlier.row} med {_COLUMN_LABELS[column]} "
                         f"{_show(before)}, her {_show(now)}. Rækker for samme borger skal være ens "
                         "i borger- og forløbskolonnerne.")
            report.errors.extend(errors)
            continue
        if contact is not None:
            report.contacts.append(contact)
    return report

