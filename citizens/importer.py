"""Bulk import of a caseload from CSV or XLSX: pure parsing and validation, then one DB write.

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

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from catalogue.rulebook import CHANNELS, KINDS, OUTCOMES, PERFORMERS
from citizens.cpr import CprError, parse_cpr
from citizens.obligations import start_window

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
MAX_NAME = 100
MAX_MINUTES = 600
# Minutes of a contact when the file gives none, as the contact form suggests them.
DEFAULT_MINUTES = {"fremmoede": 45, "telefon": 30, "video": 30, "digital": 20}
CONTACT_BATCH = 5000


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
        return self.minutes or DEFAULT_MINUTES[self.channel]


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


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    enrolments_created: int = 0
    enrolments_ended: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    contacts_unchanged: int = 0
    committed: bool = False
    refresh_scheduled: bool = False
    touched: list[int] = field(default_factory=list)


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} fejl")
        self.errors = errors


# --- reading ---------------------------------------------------------------------------------


# Limits, so that a file is refused clearly before it can exhaust a worker's memory (README).
MAX_ROWS = 200_000  # the largest file benchmarked (README); memory grows with the rows
XLSX_MAX_EXPANDED = 200 * 1024 * 1024  # bytes of all parts of the workbook unpacked
XLSX_MAX_RATIO = 100  # unpacked / packed size of any part; far above real sheets, typical of zip bombs
Source = bytes | str | Path | BinaryIO


def read_records(
    source: Source, filename: str, *, progress: Callable[[float], None] | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number as the user sees it, {column: value}) for every non-empty row; row 1 is the header.

    `source` is the file's bytes, its path or an open binary file; it is read as a stream, one row at
    a time. `progress(fraction)` is called now and then with how much of the file has been read.
    Raises ValueError with a Danish message when the file cannot be read at all or is too large."""
    with _opened(source) as stream:
        xlsx = filename.lower().endswith(".xlsx")
        reader = _read_xlsx(stream, progress) if xlsx else _read_csv(stream, progress)
        try:
            for count, record in enumerate(reader):
                if count > MAX_ROWS:  # the header is record 0
                    raise ValueError(
                        f"Filen har mere end {MAX_ROWS:,} rækker. Del den op i flere filer.".replace(",", ".")
                    )
                yield record
        finally:
            reader.close()  # while the stream is still open


@contextmanager
def _opened(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes | bytearray):
        yield io.BytesIO(source)
    elif isinstance(source, str | Path):
        with open(source, "rb") as stream:
            yield stream
    else:
        yield source


def _size(stream: BinaryIO) -> int:
    position = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return size or 1


def _read_csv(stream: BinaryIO, progress) -> Iterator[tuple[int, dict[str, object]]]:
    size = _size(stream)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first_line = text.readline()
        text.seek(0)
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(text, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise ValueError("Filen er tom.")
        names = [h.strip().lower() for h in header]
        yield 1, {"__header__": names}
        number = 1
        for number, values in enumerate(reader, start=2):
            if progress is not None and number % 5000 == 0:
                progress(stream.tell() / size)
            if not any(v.strip() for v in values):
                continue
            if any("\x00" in v for v in values):
                raise ValueError(
                    f"Linje {reader.line_num}: filen indeholder et NUL-tegn (\\x00), som ikke kan gemmes."
                )
            yield number, {"__values__": values, **dict(zip(names, values, strict=False))}
    except UnicodeDecodeError:
        raise ValueError("Filen er ikke UTF-8. Gem den som CSV (UTF-8).") from None
    except csv.Error:  # e.g. a field over csv.field_size_limit() (131,072 characters)
        limit = f"{csv.field_size_limit():,}".replace(",", ".")
        raise ValueError(
            f"Linje {reader.line_num}: filen kan ikke læses som CSV (et felt er længere end {limit} tegn, "
            "eller et anførselstegn mangler)."
        ) from None
    finally:
        text.detach()  # leave the stream to its owner


def _check_xlsx_size(stream: BinaryIO) -> None:
    """Refuse a workbook that would unpack to more than XLSX_MAX_EXPANDED, or a zip bomb, before
    reading it (the sizes are in the zip's directory)."""
    try:
        parts = zipfile.ZipFile(stream).infolist()
    except (zipfile.BadZipFile, OSError):
        raise ValueError("Filen kan ikke læses som XLSX.") from None
    expanded = sum(part.file_size for part in parts)
    suspicious = any(part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1024) for part in parts)
    if expanded > XLSX_MAX_EXPANDED or suspicious:
        raise ValueError(
            f"Filen fylder {expanded // (1024 * 1024)} MB pakket ud; højst "
            f"{XLSX_MAX_EXPANDED // (1024 * 1024)} MB kan importeres. Del den op, eller gem den som CSV."
        )
    stream.seek(0)


def _read_xlsx(stream: BinaryIO, progress) -> Iterator[tuple[int, dict[str, object]]]:
    from openpyxl import load_workbook

    _check_xlsx_size(stream)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file, not our bug
        raise ValueError("Filen kan ikke læses som XLSX.") from None
    try:
        sheet = book.worksheets[0]
        total = max(sheet.max_row or 1, 1)
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValueError("Filen er tom.")
        names = [str(h or "").strip().lower() for h in header]
        yield 1, {"__header__": names}
        for number, values in enumerate(rows, start=2):
            if progress is not None and number % 5000 == 0:
                progress(min(number / total, 1.0))
            if not any(v not in (None, "") for v in values):
                continue
            yield number, {"__values__": list(values), **dict(zip(names, values, strict=False))}
    finally:
        book.close()


# --- validation (pure) ----------------------------------------------------------------------


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
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValueError(f"Minutter skal være mellem 1 og {MAX_MINUTES}.")
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
            if day > today:
                problem("contact_date", "Datoen ligger i fremtiden. En kontakt importeres, når den er holdt.")
            elif start is not None and day < start:
                problem("contact_date", f"Kontakten ligger før forløbets start ({start:%d.%m.%Y}).")
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
    if problems:
        return None
    return ContactRow(
        number,
        cpr,
        day,
        codes["contact_kind"],
        codes["contact_channel"],
        codes["contact_performed_by"],
        codes["contact_outcome"],
        minutes,
    )


_YES_NO = {"": False, "nej": False, "0": False, "false": False,
           "ja": True, "1": True, "true": True, "x": True}


def validate(
    records: Iterable[tuple[int, dict[str, object]]],
    *,
    teams: set[str],
    caseworkers: dict[str, str],
    target_groups: set[str],
    today: date | None = None,
) -> Report:
    """Check every row against the known teams, caseworkers (username -> team) and target groups.

    ``today`` (default: the system date) is the last day a contact may be dated."""
    today = today or date.today()
    report = Report()
    seen: dict[str, int] = {}  # CPR -> first row with that CPR
    citizens: dict[str, CitizenRow] = {}  # CPR -> the citizen as its first valid row states it
    contact_rows: dict[tuple, int] = {}  # contact key -> row
    records = iter(records)
    first = next(records, None)
    if first is None or "__header__" not in first[1]:
        report.errors.append(RowError(1, "", "Filen mangler en overskriftsrække."))
        return report
    header = first[1]["__header__"]
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
        for column, label in (("first_name", "Fornavn"), ("last_name", "Efternavn")):
            names[column] = _text(values.get(column))
            if not names[column]:
                fail(column, f"{label} mangler.")
            elif len(names[column]) > MAX_NAME:
                fail(column, f"{label} må højst være {MAX_NAME} tegn.")
        team = _text(values.get("team"))
        if team not in teams:
            fail("team", f"Teamet '{team[:60]}' findes ikke." if team else "Team mangler.")
        caseworker = _text(values.get("caseworker")) or None
        if caseworker is not None:
            if caseworker not in caseworkers:
                fail("caseworker", f"Sagsbehandleren '{caseworker[:60]}' findes ikke.")
            elif team in teams and caseworkers[caseworker] != team:
                fail("caseworker", "Sagsbehandleren hører ikke til teamet.")
        group = _text(values.get("target_group"))
        if group not in target_groups:
            fail("target_group", f"Målgruppen '{group[:60]}' findes ikke." if group else "Målgruppe mangler.")
        start = None
        try:
            start = _date(values.get("start"))
        except ValueError as exc:
            fail("start", str(exc))
        else:
            earliest, latest = start_window(today)
            if not earliest <= start <= latest:
                fail("start", f"Startdatoen skal ligge mellem {earliest:%d.%m.%Y} og {latest:%d.%m.%Y}.")
                start = None
        short = _text(values.get("short_absence")).lower()
        if short not in _YES_NO:
            fail("short_absence", "Skriv ja eller nej (eller lad feltet stå tomt).")
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
        if errors:
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


# --- the write ------------------------------------------------------------------------------


class _DryRun(Exception):
    pass


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# Up to this many changed citizens, their obligations are recomputed inside the import's
# transaction; a larger import leaves it to the Celery refresh task after commit.
INLINE_REFRESH_LIMIT = 5000


def import_rows(
    rows: list[CitizenRow],
    *,
    contacts: Iterable[ContactRow] = (),
    user=None,
    commit: bool = False,
    refresh: str | None = "auto",
) -> Result:
    """Upsert the validated citizens and contacts in one transaction; without `commit` it is rolled back.

    ``refresh``: "auto" recomputes the obligations of the changed citizens in the transaction when
    there are few, else schedules the Celery refresh after commit; None leaves it to the caller.
    Raises ImportRejected (with row numbers) when a row conflicts with what is already stored."""
    from django.db import transaction

    result = Result()
    try:
        with transaction.atomic():
            touched = _write(rows, list(contacts), user, result)
            if not commit:
                raise _DryRun
            result.touched = touched
            if refresh == "auto" and touched:
                if len(touched) <= INLINE_REFRESH_LIMIT:
                    from citizens.refresh import refresh_citizens

                    refresh_citizens(touched)
                else:
                    from citizens.refresh import mark_citizens_dirty, schedule_dirty_refresh

                    mark_citizens_dirty(touched)
                    schedule_dirty_refresh()
                    result.refresh_scheduled = True
            result.committed = True
    except _DryRun:
        pass
    return result


def _write(rows: list[CitizenRow], contacts: list[ContactRow], user, result: Result) -> list[int]:
    from catalogue.models import TargetGroup
    from citizens.models import AuditEvent, Citizen, Enrolment
    from jobcenter.models import StaffMember, Team

    team_ids = dict(Team.objects.values_list("name", "pk"))
    staff_ids = dict(StaffMember.objects.values_list("user__username", "pk"))
    groups = {g.code: g for g in TargetGroup.objects.all()}
    group_ids = {code: g.pk for code, g in groups.items()}
    existing: dict[str, tuple] = {}
    for chunk in _chunks([r.cpr for r in rows], 5000):
        for pk, cpr, first, last, team, cw, version in Citizen.objects.filter(cpr__in=chunk).values_list(
            "pk", "cpr", "first_name", "last_name", "team_id", "caseworker_id", "version"
        ):
            existing[cpr] = (pk, first, last, team, cw, version)

    new, changed, audits = [], [], []
    for r in rows:
        values = (r.first_name, r.last_name, team_ids[r.team], staff_ids.get(r.caseworker))
        if r.cpr not in existing:
            new.append(
                Citizen(cpr=r.cpr, first_name=values[0], last_name=values[1], team_id=values[2],
                        caseworker_id=values[3])
            )
        elif existing[r.cpr][1:5] != values:
            pk, *before, version = existing[r.cpr]
            changed.append(
                Citizen(pk=pk, first_name=values[0], last_name=values[1], team_id=values[2],
                        caseworker_id=values[3], version=version + 1)
            )
            audits.append(AuditEvent(user=user, citizen_id=pk, action=AuditEvent.Action.UPDATE,
                                     details={"import": True, "before": [str(v) for v in before]}))
        else:
            result.unchanged += 1
    Citizen.objects.bulk_create(new, batch_size=2000)
    Citizen.objects.bulk_update(changed, ["first_name", "last_name", "team", "caseworker", "version"],
                                batch_size=2000)
    result.created, result.updated = len(new), len(changed)
    ids = {c.cpr: c.pk for c in new}
    ids.update({cpr: v[0] for cpr, v in existing.items()})
    audits.extend(
        AuditEvent(user=user, citizen_id=c.pk, action=AuditEvent.Action.CREATE, details={"import": True})
        for c in new
    )

    # Enrolments: natural key (citizen, target group, start); a new group ends the open one.
    known_ids = [v[0] for v in existing.values()]
    from citizens.input_checks import SHORT_ABSENCE_GROUPS, closed_scheme_error

    keys, open_enrolments = {}, {}
    for chunk in _chunks(known_ids, 5000):
        stored = Enrolment.objects.filter(citizen_id__in=chunk)
        for pk, citizen_id, group_id, start, end, short in stored.values_list(
            "pk", "citizen_id", "target_group_id", "start", "end", "short_absence"
        ):
            keys[(citizen_id, group_id, start)] = (pk, short)
            if end is None:
                open_enrolments[citizen_id] = (pk, start)
    to_create, to_end, to_flag, conflicts = [], [], [], []
    for r in rows:
        citizen_id, group_id = ids[r.cpr], group_ids[r.target_group]
        if r.short_absence and r.target_group not in SHORT_ABSENCE_GROUPS:
            conflicts.append(RowError(r.row, "short_absence",
                                      "Forventet fravær under 26 uger gælder kun sygedagpengemodtagere."))
            continue
        if (citizen_id, group_id, r.start) in keys:
            pk, short = keys[(citizen_id, group_id, r.start)]
            if short != r.short_absence:
                to_flag.append(Enrolment(pk=pk, short_absence=r.short_absence))
            continue
        closed = closed_scheme_error(groups[r.target_group], r.start)  # the same check as the UI and API
        if closed:
            conflicts.append(RowError(r.row, "target_group", closed))
            continue
        current = open_enrolments.get(citizen_id)
        if current is not None:
            if r.start <= current[1]:
                conflicts.append(RowError(r.row, "start", "Borgeren har allerede et forløb, der starter "
                                          f"{current[1]:%d.%m.%Y} eller senere. Starten skal ligge efter."))
                continue
            to_end.append(Enrolment(pk=current[0], end=r.start - timedelta(days=1)))
        to_create.append(Enrolment(citizen_id=citizen_id, target_group_id=group_id, start=r.start,
                                   short_absence=r.short_absence))
    if conflicts:
        raise ImportRejected(conflicts)
    Enrolment.objects.bulk_update(to_end, ["end"], batch_size=2000)
    Enrolment.objects.bulk_update(to_flag, ["short_absence"], batch_size=2000)
    Enrolment.objects.bulk_create(to_create, batch_size=2000)
    result.enrolments_created, result.enrolments_ended = len(to_create), len(to_end)
    contacted = _write_contacts(contacts, ids, known_ids, audits, user, result)
    AuditEvent.objects.bulk_create(audits, batch_size=2000)
    flagged = Enrolment.objects.filter(pk__in=[e.pk for e in to_flag]).values_list("citizen_id", flat=True)
    touched = {c.pk for c in new} | {c.pk for c in changed} | {e.citizen_id for e in to_create} | contacted
    touched |= set(flagged)
    return sorted(touched)


def _write_contacts(
    contacts: list[ContactRow], ids: dict[str, int], known_ids: list[int], audits: list, user, result: Result
) -> set[int]:
    """Upsert contacts by (citizen, date, kind, channel, performed by); returns the citizens changed.

    Only the stored contacts of citizens that were already known can match (a new citizen has none).
    Where several stored contacts share a key (registered twice by hand), the oldest is matched."""
    from citizens.models import AuditEvent, Contact

    if not contacts:
        return set()
    stored: dict[tuple, tuple[int, str, int]] = {}
    in_file = {ids[c.cpr] for c in contacts}
    for chunk in _chunks([pk for pk in known_ids if pk in in_file], 5000):
        for pk, citizen_id, day, kind, channel, performer, outcome, minutes in (
            Contact.objects.filter(citizen_id__in=chunk)
            .order_by("-pk")
            .values_list("pk", "citizen_id", "date", "kind", "channel", "performed_by", "outcome", "minutes")
        ):
            stored[(citizen_id, day, kind, channel, performer)] = (pk, outcome, minutes)
    to_create, to_update = [], []
    for c in contacts:
        citizen_id = ids[c.cpr]
        match = stored.get((citizen_id, c.date, c.kind, c.channel, c.performed_by))
        if match is None:
            to_create.append(
                Contact(citizen_id=citizen_id, date=c.date, kind=c.kind, channel=c.channel,
                        performed_by=c.performed_by, outcome=c.outcome_or_default,
                        minutes=c.minutes_or_default)
            )
            continue
        pk, outcome, minutes = match
        wanted = (c.outcome or outcome, c.minutes or minutes)
        if wanted == (outcome, minutes):
            result.contacts_unchanged += 1
        else:
            to_update.append(Contact(pk=pk, citizen_id=citizen_id, outcome=wanted[0], minutes=wanted[1]))
    for batch in _chunks(to_create, CONTACT_BATCH):
        Contact.objects.bulk_create(batch)
    Contact.objects.bulk_update(to_update, ["outcome", "minutes"], batch_size=2000)
    result.contacts_created, result.contacts_updated = len(to_create), len(to_update)
    by_citizen: dict[int, dict[str, list[int]]] = {}
    for label, items in (("created", to_create), ("updated", to_update)):
        for contact in items:
            changes = by_citizen.setdefault(contact.citizen_id, {"created": [], "updated": []})
            changes[label].append(contact.pk)
    audits.extend(
        AuditEvent(user=user, citizen_id=citizen_id, action=AuditEvent.Action.CONTACT,
                   details={"import": True, "contacts": changes})
        for citizen_id, changes in by_citizen.items()
    )
    return set(by_citizen)


def check_file(source: Source, filename: str, *, progress: Callable[[float], None] | None = None) -> Report:
    """Read (as a stream) and validate a file against the organisation and target groups in the
    database. `source`: bytes, a path or a binary file; `progress` as for read_records."""
    from django.utils import timezone

    from catalogue.models import TargetGroup
    from jobcenter.models import Role, StaffMember, Team

    teams = set(Team.objects.values_list("name", flat=True))
    caseworkers = {
        username: team
        for username, team in StaffMember.objects.filter(
            role__in=[Role.CASEWORKER, Role.TEAM_LEADER], team__isnull=False
        ).values_list("user__username", "team__name")
    }
    groups = set(TargetGroup.objects.values_list("code", flat=True))
    try:
        return validate(read_records(source, filename, progress=progress), teams=teams,
                        caseworkers=caseworkers, target_groups=groups, today=timezone.localdate())
    except ValueError as exc:
        return Report(errors=[RowError(0, "", str(exc))])


def run_import(
    source: Source, filename: str, *, user=None, commit: bool = False
) -> tuple[Report, Result | None]:
    """Check the file; if it is clean, import it (or rehearse the import in a rolled-back transaction)."""
    report = check_file(source, filename)
    if not report.ok:
        return report, None
    try:
        return report, import_rows(report.rows, contacts=report.contacts, user=user, commit=commit)
    except ImportRejected as exc:
        report.errors.extend(exc.errors)
        return report, None


def read_path(path: str | Path) -> tuple[Path, str]:
    """The file to import (read later, as a stream) and its name; OSError when it cannot be read."""
    path = Path(path)
    with open(path, "rb"):
        pass
    return path, path.name
