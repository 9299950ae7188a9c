import logging
from datetime import date

from celery import chord, shared_task
from django.db import OperationalError
from django.utils import timezone

from jobcenter import services
from jobcenter.models import ForecastSnapshot, HealthProbe, Team


@shared_task(name="jobcenter.write_health_probe")
def write_health_probe(token: str) -> int:
    """Write one row; proves that a worker consumed a task and reached the database."""
    probe, _ = HealthProbe.objects.get_or_create(token=token)
    return probe.pk


# --- The workload and cost forecast ---------------------------------------------------------


log = logging.getLogger(__name__)
FORECAST_LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 11 * 60}


@shared_task(
    bind=True,
    name="jobcenter.run_forecast",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=2,
    retry_jitter=False,
    **FORECAST_LIMITS,
)
def run_forecast(
    self,
    rule_sets: list[str],
    on: str,
    months: int = 12,
    inflow: dict | None = None,
    split: bool | None = None,
) -> int:
    """Compute (or find) the snapshot for these inputs. Idempotent: the key is derived from the
    inputs, so a retry or a second run writes the same single row; a finished one is kept."""
    snapshot, _ = services.forecast_request(
        rule_sets=rule_sets, on=date.fromisoformat(on), months=months, inflow=inflow
    )
    ForecastSnapshot.objects.filter(pk=snapshot.pk).update(attempts=self.request.retries + 1)
    if snapshot.status == ForecastSnapshot.Status.DONE:
        return snapshot.pk
    pieces = (
        services.split_team_ids()
        if split is None
        else ([[pk] for pk in Team.objects.values_list("pk", flat=True)] if split else None)
    )
    if pieces is not None and (self.request.is_eager or self.app.conf.result_backend):
        # Large caseload: one task per team, combined by a chord callback.
        ForecastSnapshot.objects.filter(pk=snapshot.pk).update(
            status=ForecastSnapshot.Status.RUNNING, progress=5
        )
        header = [forecast_part.s(snapshot.pk, ids) for ids in pieces]
        if self.request.is_eager:  # run in this process (tests, no broker): the same parts and callback
            forecast_combine.apply(args=([sig.apply().get() for sig in header], snapshot.pk))
        else:
            chord(header)(forecast_combine.s(snapshot.pk))
        return snapshot.pk
    try:
        services.compute_snapshot(snapshot)
    except OperationalError as exc:
        if self.request.retries >= self.max_retries:  # the last attempt: record it, do not hang "running"
            ForecastSnapshot.objects.filter(pk=snapshot.pk).update(
                status=ForecastSnapshot.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
        raise  # transient: autoretry
    except Exception as exc:
        ForecastSnapshot.objects.filter(pk=snapshot.pk).update(
            status=ForecastSnapshot.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return snapshot.pk


@shared_task(
    name="jobcenter.forecast_part",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=2,
    **FORECAST_LIMITS,
)
def forecast_part(snapshot_id: int, team_ids: list[int] | None, inflow_only: bool = False) -> dict:
    snapshot = ForecastSnapshot.objects.get(pk=snapshot_id)
    if inflow_only:
        return services.compute_inflow_part(snapshot)
    part = services.compute_part(snapshot, team_ids)
    ForecastSnapshot.objects.filter(pk=snapshot_id, progress__lt=90).update(
        progress=min(90, snapshot.progress + 10)
    )
    return part


@shared_task(
    name="jobcenter.forecast_combine",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=2,
    **FORECAST_LIMITS,
)
def forecast_combine(parts: list[dict], snapshot_id: int) -> int:
    snapshot = ForecastSnapshot.objects.get(pk=snapshot_id)
    if snapshot.status != ForecastSnapshot.Status.DONE:
        services.finish(snapshot, parts)
    return snapshot_id


@shared_task(name="jobcenter.redispatch_stale_forecasts")
def redispatch_stale_forecasts() -> list[int]:
    """Beat, every few minutes: send again the forecast jobs whose message was lost."""
    from jobcenter.jobs import redispatch_stale_forecasts as redispatch

    return redispatch()


@shared_task(name="jobcenter.nightly_forecast", **FORECAST_LIMITS)
def nightly_forecast() -> int:
    """Beat: a 24-month forecast of every active rule set, as of today."""
    return run_forecast.run(services.default_codes(), timezone.localdate().isoformat(), 24)
