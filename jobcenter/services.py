"""Writes around the forecast: request a snapshot, compute it (whole or split by team), store it."""

import hashlib
import json
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalogue.economy import assumptions_on
from catalogue.selectors import current_rulebook, rulebook_as_dict
from jobcenter import forecast as fc
from jobcenter.models import ForecastSnapshot, StaffMember, Team
from jobcenter.selectors import caseload_by_group, caseload_cohorts

HORIZONS = (12, 24)


def first_month_of(on: date) -> date:
    return on.replace(day=1)


def forecast_snapshot_key(*, rule_sets: list[str], on: date, months: int, inflow: dict | None = None) -> str:
    """Same inputs (rule sets, their rules, assumptions, date, horizon, inflow) -> same key."""
    payload = {
        "rule_sets": list(rule_sets),
        "on": on.isoformat(),
        "months": months,
        "inflow": inflow or {},
        "assumptions": assumptions_on(on),
        "rules": [rs for rs in rulebook_as_dict()["rule_sets"] if rs["code"] in rule_sets],
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def forecast_request(
    *, rule_sets: list[str], on: date, months: int = 12, inflow: dict | None = None, user=None
) -> tuple[ForecastSnapshot, bool]:
    """The snapshot for these inputs, created pending if new. Returns (snapshot, created)."""
    book = current_rulebook()
    for code in rule_sets:
        book.rule_set(code)  # KeyError on an unknown set
    if months not in HORIZONS:
        raise ValueError("Horisonten skal være 12 eller 24 måneder.")
    key = forecast_snapshot_key(rule_sets=rule_sets, on=on, months=months, inflow=inflow)
    snapshot, created = ForecastSnapshot.objects.get_or_create(
        key=key,
        defaults={
            "rule_sets": list(rule_sets),
            "on": on,
            "months": months,
            "inflow": inflow or {},
            "assumptions": assumptions_on(on),
            "created_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )
    return snapshot, created


def _progress(snapshot: ForecastSnapshot, pct: int) -> None:
    ForecastSnapshot.objects.filter(pk=snapshot.pk).update(progress=pct)


def compute_part(snapshot: ForecastSnapshot, team_ids: list[int] | None) -> dict:
    """Forecasts (JSON) of every rule set of the snapshot for a part of the caseload."""
    book = current_rulebook()
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    first = first_month_of(snapshot.on)
    cohorts = caseload_cohorts(first_month=first, team_ids=team_ids)
    inflow = snapshot.inflow if team_ids is None else None  # inflow is unassigned: once, in the whole
    return {
        code: fc.forecast(book, code, cohorts, first, snapshot.months, assumptions, inflow).to_json()
        for code in snapshot.rule_sets
    }


def finish(snapshot: ForecastSnapshot, parts: list[dict]) -> ForecastSnapshot:
    """Combine the parts, add the figures the reports need, and store the result once."""
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    sets = {}
    for code in snapshot.rule_sets:
        sets[code] = fc.combine(fc.Forecast.from_json(p[code]) for p in parts)
    result = {
        "sets": {code: f.to_json() for code, f in sets.items()},
        "yearly": {code: fc.yearly_by_group(f, assumptions) for code, f in sets.items()},
        "teams": {str(t.pk): t.name for t in Team.objects.all()},
        "caseworkers": {str(s.pk): str(s) for s in StaffMember.objects.select_related("user")},
        "caseload": sum(caseload_by_group().values()),
    }
    if len(sets) >= 2:
        a, b = (sets[c] for c in snapshot.rule_sets[:2])
        result["difference"] = fc.difference(a, b)
    with transaction.atomic():
        locked = ForecastSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        locked.result = result
        locked.status = ForecastSnapshot.Status.DONE
        locked.progress = 100
        locked.error = ""
        locked.finished_at = timezone.now()
        locked.save(update_fields=["result", "status", "progress", "error", "finished_at"])
    return locked


def split_team_ids() -> list[list[int]] | None:
    """Team groups to compute apart when the caseload is large; None = one piece."""
    from citizens.models import Citizen

    threshold = getattr(settings, "FORECAST_SPLIT_THRESHOLD", 200_000)
    if Citizen.objects.count() < threshold:
        return None
    return [[pk] for pk in Team.objects.values_list("pk", flat=True)]


def compute_snapshot(snapshot: ForecastSnapshot) -> ForecastSnapshot:
    """Compute in this process (team by team when large), with progress."""
    ForecastSnapshot.objects.filter(pk=snapshot.pk).update(status=ForecastSnapshot.Status.RUNNING, progress=5)
    pieces = split_team_ids()
    if pieces is None:
        parts = [compute_part(snapshot, None)]
    else:
        parts = []
        for i, team_ids in enumerate(pieces):
            parts.append(compute_part(snapshot, team_ids))
            _progress(snapshot, 5 + int(90 * (i + 1) / len(pieces)))
        if snapshot.inflow:
            parts.append(compute_inflow_part(snapshot))
    _progress(snapshot, 95)
    return finish(snapshot, parts)


def compute_inflow_part(snapshot: ForecastSnapshot) -> dict:
    book = current_rulebook()
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    first = first_month_of(snapshot.on)
    return {
        code: fc.forecast(book, code, [], first, snapshot.months, assumptions, snapshot.inflow).to_json()
        for code in snapshot.rule_sets
    }
