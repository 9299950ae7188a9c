"""Time the refresh of every citizen's stored obligations (the nightly job). Prints figures.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_refresh.py [--limit N]
"""

import argparse
import time

import _django  # noqa: F401
from django.utils import timezone

from citizens.models import Citizen, Enrolment, Obligation
from citizens.refresh import refresh_citizens


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="refresh only the first N citizens")
    args = parser.parse_args()
    ids = list(Citizen.objects.order_by("id").values_list("id", flat=True)[: args.limit])
    print(f"citizens: {len(ids):,}; enrolments: {Enrolment.objects.count():,}")
    start = time.perf_counter()
    refresh_citizens(ids, on=timezone.localdate())
    elapsed = time.perf_counter() - start
    print(f"refresh: {elapsed:.1f} s, {len(ids) / elapsed:,.0f} citizens/s; "
          f"stored open obligations: {Obligation.objects.count():,}")


if __name__ == "__main__":
    main()
