"""Fault tests with a real worker and a Redis of the test's own (tests/faults/conftest.py):
kill -9 of the worker mid-forecast, Redis down during requests, Redis restarted with a job queued."""

import logging
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from citizens.models import Contact, Enrolment
from jobcenter.cache import redis_cache
from jobcenter.celery import app
from jobcenter.jobs import dispatch_forecast
from jobcenter.models import ForecastSnapshot
from jobcenter.services import forecast_request
from tests.citizens.factories import make_citizen
from tests.conftest import FROZEN_TODAY, celery_configure, client_for, missing_service, wait_for
from tests.faults.conftest import wait_until_ready
from tests.jobcenter.economy_fixtures import ensure_rules, make_caseload

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
SETS = ["lab-2024", "reform-2026"]
REDELIVER_AFTER = "3"  # seconds; production waits 2 hours (longer than the longest job)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL", f"the test database is {connection.vendor}")


@contextmanager
def enrolments_locked():
    """Hold an exclusive lock on the enrolments table from another connection: a forecast that reaches
    its first caseload read waits there, "running 5 %", as long as the lock is held."""
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"], dbname=db["NAME"]) as lock:
        lock.execute(f"LOCK TABLE {Enrolment._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        yield
        lock.rollback()


def status_of(pk: int) -> str:
    return ForecastSnapshot.objects.get(pk=pk).status


def test_kill_9_of_the_worker_mid_forecast_then_a_restart_completes_the_snapshot(own_workers, alice, bob):
    make_caseload(alice, bob)
    first = own_workers(CELERY_VISIBILITY_TIMEOUT=REDELIVER_AFTER)
    wait_until_ready(first)
    snapshot, _ = forecast_request(rule_sets=SETS, on=FROZEN_TODAY, months=12)
    with enrolments_locked():
        assert dispatch_forecast(snapshot)
        assert wait_for(lambda: status_of(snapshot.pk) == "running"), first.tail()
        first.kill()  # mid-job: the message was delivered, never acknowledged
    assert status_of(snapshot.pk) == "running"

    second = own_workers(CELERY_VISIBILITY_TIMEOUT=REDELIVER_AFTER)
    assert wait_for(lambda: status_of(snapshot.pk) == "done", timeout=120), second.tail()
    assert ForecastSnapshot.objects.count() == 1
    assert ForecastSnapshot.objects.get().result["sets"].keys() == set(SETS)


def test_a_killed_pool_process_puts_its_job_back_and_another_finishes_it(own_workers, alice, bob):
    """task_reject_on_worker_lost: the worker survives its pool process and requeues the message."""
    make_caseload(alice, bob)
    worker = own_workers(pool="prefork")
    wait_until_ready(worker)
    snapshot, _ = forecast_request(rule_sets=SETS, on=FROZEN_TODAY, months=12)
    with enrolments_locked():
        assert dispatch_forecast(snapshot)
        assert wait_for(lambda: status_of(snapshot.pk) == "running"), worker.tail()
        worker.kill_pool_process()
    assert wait_for(lambda: status_of(snapshot.pk) == "done", timeout=120), worker.tail()
    assert "WorkerLostError" in worker.tail()


def test_a_forecast_queued_before_a_redis_restart_completes(own_redis, own_workers, alice, bob):
    make_caseload(alice, bob)
    snapshot, _ = forecast_request(rule_sets=SETS, on=FROZEN_TODAY, months=12)
    assert dispatch_forecast(snapshot)  # no worker yet: the message waits in Redis
    own_redis.stop()
    own_redis.start()  # same port and directory: the append-only file brings the queue back
    worker = own_workers()
    assert wait_for(lambda: status_of(snapshot.pk) == "done", timeout=120), worker.tail()


def test_a_running_worker_survives_a_redis_restart_and_takes_new_jobs(own_redis, own_workers, alice, bob):
    make_caseload(alice, bob)
    worker = own_workers()
    wait_until_ready(worker)
    own_redis.stop()
    own_redis.start()
    snapshot, _ = forecast_request(rule_sets=SETS, on=FROZEN_TODAY, months=12)
    assert wait_for(lambda: dispatch_forecast(snapshot), timeout=30)
    assert wait_for(lambda: status_of(snapshot.pk) == "done", timeout=120), worker.tail()


def test_with_redis_down_reads_and_contacts_work_and_healthz_says_503(
    client, own_redis, settings, alice, teams, caplog
):
    settings.CACHES = {"default": redis_cache(own_redis.url)}
    previous = celery_configure(app, broker_url=own_redis.url, task_always_eager=False)
    try:
        ensure_rules()
        citizen = make_citizen(teams[0], alice, name="Rita Redis")
        client_for(client, alice)
        assert client.get(f"/api/v1/citizens/{citizen.pk}/").status_code == 200  # Redis up: warm
        own_redis.kill()

        with caplog.at_level(logging.WARNING, logger="jobcenter.cache"):
            assert client.get("/api/v1/citizens/").status_code == 200  # throttled through the cache
            assert client.get(f"/api/v1/citizens/{citizen.pk}/").status_code == 200
            assert client.get("/api/v1/worklist/").status_code == 200
            page = client.get(reverse("citizens:detail", args=[citizen.pk]))  # exemption-usage cache
            assert page.status_code == 200 and "Rita Redis" in page.content.decode()
            registered = client.post(
                reverse("citizens:contact", args=[citizen.pk]),
                {"date": timezone.localdate().isoformat(), "kind": "jobsamtale", "channel": "telefon",
                 "minutes": "30", "outcome": "held", "note": "", "from": "worklist"},
                HTTP_HX_REQUEST="true",
            )
            assert registered.status_code == 200
            assert Contact.objects.filter(citizen=citizen).count() == 1
        assert "Redis cache unavailable" in caplog.text

        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["failed"] == ["broker"]
    finally:
        celery_configure(app, **previous)
