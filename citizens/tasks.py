"""Background jobs on citizens. Scheduled nightly (CELERY_BEAT_SCHEDULE), after rule changes and
after bulk changes to citizens (imports, bookings)."""

from celery import shared_task
from django.db import OperationalError

from citizens.refresh import refresh_all, refresh_changed, refresh_dirty, refresh_groups

REFRESH_OPTIONS = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 55 * 60,
    "time_limit": 60 * 60,
}


@shared_task(name="citizens.tasks.refresh_all_obligations", **REFRESH_OPTIONS)
def refresh_all_obligations() -> int:
    """Rerun the engine for every citizen (a full rebuild; the nightly run does not need it)."""
    return refresh_all()


@shared_task(name="citizens.tasks.refresh_obligations_nightly", **REFRESH_OPTIONS)
def refresh_obligations_nightly() -> dict[str, int]:
    """Nightly: move date-driven statuses in SQL; rerun the engine only where something is due."""
    return refresh_changed()


@shared_task(name="citizens.tasks.refresh_dirty_obligations", **REFRESH_OPTIONS)
def refresh_dirty_obligations() -> int:
    """Rerun the engine for citizens marked dirty (``citizens.refresh.mark_citizens_dirty``)."""
    return refresh_dirty()


@shared_task(name="citizens.tasks.refresh_group_obligations", **REFRESH_OPTIONS)
def refresh_group_obligations(group_codes: list[str] | None) -> int:
    """After a rule change: rerun the engine for the target groups it touched (None: all)."""
    return refresh_groups(group_codes)


@shared_task(name="citizens.tasks.anonymise_inactive", autoretry_for=(OperationalError,), max_retries=3)
def anonymise_inactive() -> int:
    """Nightly: anonymise citizens with no enrolment and no contact for RETENTION_YEARS."""
    from citizens.services import citizens_anonymise_inactive

    return citizens_anonymise_inactive()


@shared_task(
    name="citizens.tasks.run_import_job",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=True,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def run_import_job(job_id: int) -> int:
    """Check or import an uploaded caseload file (citizens/import_jobs.py)."""
    from citizens import import_jobs

    return import_jobs.run(job_id).pk
