"""The first forecast of a fresh worker against the baseline SQL, each run in a new Python process
(as a new Celery child's first task would run), then that process's second forecast. Prints
figures; not a test. Reads what the nightly refresh kept for ``--on`` (run ``bench_forecast.py``
once first, or the refresh).

    DATABASE_URL=... .venv/bin/python bench/bench_forecast_fresh.py --on 2026-11-29 [--runs 3] [--warm-up]

``--warm-up`` starts as a Celery worker does: the warm-up before the fork (``jobcenter.celery``'s
own hook), then a forked child measures (and reports how much of its memory is still shared).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta


def child(on: date, rule_set: str, months: int, warm: bool) -> dict:
    import _django  # noqa: F401  (Django set up on DATABASE_URL)
    from bench_forecast import BASELINE_SQL
    from django.db import connection

    from catalogue.economy import assumptions_on
    from catalogue.selectors import current_rulebook
    from citizens.obligations import add_months
    from jobcenter import forecast as fc
    from jobcenter import services

    def baseline() -> float:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(BASELINE_SQL)
            cur.fetchall()
        return time.perf_counter() - t

    def forecast() -> float:
        t = time.perf_counter()
        book = current_rulebook()
        first = services.first_month_of(on)
        end = add_months(first, months) - timedelta(days=1)
        inputs = services._inputs(on)
        fc.forecast(
            book, rule_set, services._cohorts(inputs, on, None), on, months,
            fc.Assumptions.from_dict(assumptions_on(on)), flows=inputs["flows"], timing=inputs["timing"],
            team_shares=inputs["team_shares"], exempt_share=inputs["exempt_share"], first_month=first,
            held_shares=services._held(inputs, book, rule_set, on, end),
        )
        return time.perf_counter() - t

    def measured() -> dict:
        connection.ensure_connection()
        return {"baseline": baseline(), "first": forecast(), "baseline2": baseline(), "second": forecast(),
                "memory": memory()}

    if not warm:
        return {"warm_up": 0.0, **measured()}
    # as a Celery worker starts: the warm-up in the parent (jobcenter.celery's own hook: read,
    # close the connections, freeze), then a forked child takes the task
    from jobcenter.celery import _warm_up

    t = time.perf_counter()
    _warm_up()
    warm_up = time.perf_counter() - t
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(measured()).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return {"warm_up": warm_up, **out}


def memory() -> dict:
    """This process's private and shared resident memory in MB (Linux)."""
    fields = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty"):
                fields[name] = int(rest.split()[0]) / 1024
    return {"private": fields["Private_Clean"] + fields["Private_Dirty"],
            "shared": fields["Shared_Clean"] + fields["Shared_Dirty"]}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--on", type=date.fromisoformat, required=True)
    p.add_argument("--rule-set", default="lab-2027")
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", action="store_true")
    p.add_argument("--warm-up", action="store_true", help="run the worker's warm-up first")
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.on, args.rule_set, args.months, args.warm_up)))
        return
    cmd = [sys.executable, __file__, "--child", "--on", args.on.isoformat(), "--rule-set", args.rule_set,
           "--months", str(args.months), *(["--warm-up"] if args.warm_up else [])]
    print(f"first forecast of a fresh process, {args.rule_set}, {args.months} months from {args.on:%d.%m.%Y}")
    for i in range(args.runs):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.splitlines()[-1])
        warm = f"warm-up {r['warm_up']:.2f} s, forked child: " if args.warm_up else ""
        print(f"run {i + 1}: {warm}baseline {r['baseline']:.3f} s, first forecast {r['first']:.3f} s "
              f"({r['first'] / r['baseline']:.2f} x); then baseline {r['baseline2']:.3f} s, "
              f"second forecast {r['second']:.3f} s ({r['second'] / r['baseline2']:.2f} x); "
              f"memory {r['memory']['private']:.0f} MB private, {r['memory']['shared']:.0f} MB shared")


if __name__ == "__main__":
    main()
