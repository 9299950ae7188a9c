"""The suite runs at one fixed instant (tests/conftest.py FROZEN_NOW), in this process, in the live
server's threads and in the Celery worker it starts, so no result depends on the day it runs."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone

from jobcenter.models import HealthProbe
from jobcenter.tasks import write_health_probe
from tests.conftest import FROZEN_NOW, FROZEN_TODAY, missing_service, wait_for


def test_today_is_the_frozen_day_and_the_clock_still_ticks():
    assert timezone.localdate() == FROZEN_TODAY
    assert date.today() == FROZEN_NOW.date()
    first = timezone.now()
    assert abs(first - FROZEN_NOW) < timedelta(minutes=1)
    wait_for(lambda: timezone.now() > first, timeout=5)  # ticking: timeouts and sessions behave
    assert timezone.now() > first


def test_a_test_can_move_the_clock(frozen_clock):
    frozen_clock.move_to(FROZEN_NOW + timedelta(days=400))
    assert timezone.localdate() == FROZEN_TODAY + timedelta(days=400)


@pytest.mark.django_db
def test_the_live_server_runs_on_the_frozen_day(live_server):
    # The server's threads share the patched clock: its Date header is stamped there.
    response = requests.get(live_server.url + "/login/", timeout=10)
    assert response.status_code == 200
    served = datetime.strptime(response.headers["Date"], "%a, %d %b %Y %H:%M:%S GMT")
    assert served.date() == FROZEN_NOW.astimezone(UTC).date()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_celery_worker_runs_on_the_frozen_day(celery_worker):
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL", f"the test database is {connection.vendor}")
    token = uuid.uuid4().hex
    write_health_probe.apply_async(args=[token], queue=celery_worker["queue"])
    probe = wait_for(lambda: HealthProbe.objects.filter(token=token).first())
    assert probe is not None
    # created_at is auto_now_add, stamped by the worker's clock
    assert timezone.localdate(probe.created_at) == FROZEN_TODAY
    assert FROZEN_NOW <= probe.created_at < FROZEN_NOW + timedelta(hours=3)  # the worker ticks from there
