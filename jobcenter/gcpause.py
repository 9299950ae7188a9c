"""Pause Python's cyclic garbage collector while a batch step builds many small objects.

Reading the cohort summary and running the forecast at 1,000,000 citizens allocate a few hundred
thousand tuples and cohorts that live until the step ends and form no reference cycles. Each
allocation burst sets off the cyclic collector, which then scans every object the worker holds
(a third of the forecast's time in a same-process A/B run, ``bench/bench_forecast.py``). Memory is
still freed by reference counting while paused; the collector runs again after the step. Nested
steps and other threads are safe: only the step that paused it starts it again.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the cyclic garbage collector paused (see the module docstring)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return run
