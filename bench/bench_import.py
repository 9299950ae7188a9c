"""Benchmark the caseload import. Prints figures; not a test.

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/bench_import.py [--rows 100000]

Migrates the database, makes sure there are teams, caseworkers and the shipped target groups,
writes a CSV of --rows rows: citizens with distinct CPR numbers, each on 1-3 rows with one contact
per row (--contacts 0 writes one row per citizen and no contacts), and times: reading and validating,
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
from citizens.models import Citizen, Contact  # noqa: E402
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


KINDS = ["jobsamtale"] * 6 + ["opfoelgningssamtale"] * 2 + ["kontakt"] * 2
CHANNELS = ["fremmoede"] * 5 + ["telefon"] * 2 + ["video", "digital"]
OUTCOMES = [""] * 8 + ["absent", "cancelled"]  # empty: held


def write_csv(path: Path, rows: int, pairs, seed: int, contacts: bool = True) -> tuple[int, int]:
    """Write the file; returns (citizens, contacts)."""
    rng = random.Random(seed)
    used: set[str] = set()
    today = date.today()
    written = contact_count = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("cpr;first_name;last_name;team;caseworker;target_group;start;"
                "contact_date;contact_kind;contact_channel;contact_performed_by;contact_outcome\n")
        serial = 0
        while written < rows:
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
            serial += 1
            cpr = make_cpr(born, serial)
            if cpr in used:
                continue
            used.add(cpr)
            team, caseworker = pairs[rng.randrange(len(pairs))]
            start = min(date(2026, 11, 1), today) - timedelta(days=rng.randrange(700))
            citizen = (
                f"{cpr[:6]}-{cpr[6:]};Fornavn{serial};Efternavn{serial};{team};{caseworker};"
                f"{rng.choice(GROUPS)};{start.isoformat()}"
            )
            if not contacts:
                f.write(citizen + ";;;;;\n")
                written += 1
                continue
            span = (today - start).days + 1
            for offset in sorted(rng.sample(range(span), min(span, rng.randint(1, 3), rows - written))):
                performer = "a-kasse" if rng.random() < 0.1 else "kommune"
                f.write(
                    f"{citizen};{(start + timedelta(days=offset)).isoformat()};{rng.choice(KINDS)};"
                    f"{rng.choice(CHANNELS)};{performer};{rng.choice(OUTCOMES)}\n"
                )
                written += 1
                contact_count += 1
    return len(used), contact_count


def timed(label: str, fn):
    started = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - started:7.1f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contacts", type=int, default=1, help="0: no contacts, one row per citizen")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ensure_shipped_rules()
    pairs = organisation()
    before = Citizen.objects.count()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stamme.csv"
        citizens, contacts = timed(
            f"write {args.rows:,} rows of CSV",
            lambda: write_csv(path, args.rows, pairs, args.seed, contacts=bool(args.contacts)),
        )
        data = path.read_bytes()
        print(f"file: {len(data) / 1e6:.1f} MB, {citizens:,} citizens, {contacts:,} contacts; "
              f"citizens in the database before: {before:,}, contacts: {Contact.objects.count():,}")
        report = timed("read and validate (pure)", lambda: importer.check_file(data, path.name))
        assert report.ok, report.errors[:5]
        dry = timed(
            "dry run (rolled back)",
            lambda: importer.import_rows(report.rows, contacts=report.contacts, commit=False),
        )
        print(f"   would create {dry.created:,}, update {dry.updated:,}, leave {dry.unchanged:,}; "
              f"contacts: create {dry.contacts_created:,}")
        total = time.perf_counter()

        def commit():
            checked = importer.check_file(data, path.name)
            return importer.import_rows(checked.rows, contacts=checked.contacts, commit=True, refresh=None)

        result = timed("import --commit (read, validate, write)", commit)
        print(f"   created {result.created:,}, updated {result.updated:,}, unchanged {result.unchanged:,}; "
              f"contacts: created {result.contacts_created:,}")
        print(f"{'TOTAL import --commit':<44} {time.perf_counter() - total:7.1f} s")
        timed(
            f"then: obligations refresh of {len(result.touched):,} (Celery)",
            lambda: refresh_citizens(result.touched),
        )
        _, again = timed("same file again --commit (no-op)",
                         lambda: importer.run_import(data, path.name, commit=True))
        print(f"   created {again.created:,}, updated {again.updated:,}, unchanged {again.unchanged:,}; "
              f"contacts: created {again.contacts_created:,}, updated {again.contacts_updated:,}, "
              f"unchanged {again.contacts_unchanged:,}")
        print(f"contacts in the database after: {Contact.objects.count():,}")


if __name__ == "__main__":
    main()
