import uuid

import pytest
from celery.result import EagerResult
from django.db import connection

from jobcenter.models import HealthProbe
from jobcenter.tasks import write_health_probe
from tests.conftest import ROOT, missing_service, wait_for


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_consumes_task_from_redis_and_writes_to_postgresql(celery_worker):
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL", f"the test database is {connection.vendor}")
    token = uuid.uuid4().hex
    result = write_health_probe.apply_async(args=[token], queue=celery_worker["queue"])
    assert not isinstance(result, EagerResult)  # it travelled through the broker
    assert wait_for(lambda: HealthProbe.objects.filter(token=token).count()) == 1
    # the worker read what the last refresh kept before taking tasks (nothing, in a test database)
    log = (ROOT / f".celery-{celery_worker['queue']}.log").read_text()
    assert "warm-up: 0 engine inputs" in log
