from celery import shared_task

from jobcenter.models import HealthProbe


@shared_task(name="jobcenter.write_health_probe")
def write_health_probe(token: str) -> int:
    """Write one row; proves that a worker consumed a task and reached the database."""
    probe, _ = HealthProbe.objects.get_or_create(token=token)
    return probe.pk
