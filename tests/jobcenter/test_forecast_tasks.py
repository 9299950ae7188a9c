"""Forecast tasks: idempotent snapshots, retry on a transient failure, split by team, a real worker."""


import pytest
from celery.result import EagerResult
from django.db import OperationalError, connection

from catalogue.economy import load_demo_economy
from jobcenter import services
from jobcenter.models import ForecastSnapshot
from jobcenter.tasks import nightly_forecast, run_forecast
from tests.conftest import missing_service, wait_for
from tests.jobcenter.economy_fixtures import ON, make_caseload

SETS = ["lab-2024", "reform-2026"]


@pytest.mark.django_db
def test_forecast_task_writes_one_snapshot_with_inputs_and_result(alice, bob):
    make_caseload(alice, bob)
    pk = run_forecast.apply(args=(SETS, ON.isoformat(), 12)).get()
    again = run_forecast.apply(args=(SETS, ON.isoformat(), 12)).get()
    assert pk == again
    assert ForecastSnapshot.objects.count() == 1
    snap = ForecastSnapshot.objects.get()
    assert snap.status == "done" and snap.progress == 100
    assert snap.rule_sets == SETS and snap.assumptions["fte_cost"] == 600_000
    assert set(snap.result["sets"]) == set(SETS)
    assert "difference" in snap.result


@pytest.mark.django_db
def test_a_task_that_fails_once_is_retried_and_writes_one_snapshot(alice, bob, monkeypatch):
    make_caseload(alice, bob)
    real = services.compute_snapshot
    calls = {"n": 0}

    def flaky(snapshot):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return real(snapshot)

    monkeypatch.setattr(services, "compute_snapshot", flaky)
    result = run_forecast.apply(args=(SETS, ON.isoformat(), 12), throw=False)
    assert result.successful(), result.traceback
    assert calls["n"] == 2
    assert ForecastSnapshot.objects.count() == 1
    snap = ForecastSnapshot.objects.get()
    assert snap.status == "done" and snap.attempts == 2


@pytest.mark.django_db
def test_large_caseload_splits_by_team_and_combines_to_the_same_figures(alice, bob):
    make_caseload(alice, bob)
    whole = ForecastSnapshot.objects.get(pk=run_forecast.apply(args=(SETS, ON.isoformat(), 12)).get())
    ForecastSnapshot.objects.all().delete()
    split = ForecastSnapshot.objects.get(
        pk=run_forecast.apply(args=(SETS, ON.isoformat(), 12, None, True)).get()
    )
    assert split.status == "done"
    for code in SETS:
        want = whole.result["yearly"][code]
        got = split.result["yearly"][code]
        assert set(got) == set(want)
        for group, figures in want.items():
            assert got[group] == pytest.approx(figures)


@pytest.mark.django_db
def test_nightly_forecast_covers_every_active_rule_set(alice, bob):
    make_caseload(alice, bob)
    snap = ForecastSnapshot.objects.get(pk=nightly_forecast.apply().get())
    assert snap.months == 24
    assert set(snap.rule_sets) >= {"lab-2024", "reform-2026", "lab-2027"}




@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_forecast_through_redis_into_postgresql(celery_worker, teams):
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL", f"the test database is {connection.vendor}")
    from tests.conftest import make_staff

    alice = make_staff("alice", "caseworker", teams[0])
    bob = make_staff("bob", "caseworker", teams[1])
    make_caseload(alice, bob)
    load_demo_economy()
    result = run_forecast.apply_async(args=[SETS, ON.isoformat(), 12], queue=celery_worker["queue"])
    assert not isinstance(result, EagerResult)
    snap = wait_for(lambda: ForecastSnapshot.objects.filter(status="done").first())
    assert snap is not None, ForecastSnapshot.objects.values("status", "error")
    assert ForecastSnapshot.objects.count() == 1
    assert snap.result["yearly"]["lab-2024"]


@pytest.mark.django_db
def test_a_task_that_keeps_failing_gives_up_after_three_retries_and_says_so(alice, bob, monkeypatch):
    make_caseload(alice, bob)
    calls = {"n": 0}

    def broken(snapshot):
        calls["n"] += 1
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "compute_snapshot", broken)
    # Retries re-apply the task in-process; let each attempt record its failure instead of raising.
    monkeypatch.setitem(run_forecast.app.conf, "CELERY_TASK_EAGER_PROPAGATES", False)
    monkeypatch.setattr(run_forecast, "retry_backoff", False)
    result = run_forecast.apply(args=(SETS, ON.isoformat(), 12), throw=False)
    assert not result.successful()
    assert calls["n"] == 4  # the first try and three retries
    snap = ForecastSnapshot.objects.get()
    assert snap.status == "failed" and "closed" in snap.error
