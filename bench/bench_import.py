"""Benchmark the caseload import. Prints figures; not a test.

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/bench_import.py [--rows 100000]

Migrates the database, makes sure there are teams, caseworkers and the shipped target groups,
writes a CSV of --rows citizens with distinct CPR numbers, and times: reading and validating,
the dry run, the committed import (including the refresh of every citizen's obligations) and
importing the same file again (which must change nothing). Target: under 60 s for 100,000 rows.
Use a throwaway database: the citizens it imports stay there.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from citizens import importer  # noqa: E402
from citizens.cpr import make_cpr  # noqa: E402
from citizens.models import Citizen  # noqa: E402
from citizens.refresh import refresh_citizens  # noqa: E402
from jobcenter.demo import ensure_shipped_rules  # noqa: E402
from jobcenter.models import Role, StaffMember, Team  # noqa: E402

GROUPS = ["dagpenge", "kh-jobparat", "kh-aktivitetsparat", "sygedagpenge", "uh-uddannelsesparat"]


def organisation(teams: int = 6, per_team: int = 8) -> list[tuple[str, str]]:
    """(team name, caseworker username) pairs, created if missing."""
    pairs = []
    for t in range(teams):
        team, _ = Team.objects.get_or_create(name=f"Bench Team {t + 1}")
        for c in range(per_team):
            username = f"bench-cw-{t + 1}-{c + 1}"
            user, _ = get_user_model().objects.get_or_create(username=username)
            StaffMember.objects.get_or_create(user=user, defaults={"team": team, "role": Role.CASEWORKER})
            pairs.append((team.name, username))
    return pairs


def write_csv(path: Path, rows: int, pairs, seed: int) -> None:
    rng = random.Random(seed)
    used: set[str] = set()
    with path.open("w", encoding="utf-8") as f:
        f.write("cpr;first_name;last_name;team;caseworker;target_group;start\n")
        serial = 0
        while len(used) < rows:
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
            serial += 1
            cpr = make_cpr(born, serial)
            if cpr in used:
                continue
            used.add(cpr)
            team, caseworker = pairs[rng.randrange(len(pairs))]
            start = date(2026, 11, 1) - timedelta(days=rng.randrange(700))
            f.write(
                f"{cpr[:6]}-{cpr[6:]};Fornavn{serial};Efternavn{serial};{team};{caseworker};"
                f"{rng.choice(GROUPS)};{start.isoformat()}\n"
            )


def timed(label: str, fn):
    started = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - started:7.1f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ensure_shipped_rules()
    pairs = organisation()
    before = Citizen.objects.count()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stamme.csv"
        timed(f"write {args.rows:,} rows of CSV", lambda: write_csv(path, args.rows, pairs, args.seed))
        data = path.read_bytes()
        print(f"file: {len(data) / 1e6:.1f} MB, citizens in the database before: {before:,}")
        report = timed("read and validate (pure)", lambda: importer.check_file(data, path.name))
        assert report.ok, report.errors[:5]
        dry = timed("dry run (rolled back)", lambda: importer.import_rows(report.rows, commit=False))
        print(f"   would create {dry.created:,}, update {dry.updated:,}, leave {dry.unchanged:,}")
        total = time.perf_counter()

        def commit():
            checked = importer.check_file(data, path.name)
            return importer.import_rows(checked.rows, commit=True, refresh=None)

        result = timed("import --commit (read, validate, write)", commit)
        print(f"   created {result.created:,}, updated {result.updated:,}, unchanged {result.unchanged:,}")
        print(f"{'TOTAL import --commit':<44} {time.perf_counter() - total:7.1f} s")
        timed(
            f"then: obligations refresh of {len(result.touched):,} (Celery)",
            lambda: refresh_citizens(result.touched),
        )
        _, again = timed("same file again --commit (no-op)",
                         lambda: importer.run_import(data, path.name, commit=True))
        print(f"   created {again.created:,}, updated {again.updated:,}, unchanged {again.unchanged:,}")


if __name__ == "__main__":
    main()
