"""Background jobs on citizens. Scheduled nightly (CELERY_BEAT_SCHEDULE) and after rule changes."""

from celery import shared_task
from django.db import OperationalError

from citizens.refresh import refresh_all


@shared_task(
    name="citizens.tasks.refresh_all_obligations",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
)
def refresh_all_obligations() -> int:
    """Recompute every citizen's stored obligations with today's date and the current rules."""
    return refresh_all()


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
