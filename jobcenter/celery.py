"""The Celery app. Configuration comes from Django settings under the CELERY_ namespace."""

import gc
import logging
import os
import time

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")

app = Celery("jobcenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


@worker_init.connect
def _test_clock(**_kwargs):
    """A worker started by the test suite runs on the suite's frozen date (jobcenter/testclock.py)."""
    from jobcenter.testclock import install

    install()


@worker_init.connect
def _warm_up(**_kwargs):
    """Before the worker forks its pool, read what the last refresh kept (``cohort_summary.
    warm_up``): every child then starts with it, and its first forecast costs what its later ones
    do. A worker starts even when that read fails; its first forecast then reads it itself.
    (Celery's Django fixup has set Django up before ``worker_init``.)"""
    from django.conf import settings
    from django.db import connections

    if not settings.FORECAST_WARM_UP:
        return
    from jobcenter.cohort_summary import warm_up

    started = time.perf_counter()
    try:
        inputs = warm_up()
    except Exception:
        log.exception("warm-up failed; the first forecast reads the refresh's results itself")
    else:
        log.info("warm-up: %d engine inputs in %.1f s", inputs, time.perf_counter() - started)
    finally:
        connections.close_all()  # not carried into the forked children
        # Out of the collector's reach: a child's collections neither scan nor write to what it
        # inherited, so those pages stay shared (the Python docs' advice before a fork).
        gc.freeze()
