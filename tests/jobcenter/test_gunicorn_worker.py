"""The web worker runs its request loop inside a large frame, so that a call stack that keeps
growing and shrinking does not map and unmap CPython's frame-stack chunks
(jobcenter/gunicorn_worker.py)."""

import resource
from pathlib import Path

from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker

from jobcenter.gunicorn_worker import LOCALS, SyncWorker, run_in_large_frame


def _deep(n: int) -> int:
    return 0 if n == 0 else _deep(n - 1) + 1


def _swing() -> int:
    """Call stacks of every depth up to 300 frames, 20 times over; the minor page faults it took."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        for depth in range(300):
            _deep(depth)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_the_worker_loop_runs_inside_the_large_frame(monkeypatch):
    assert issubclass(SyncWorker, GunicornSyncWorker)
    assert run_in_large_frame.__code__.co_nlocals >= LOCALS
    calls = []
    monkeypatch.setattr(GunicornSyncWorker, "run", lambda self: calls.append(self) or "served")
    worker = object.__new__(SyncWorker)
    assert worker.run() == "served" and calls == [worker]


def test_inside_the_large_frame_a_swinging_stack_takes_no_page_faults():
    _swing()  # warm up
    outside = _swing()
    inside = run_in_large_frame(_swing)
    print(f"minor page faults: {outside} outside the large frame, {inside} inside")
    assert inside < 50
    assert inside <= outside


def test_every_way_of_serving_uses_it():
    root = Path(__file__).resolve().parents[2]
    for path in ("Dockerfile", "docker-compose.yml", "bench/load/run.sh"):
        text = (root / path).read_text()
        assert "jobcenter.gunicorn_worker.SyncWorker" in text, path
