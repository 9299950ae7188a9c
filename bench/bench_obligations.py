"""Benchmark the obligation engine; prints figures, not part of the test run.

    .venv/bin/python bench/bench_obligations.py            # 1,000,000 enrolments
    .venv/bin/python bench/bench_obligations.py --n 100000

Synthetic data is deterministic (seeded): every target group, starts 2024-01..2027-12,
0-6 contacts each, evaluated with rule_set=None (the set in force on each deadline).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue.rulebook import CHANNELS, KINDS, load_rulebook  # noqa: E402
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate  # noqa: E402

ON = date(2027, 3, 1)


def synthetic(book, n: int, seed: int = 2026):
    rnd = random.Random(seed)
    groups = [g.code for g in book.target_groups]
    base = date(2024, 1, 1)
    rows = []
    for i in range(n):
        start = base + timedelta(days=rnd.randrange(4 * 365))
        enrolment = EnrolmentFacts(
            target_group=groups[i % len(groups)],
            start=start,
            end=start + timedelta(days=rnd.randrange(60, 700)) if rnd.random() < 0.3 else None,
            exempt=rnd.random() < 0.2,
            work_obligation=rnd.random() < 0.1,
        )
        contacts = [
            ContactFacts(
                date=start + timedelta(days=rnd.randrange(0, 400)),
                kind=rnd.choice(KINDS),
                channel=rnd.choice(CHANNELS),
                performed_by="a-kasse" if rnd.random() < 0.15 else "kommune",
                outcome="held" if rnd.random() < 0.85 else "absent",
                id=(i, k),
            )
            for k in range(rnd.randrange(7))
        ]
        rows.append((enrolment, contacts))
    return rows


def bench_one(book, calls: int = 1000) -> None:
    """One citizen: dagpenge across the 2026 rule-set change, with four contacts."""
    enrolment = EnrolmentFacts("dagpenge", date(2026, 5, 1))
    contacts = [
        ContactFacts(date(2026, 5, 10), "jobsamtale", "fremmoede", "a-kasse"),
        ContactFacts(date(2026, 6, 20), "jobsamtale", "telefon", "a-kasse"),
        ContactFacts(date(2026, 8, 15), "jobsamtale", "fremmoede"),
        ContactFacts(date(2026, 10, 1), "jobsamtale", "video"),
    ]
    evaluate(book, enrolment, contacts, ON)  # warm the per-book cache
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter_ns()
        evaluate(book, enrolment, contacts, ON)
        samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    median = statistics.median(samples) / 1000
    p95 = samples[int(len(samples) * 0.95) - 1] / 1000
    n_obl = len(evaluate(book, enrolment, contacts, ON))
    print(f"one citizen ({n_obl} obligations), {calls} calls: "
          f"median {median:.1f} µs, p95 {p95:.1f} µs")


def bench_bulk(book, n: int) -> None:
    t0 = time.perf_counter()
    rows = synthetic(book, n)
    t1 = time.perf_counter()
    obligations = 0
    for enrolment, contacts in rows:
        obligations += len(evaluate(book, enrolment, contacts, ON))
    t2 = time.perf_counter()
    elapsed = t2 - t1
    print(f"bulk: {n:,} enrolments ({obligations:,} obligations) in {elapsed:.2f} s on one core "
          f"= {elapsed / n * 1e6:.1f} µs per enrolment "
          f"(data generation {t1 - t0:.1f} s, not counted)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic enrolments")
    parser.add_argument("--calls", type=int, default=1000, help="calls for one citizen")
    args = parser.parse_args(argv)
    book = load_rulebook()
    print(f"Python {sys.version.split()[0]}, evaluated on {ON.isoformat()}, rule_set=None")
    bench_one(book, args.calls)
    bench_bulk(book, args.n)


if __name__ == "__main__":
    main()
