"""Jobs that cannot be lost: late acknowledgement, redelivery that outlasts the longest job, a beat
task that re-sends forecasts whose message was lost, and a clear answer when the queue is down."""

import socket
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from jobcenter import jobs
from jobcenter.celery import app
from jobcenter.models import ForecastSnapshot
from jobcenter.services import forecast_request
from tests.conftest import FROZEN_TODAY, celery_configure, client_for
from tests.jobcenter.economy_fixtures import ensure_rules, make_caseload

SETS = ["lab-2024", "reform-2026"]


def test_messages_are_acknowledged_late_and_come_back_after_the_longest_job():
    app.loader.import_default_modules()
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    longest = max(
        [getattr(task, "time_limit", None) or 0 for task in app.tasks.values()] + [app.conf.task_time_limit]
    )
    assert longest >= 60 * 60  # the nightly refresh
    assert app.conf.broker_transport_options["visibility_timeout"] > longest


def test_the_stale_forecast_sweep_runs_from_beat():
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "jobcenter.redispatch_stale_forecasts" in entries


@pytest.mark.django_db
def test_forecasts_left_pending_or_running_past_the_time_limit_are_sent_again(
    alice, bob, frozen_clock
):
    make_caseload(alice, bob)
    lost, _ = forecast_request(rule_sets=SETS, on=FROZEN_TODAY, months=12)  # its message never came
    stuck, _ = forecast_request(rule_sets=SETS, on=FROZEN_TODAY, months=24)
    ForecastSnapshot.objects.filter(pk=stuck.pk).update(status="running", progress=5)  # worker killed
    frozen_clock.shift(timedelta(minutes=5))
    fresh, _ = forecast_request(rule_sets=["lab-2024"], on=FROZEN_TODAY, months=12)
    ForecastSnapshot.objects.filter(pk=fresh.pk).update(status="running", progress=5)  # still at work
    assert jobs.redispatch_stale_forecasts() == []  # nothing is past the 11-minute limit yet

    frozen_clock.shift(timedelta(minutes=8))
    assert jobs.redispatch_stale_forecasts() == [lost.pk, stuck.pk]  # eager here: they run at once
    statuses = dict(ForecastSnapshot.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "done", stuck.pk: "done", fresh.pk: "running"}
    assert ForecastSnapshot.objects.get(pk=lost.pk).dispatched_at is not None
    assert ForecastSnapshot.objects.count() == 3  # idempotent: no duplicates


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down():
    """The Celery app publishes to a Redis that is not there."""
    previous = celery_configure(
        app, broker_url=f"redis://127.0.0.1:{_closed_port()}/0", task_always_eager=False
    )
    yield
    celery_configure(app, **previous)


@pytest.mark.django_db(transaction=True)
def test_starting_a_forecast_with_the_queue_down_says_so_instead_of_failing(client, lea, broker_down):
    ensure_rules()  # a transactional test before may have flushed the shipped rule sets
    client_for(client, lea)
    response = client.post(reverse("reports:forecast_start"), {"rule_sets": SETS, "months": 12}, follow=True)
    assert response.status_code == 200
    assert "Køen er utilgængelig, prøv igen" in response.content.decode()
    snapshot = ForecastSnapshot.objects.get()
    assert snapshot.status == "pending"  # kept: the sweep (or the user's retry) sends it later


@pytest.mark.django_db(transaction=True)
def test_the_forecast_api_answers_503_with_the_queue_down(client, lea, broker_down):
    ensure_rules()
    client_for(client, lea)
    response = client.post("/api/v1/forecasts/", {"months": 12}, content_type="application/json")
    assert response.status_code == 503
    assert response.json()["error"]["message"] == "Køen er utilgængelig, prøv igen om lidt."
    assert ForecastSnapshot.objects.get().status == "pending"
