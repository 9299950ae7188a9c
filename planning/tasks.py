from datetime import date

from celery import shared_task
from django.utils import timezone

from planning import reminders


@shared_task(name="planning.send_reminders")
def send_reminders(on: str | None = None) -> int:
    """Each working morning (beat): one mail per caseworker; a retry skips those already sent."""
    return reminders.send_all(date.fromisoformat(on) if on else timezone.localdate())
