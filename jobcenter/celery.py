"""The Celery app. Configuration comes from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")

app = Celery("jobcenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _test_clock(**_kwargs):
    """A worker started by the test suite runs on the suite's frozen date (jobcenter/testclock.py)."""
    from jobcenter.testclock import install

    install()
