"""Benchmark the flows estimated straight from the whole enrolment history
(``forecast_inputs.flows_on``: inflow per group and month, Kaplan-Meier exits) against the issue's
baseline SQL (open obligations joined to enrolments and citizens, grouped by team and month), both
timed in turns so they see the same load. Prints figures; not a test.

    DATABASE_URL=... .venv/bin/python bench/bench_flows.py --on 2026-11-29 [--repeat 7]

Also times the stop-16 queries (one GROUP BY on a CASE expression the planner could not estimate,
and one on ``date_trunc``) and checks that both give the same flows, on ``--on`` and a year before
(the backtest's day).
"""

import argparse
import statistics
import time
from collections import defaultdict
from datetime import date

import _django  # noqa: F401
from bench_forecast import BASELINE_SQL  # noqa: E402
from django.db import connection  # noqa: E402

from jobcenter import flows as fl  # noqa: E402
from jobcenter import forecast_inputs as fi  # noqa: E402


def before(on: date) -> fl.Flows:
    """``flows_on`` as it was at stop 16 (for the same-run comparison and the equality check)."""
    codes = fi._codes()
    window_end = on.replace(day=1)
    window_start = fl.month_add(window_end, -fl.WINDOW_MONTHS)
    starts: dict = defaultdict(float)
    durations: dict = defaultdict(float)
    history_from = None
    with connection.cursor() as cur:
        cur.execute(
            """SELECT target_group_id,
                      CASE WHEN "end" < %(on)s THEN "end" - start ELSE %(on)s::date - start END + 1,
                      coalesce("end" < %(on)s, false), count(*), min(start)
               FROM citizens_enrolment WHERE start <= %(on)s GROUP BY 1, 2, 3""",
            {"on": on},
        )
        for gid, days, ended, n, first in cur.fetchall():
            durations[(codes[gid], days, ended)] += n
            if history_from is None or first < history_from:
                history_from = first
        cur.execute(
            """SELECT target_group_id, date_trunc('month', start)::date, count(*)
               FROM citizens_enrolment WHERE start >= %s AND start < %s AND start <= %s
               GROUP BY 1, 2""",
            [window_start, window_end, on],
        )
        for gid, month, n in cur.fetchall():
            starts[(codes[gid], month)] += n
    survival = fl.estimate_survival((g, d, e, n) for (g, d, e), n in durations.items())
    return fl.Flows(fl.estimate_inflow(starts, on, history_from), survival)


def baseline():
    with connection.cursor() as cur:
        cur.execute(BASELINE_SQL)
        return cur.fetchall()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--on", type=date.fromisoformat, default=date.today())
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()
    back = date(args.on.year - 1, args.on.month, min(args.on.day, 28))
    cases = {
        "baseline SQL": baseline,
        "flows_on, stop 16 queries": lambda: before(args.on),
        "flows_on": lambda: fi.flows_on(args.on),
        "flows_on a year back (backtest)": lambda: fi.flows_on(back),
    }
    for day in (args.on, back):
        assert fi.flows_on(day) == before(day), f"flows differ on {day}"
    print(f"same flows from both queries on {args.on} and {back}")
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # in turns: every case sees the same load
        for name, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    base = statistics.median(times["baseline SQL"])
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM citizens_enrolment")
        print(f"{cur.fetchone()[0]:,} enrolments, {args.repeat} runs each, medians:")
    for name, ts in times.items():
        med = statistics.median(ts)
        each = ", ".join(f"{t:.2f}" for t in ts)
        print(f"  {name:34s} {med:6.3f} s  {med / base:5.2f}x baseline  ({each})")


if __name__ == "__main__":
    main()
