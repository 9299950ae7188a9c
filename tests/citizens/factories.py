from datetime import date, timedelta

from django.utils import timezone

from catalogue.models import TargetGroup
from citizens.models import Citizen, Enrolment
from citizens.refresh import refresh_citizens

_serial = iter(range(100, 10_000))


def make_citizen(
    team,
    caseworker=None,
    *,
    group="kh-jobparat",
    start: date | None = None,
    name="Test Borger",
    exempt=False,
    work_obligation=False,
) -> Citizen:
    n = next(_serial)
    first, last = name.split(" ", 1)
    citizen = Citizen.objects.create(
        cpr=f"0101{n % 100:02d}{(n // 100) % 4}{n % 1000:03d}",
        first_name=first,
        last_name=last,
        team=team,
        caseworker=caseworker,
    )
    Enrolment.objects.create(
        citizen=citizen,
        target_group=TargetGroup.objects.get(code=group),
        start=start or timezone.localdate() - timedelta(days=30),
        exempt=exempt,
        work_obligation=work_obligation,
    )
    refresh_citizens([citizen.pk])
    citizen.refresh_from_db()
    return citizen
