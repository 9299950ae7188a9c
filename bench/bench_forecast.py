"""Benchmark the forecast end to end against the plain SQL that reads the open obligations joined
to enrolments and citizens, grouped by team and month. Prints figures; not a test.

    DATABASE_URL=... .venv/bin/python bench/bench_forecast.py [--citizens 4000] [--on 2026-11-27]
        [--months 12] [--scale-to 1000000]

Seeds the demo municipality when the database has no citizens. --scale-to copies the seeded
citizens and their enrolments in SQL (PostgreSQL only) until the caseload has that many citizens.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from catalogue.economy import assumptions_on  # noqa: E402
from catalogue.selectors import current_rulebook  # noqa: E402
from citizens.models import Citizen, Enrolment  # noqa: E402
from citizens.obligations import add_months  # noqa: E402
from jobcenter import cohort_summary, services  # noqa: E402
from jobcenter import forecast as fc  # noqa: E402
from jobcenter import forecast_inputs as fi  # noqa: E402
from jobcenter.demo import seed_demo  # noqa: E402


def timed(fn, repeat: int):
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def scale_to(target: int) -> None:
    """Copy citizens (and their enrolments) in SQL until there are ``target`` citizens."""
    if connection.vendor != "postgresql":
        raise SystemExit("--scale-to needs PostgreSQL")
    with connection.cursor() as cur:
        while (n := Citizen.objects.count()) < target:
            batch = min(n, target - n)
            cur.execute(
                """
                WITH src AS (SELECT * FROM citizens_citizen ORDER BY id LIMIT %s),
                ins AS (
                  INSERT INTO citizens_citizen (cpr, first_name, last_name, team_id, caseworker_id, version,
                    current_target_group_id, current_start, next_due, next_status, next_label, last_contact,
                    anonymised_at, created_at, updated_at)
                  SELECT lpad((%s + row_number() OVER (ORDER BY id))::text, 10, '0'), first_name, last_name,
                    team_id, caseworker_id, 1, current_target_group_id, current_start, next_due, next_status,
                    next_label, last_contact, NULL, now(), now()
                  FROM src ORDER BY id
                  RETURNING id, cpr
                ),
                pairs AS (
                  SELECT s.id AS old_id, i.id AS new_id FROM
                    (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM src) s
                    JOIN (SELECT id, (cpr::bigint - %s) AS rn FROM ins) i USING (rn)
                )
                INSERT INTO citizens_enrolment (citizen_id, target_group_id, start, "end", exempt,
                  exempt_reason, exempt_decided_by_id, work_obligation, next_due, next_status)
                SELECT p.new_id, e.target_group_id, e.start, e."end", e.exempt, e.exempt_reason,
                  e.exempt_decided_by_id, e.work_obligation, e.next_due, e.next_status
                FROM citizens_enrolment e JOIN pairs p ON p.old_id = e.citizen_id
                """,
                [batch, 9_000_000_000 + n, 9_000_000_000 + n],
            )
            print(f"  scaled to {Citizen.objects.count():,} citizens", flush=True)
        cur.execute("ANALYZE citizens_citizen; ANALYZE citizens_enrolment;")


BASELINE_SQL = """
SELECT c.team_id, date_trunc('month', o.latest) AS month, count(*)
FROM citizens_obligation o
JOIN citizens_enrolment e ON e.id = o.enrolment_id
JOIN citizens_citizen c ON c.id = e.citizen_id
WHERE o.status IN ('open', 'due_soon', 'overdue')
GROUP BY 1, 2
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--citizens", type=int, default=4000)
    p.add_argument("--on", type=date.fromisoformat, default=date(2026, 11, 27))
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--rule-set", default="lab-2027")
    p.add_argument("--scale-to", type=int, default=0)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()

    if not Citizen.objects.exists():
        print(f"seeding {args.citizens:,} demo citizens ...", flush=True)
        seed_demo(citizens=args.citizens, on=args.on)
    if args.scale_to:
        scale_to(args.scale_to)

    book = current_rulebook()
    assumptions = fc.Assumptions.from_dict(assumptions_on(args.on))
    first = services.first_month_of(args.on)
    horizon_end = add_months(first, args.months) - timedelta(days=1)

    def baseline():
        with connection.cursor() as cur:
            cur.execute(BASELINE_SQL)
            return cur.fetchall()

    def flows():
        return fi.flows_on(args.on)

    def whole():
        inputs = services._inputs(args.on)
        cohorts = services._cohorts(inputs, args.on, None)
        held = services._held(inputs, book, args.rule_set, args.on, horizon_end)
        return fc.forecast(
            book, args.rule_set, cohorts, args.on, args.months, assumptions,
            flows=inputs["flows"], timing=inputs["timing"], team_shares=inputs["team_shares"],
            exempt_share=inputs["exempt_share"], first_month=first, held_shares=held,
        )

    # The nightly refresh keeps the cohort summary and both contact samples; build them for ``on``
    # as the refresh would.
    t_summary, summary_rows = timed(lambda: cohort_summary.rebuild(args.on), 1)
    t_flows, estimated = timed(flows, args.repeat)
    # A fresh worker: the engine's cache is empty for the first forecast (cold), then warm. Cold
    # once without the engine's results the refresh kept (each input through the engine), then
    # reading them, each with the baseline just before it.
    fc.ENGINE_CACHE.clear()
    loader, fc.ENGINE_LOADER = fc.ENGINE_LOADER, None
    t_sql_unkept, _ = timed(baseline, 1)
    t_unkept, _ = timed(whole, 1)
    fc.ENGINE_LOADER = loader
    fc.ENGINE_CACHE.clear()
    t_sql_cold, _ = timed(baseline, 1)
    t_cold, _ = timed(whole, 1)
    # Baseline and forecast taken in turns, so both see the same load on the shared machine.
    sql_times, total_times = [], []
    for _ in range(args.repeat):
        t, rows = timed(baseline, 1)
        sql_times.append(t)
        t, result = timed(whole, 1)
        total_times.append(t)
    t_sql, t_total = statistics.median(sql_times), statistics.median(total_times)
    ratios = sorted(t / s for t, s in zip(total_times, sql_times, strict=True))
    names = ("read", "held_sample", "timing", "kept_shares")
    kept = {name: getattr(cohort_summary, name) for name in names}
    # the same forecast grouping every enrolment and reading both samples itself
    cohort_summary.read = lambda on, codes: None
    cohort_summary.held_sample = cohort_summary.timing = lambda on: None
    cohort_summary.kept_shares = lambda table: {}
    try:
        t_direct, direct = timed(whole, args.repeat)
    finally:
        for name, fn in kept.items():
            setattr(cohort_summary, name, fn)
    same = all(
        abs(a - b) <= 1e-6 * max(1.0, abs(a))
        for xs, ys in zip(direct.totals(), result.totals(), strict=True)
        for a, b in zip(xs, ys, strict=True)
    )
    contacts, hours = result.totals()
    print(f"database             {connection.vendor}")
    print(f"citizens             {Citizen.objects.count():,}")
    print(f"enrolments           {Enrolment.objects.count():,}")
    print(f"rule set / horizon   {args.rule_set} / {args.months} months from {first:%d.%m.%Y}")
    print(f"held talks           {result.method.get('held')} (exact below FORECAST_EXACT_LIMIT)")
    print(f"required contacts    {sum(contacts):,.0f}  hours {sum(hours):,.0f}")
    print(f"inflow estimate      {estimated.inflow.method} ({estimated.inflow.history_months} months)")
    print(f"open obligations SQL {t_sql * 1000:8.1f} ms  ({len(rows)} rows; baseline)")
    print(f"flows from history   {t_flows * 1000:8.1f} ms")
    print(f"summary rebuild      {t_summary * 1000:8.1f} ms  ({summary_rows:,} rows; in the nightly refresh,"
          " with the engine's results kept)")
    print(f"forecast end-to-end  {t_total * 1000:8.1f} ms  (median of {args.repeat}; engine cache warm)")
    pairs = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"ratio to baseline    {t_total / t_sql:8.2f} x  (each pair: {pairs})")
    print(f"first run, cold      {t_cold * 1000:8.1f} ms  ({t_cold / t_sql_cold:.2f} x its baseline "
          f"{t_sql_cold * 1000:.1f} ms; engine's results read as the refresh kept them)")
    print(f"  without them       {t_unkept * 1000:8.1f} ms  ({t_unkept / t_sql_unkept:.2f} x its baseline "
          f"{t_sql_unkept * 1000:.1f} ms; every input through the engine)")
    print(f"without the summary  {t_direct * 1000:8.1f} ms  ({t_direct / t_sql:.2f} x; same totals: {same})")


if __name__ == "__main__":
    main()
