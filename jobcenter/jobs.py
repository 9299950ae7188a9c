"""Sending Celery jobs so that none is lost: a broker that cannot be reached is reported, not a 500,
and a beat task re-sends forecast jobs whose message was lost (a Redis restart without the data, a
worker killed before the visibility timeout returns the message). The jobs are idempotent (the
snapshot key), so a job sent twice computes at most once more and stores one snapshot."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from jobcenter.models import ForecastSnapshot

log = logging.getLogger(__name__)

QUEUE_UNAVAILABLE = _("Køen er utilgængelig, prøv igen om lidt.")
# Publishing gives up quickly when the broker is down: the user is waiting for the page.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def forecast_time_limit() -> timedelta:
    from jobcenter.tasks import FORECAST_LIMITS

    return timedelta(seconds=FORECAST_LIMITS["time_limit"])


def dispatch_forecast(snapshot: ForecastSnapshot) -> bool:
    """Send the job computing `snapshot`. False (and a logged warning) when the broker is down; the
    snapshot stays pending and `redispatch_stale_forecasts` sends it again later."""
    from jobcenter.tasks import run_forecast

    ForecastSnapshot.objects.filter(pk=snapshot.pk).update(dispatched_at=timezone.now())
    args = [snapshot.rule_sets, snapshot.on.isoformat(), snapshot.months, snapshot.inflow or None]
    try:
        run_forecast.apply_async(args, retry=True, retry_policy=PUBLISH_RETRY)
    except (BrokerError, OSError) as exc:  # kombu wraps most; a refused socket can surface raw
        log.warning("forecast %s not queued, broker unavailable: %s", snapshot.pk, exc)
        return False
    return True


def queue_forecast(snapshot: ForecastSnapshot) -> bool:
    """Send the job once the snapshot row is committed: now when autocommitting (a request), after
    the commit inside a transaction. False only when it was sent now and the broker was down."""
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: dispatch_forecast(snapshot))
        return True
    return dispatch_forecast(snapshot)


def stale_forecasts(now: datetime):
    """Snapshots pending or running longer than a forecast job may take since last sent: their
    message is gone (or its worker died), so no one will finish them without a new one."""
    cutoff = now - forecast_time_limit() - timedelta(minutes=1)
    return (
        ForecastSnapshot.objects.filter(
            Q(status=ForecastSnapshot.Status.PENDING) | Q(status=ForecastSnapshot.Status.RUNNING)
        )
        .annotate(last_sent=Coalesce("dispatched_at", "created_at"))
        .filter(last_sent__lt=cutoff)
        .order_by("pk")
    )


def redispatch_stale_forecasts(now: datetime | None = None) -> list[int]:
    """Send every stale snapshot's job again; returns the ids sent."""
    sent = []
    for snapshot in stale_forecasts(now or timezone.now()):
        log.warning("forecast %s left %s since %s: sending it again", snapshot.pk, snapshot.status,
                    snapshot.last_sent)
        if dispatch_forecast(snapshot):
            sent.append(snapshot.pk)
    return sent
