"""Peak memory of reading and checking large import files. Prints figures; not a test.

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/bench_import_memory.py [--rows 200000]

Each case runs in a fresh process and reports its peak resident memory (ru_maxrss): a CSV at the
row limit (read, validate, dry run), a CSV of about 1 GB (refused by its size before a row is read)
and an XLSX zip bomb that unpacks to about 700 MB (refused from the zip's directory, unread).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")


def measure(path: str, dry_run: bool) -> None:
    """In this (child) process: check the file (and rehearse the import); print time and peak RSS."""
    import django

    django.setup()
    from citizens import importer

    started = time.perf_counter()
    report = importer.check_file(path, Path(path).name)
    outcome = f"{report.lines:,} rows ok" if report.ok else f"refused: {report.errors[0].message[:70]}"
    if report.ok and dry_run:
        result = importer.import_rows(report.rows, contacts=report.contacts, commit=False)
        outcome += f", dry run: {result.created:,} new citizens"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {outcome}; {time.perf_counter() - started:.1f} s, peak RSS {peak:.0f} MB")


def run_case(label: str, path: Path, dry_run: bool = False) -> None:
    print(f"{label} ({path.stat().st_size / 1e6:,.1f} MB on disk)")
    subprocess.run([sys.executable, __file__, "--measure", str(path)] + (["--dry-run"] if dry_run else []),
                   check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--measure")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure, args.dry_run)

    import django

    django.setup()
    from django.core.management import call_command

    from bench.bench_import import organisation, write_csv
    from jobcenter.demo import ensure_shipped_rules

    call_command("migrate", verbosity=0)
    ensure_shipped_rules()
    pairs = organisation()
    with tempfile.TemporaryDirectory() as tmp:
        at_limit = Path(tmp) / "at-limit.csv"
        write_csv(at_limit, args.rows, pairs, seed=1)
        run_case(f"CSV at the row limit, {args.rows:,} rows, read, checked and dry run", at_limit, True)

        huge = Path(tmp) / "huge.csv"
        lines = at_limit.read_bytes().split(b"\n", 1)
        with huge.open("wb") as out:
            out.write(lines[0] + b"\n")
            while out.tell() < 1_000_000_000:
                out.write(lines[1])
        run_case("CSV of 1 GB", huge)  # refused by its size, unread
        huge.unlink()

        bomb = Path(tmp) / "bomb.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
            with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
                for _ in range(700):
                    sheet.write(b"<row>" + b"0" * (1024 * 1024 - 11) + b"</row>")
        run_case("XLSX unpacking to 700 MB", bomb)


if __name__ == "__main__":
    main()
