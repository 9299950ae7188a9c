"""Time the refresh of stored obligations: the full rerun of the engine (the baseline, and the first
run after the migration) against the nightly run that follows what changed. Prints figures.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_refresh.py [--limit N] [--skip-full]

Dead rows are read from pg_stat_user_tables after a VACUUM, so they count only what the measured
run left behind.
"""

import argparse
import time
from datetime import timedelta

import _django  # noqa: F401
from django.db import connection
from django.utils import timezone

from citizens.models import Citizen, Enrolment, Obligation
from citizens.refresh import (
    citizens_in_groups,
    refresh_all,
    refresh_changed,
    refresh_citizens,
    refresh_groups,
)

TABLES = ("citizens_obligation", "citizens_enrolment", "citizens_citizen")


def vacuum() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM {table}")


def dead_rows() -> int:
    time.sleep(1.5)  # table statistics are flushed shortly after each transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                       [list(TABLES)])
        return int(cursor.fetchone()[0])


def timed(label: str, fn, baseline: float | None, per: int | None = None):
    connection.set_autocommit(True)
    vacuum()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    ratio = f", {elapsed / baseline:.3f} x the full refresh" if baseline else ""
    rate = f", {elapsed / per * 1e6:.0f} µs per citizen" if per else ""
    print(f"{label}: {elapsed:.2f} s{ratio}{rate}; dead rows left: {dead_rows():,}; result: {result}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="full refresh of the first N citizens only")
    parser.add_argument("--skip-full", action="store_true", help="baseline from a full refresh of --limit")
    args = parser.parse_args()
    on = timezone.localdate()
    total = Citizen.objects.count()
    print(f"citizens: {total:,}; enrolments: {Enrolment.objects.count():,}; on {on}")
    if args.limit:
        ids = list(Citizen.objects.order_by("id").values_list("id", flat=True)[: args.limit])
        full = timed(f"full refresh of {len(ids):,} citizens", lambda: refresh_citizens(ids, on=on), None,
                     len(ids))
        baseline = full * total / len(ids)
        print(f"baseline (full refresh, scaled to {total:,}): {baseline:.1f} s")
    else:
        baseline = timed("full refresh (engine for every citizen)", lambda: refresh_all(on=on), None, total)
    print(f"stored open obligations: {Obligation.objects.count():,}")
    timed("nightly, nothing changed (same day)", lambda: refresh_changed(on=on), baseline)
    timed("nightly, next day", lambda: refresh_changed(on=on + timedelta(days=1)), baseline)
    timed("nightly, the day after, once more", lambda: refresh_changed(on=on + timedelta(days=1)), baseline)
    for group in ("ledighedsydelse", "kh-jobparat"):
        size = len(citizens_in_groups([group], on))
        timed(f"rule edit to {group} ({size:,} citizens)", lambda g=group: refresh_groups([g], on=on),
              baseline, size)


if __name__ == "__main__":
    main()
