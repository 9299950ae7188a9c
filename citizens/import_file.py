"""Reading an import file as a stream: CSV or XLSX rows as {column: value}, within documented limits.

Pure: no Django, no database. One row is in memory at a time; a file that is too large, a zip bomb,
a field over the CSV limit or a NUL character is refused with a Danish message (ValueError). The
columns and what they mean are checked by ``citizens/import_check.py``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Limits, so that a file is refused clearly before it can exhaust a worker's memory (README).
MAX_ROWS = 200_000  # the largest file benchmarked (README); memory grows with the rows
MAX_FILE_BYTES = 50 * 1024 * 1024  # any file, however it arrives (upload or command line)
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
        if _size(stream) > MAX_FILE_BYTES:  # refused before a row is read, so memory stays bounded
            megabytes = MAX_FILE_BYTES // (1024 * 1024)
            raise ValueError(f"Filen må højst fylde {megabytes} MB. Del den op i flere filer.")
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


def _read_csv(stream: BinaryIO, progress) -> Generator[tuple[int, dict[str, object]]]:
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


def _read_xlsx(stream: BinaryIO, progress) -> Generator[tuple[int, dict[str, object]]]:
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

