"""Every CSV and XLSX the product hands out is written here, so the same rules hold for all of them.

- **Formula injection** (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is prefixed with ``'``, so a spreadsheet shows it as text
  instead of running it; XLSX text cells are always written as strings, never as formulas.
  Numbers and dates are real numbers and dates, so a negative amount stays a number.
- **Danish Excel**: CSV is UTF-8 with a byte-order mark and ``;`` as separator, decimals with a
  comma and dates as ``dd.mm.åååå`` (what Excel with Danish regional settings reads as numbers and
  dates). A ``,``-separated variant with ISO dates and decimal points is there for machines.
- **XLSX**: dates are date cells shown ``dd.mm.åååå``, whole numbers ``#,##0``, decimals
  ``#,##0.0`` or ``#,##0.00`` after the precision they carry.

Pure apart from openpyxl; takes headers and rows of plain values (str, int, float, Decimal, date,
datetime, bool, None).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


def neutralise(text: str) -> str:
    """Text a spreadsheet will never evaluate: a leading formula character gets a ``'`` before it."""
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def _decimals(value: float | Decimal) -> int:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 2
    text = repr(float(value))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 2


def csv_cell(value, *, danish: bool = True) -> str:
    """One value as CSV text (Danish: decimal comma, dd.mm.åååå; else ISO and decimal point)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("Ja" if value else "Nej") if danish else ("true" if value else "false")
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d.%m.%Y %H:%M") if danish else value.isoformat()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y") if danish else value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else repr(float(value))
        return text.replace(".", ",") if danish else text
    return neutralise(str(value))


def csv_text(headers: Sequence, rows: Iterable[Sequence], *, danish: bool = True) -> str:
    """The table as CSV text; Danish (BOM, ``;``) unless ``danish=False`` (plain ``,`` CSV)."""
    buffer = io.StringIO()
    if danish:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if danish else ",", lineterminator="\r\n")
    writer.writerow([csv_cell(h, danish=danish) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v, danish=danish) for v in row])
    return buffer.getvalue()


def xlsx_bytes(headers: Sequence, rows: Iterable[Sequence], *, title: str = "Data") -> bytes:
    """The table as an XLSX workbook: typed cells, Danish number formats, no formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=neutralise(title)[:31].lstrip("'") or "Data")
    bold = Font(bold=True)

    def cell(value, header: bool = False):
        if isinstance(value, bool):
            value = "Ja" if value else "Nej"
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.make_naive(timezone.localtime(value))
        c = WriteOnlyCell(sheet, value=None)
        if value is None:
            pass
        elif isinstance(value, datetime):
            c.value, c.number_format = value, DATETIME_FORMAT
        elif isinstance(value, date):
            c.value, c.number_format = value, DATE_FORMAT
        elif isinstance(value, int):
            c.value, c.number_format = value, "#,##0"
        elif isinstance(value, float | Decimal):
            places = min(_decimals(value), 2)
            c.value = value
            c.number_format = "#,##0" if places == 0 else "#,##0." + "0" * places
        else:
            c.value = neutralise(str(value))
            c.data_type = "s"  # openpyxl would take a leading "=" for a formula
        if header:
            c.font = bold
        return c

    sheet.append([cell(h, header=True) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(fmt: str, name: str, headers: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """A download of the table as ``csv`` (Danish Excel) or ``xlsx``, named ``name-ÅÅÅÅMMDD``."""
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    if fmt == "csv":
        response = HttpResponse(csv_text(headers, rows), content_type=CSV_TYPE)
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows, title=name), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def dataset_response(fmt: str, name: str, dataset) -> HttpResponse:
    """A tablib Dataset (the reports' tables) through the same writer."""
    return export_response(fmt, name, list(dataset.headers or []), [list(r) for r in dataset])
