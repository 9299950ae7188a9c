"""Shared set-up for the benchmark scripts: Django on whatever DATABASE_URL points at."""

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")
os.environ.setdefault("DEBUG", "1")  # benchmarks run on a developer's machine

import django  # noqa: E402

django.setup()


def summary(times_ms: list[float]) -> str:
    ordered = sorted(times_ms)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms over {len(ordered)} runs"
