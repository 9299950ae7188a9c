"""Writes around the forecast: request a snapshot, compute it (whole or split by team), store it."""

import hashlib
import json
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalogue.economy import assumptions_on
from catalogue.selectors import current_rulebook, rulebook_as_dict
from jobcenter import backtest as bt
from jobcenter import cohort_summary
from jobcenter import flows as fl
from jobcenter import forecast as fc
from jobcenter import forecast_inputs as fi
from jobcenter.caseload_table import CaseloadTable
from jobcenter.models import ForecastSnapshot, StaffMember, Team
from jobcenter.selectors import caseload_by_group

HORIZONS = (12, 24)
# A fresh worker reads the engine's results the refresh kept instead of running the engine again.
fc.ENGINE_LOADER = cohort_summary.kept_engine


def _parts(codes: list[str]) -> set[str]:
    return {part for code in codes for part in code.split("+")}


def first_month_of(on: date) -> date:
    """The horizon's first month: ``on``'s month, or the next one from the 16th (a month that is
    mostly over would show almost no workload; its last days are counted in the next month)."""
    return on.replace(day=1) if on.day <= 15 else fl.month_add(on, 1)


def expand_codes(book, codes: list[str]) -> list[str]:
    """The forecasts a request asks for: each chosen statutory set alone and, when local service
    levels are chosen, each statutory set with them layered on top (``"S+L"``). Choosing only
    local levels layers them on every active statutory set. Already layered codes are kept."""
    statutory, local, out = [], [], []
    for code in codes:
        base, layers = fc.split_code(code)
        if base is None:
            raise KeyError("Vælg et regelsæt.")
        for part in (base, *(layers or ())):
            book.rule_set(part)  # unknown -> KeyError
        if layers:
            out.append(code)
        elif book.rule_set(base).kind == "local":
            local.append(base)
        else:
            statutory.append(base)
    if local and not statutory:
        statutory = [rs.code for rs in book.statutory_sets()]
    combined = [fc.layered_code(code, local) for code in statutory] if local else []
    return list(dict.fromkeys([*statutory, *combined, *out]))


def default_codes() -> list[str]:
    """Every active statutory set, alone and with every active local service level on top."""
    book = current_rulebook()
    codes = [rs.code for rs in book.rule_sets if rs.status == "active"]
    return expand_codes(book, codes)


def forecast_snapshot_key(*, rule_sets: list[str], on: date, months: int, inflow: dict | None = None) -> str:
    """Same inputs (rule sets, their rules, assumptions, date, horizon, inflow) -> same key."""
    payload = {
        "rule_sets": list(rule_sets),
        "on": on.isoformat(),
        "months": months,
        "inflow": inflow or {},
        "assumptions": assumptions_on(on),
        "rules": [rs for rs in rulebook_as_dict()["rule_sets"] if rs["code"] in _parts(rule_sets)],
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def forecast_request(
    *, rule_sets: list[str], on: date, months: int = 12, inflow: dict | None = None, user=None
) -> tuple[ForecastSnapshot, bool]:
    """The snapshot for these inputs, created pending if new. Returns (snapshot, created)."""
    book = current_rulebook()
    rule_sets = expand_codes(book, list(rule_sets))  # KeyError on an unknown set
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


def _inputs(on: date) -> dict:
    """The flows, timing, team shares and exempt shares as they stood on ``on``; above
    ``FORECAST_EXACT_LIMIT`` running enrolments also the held shares the refresh kept with that
    caseload (policy 1a; the sample behind them is read only when needed, ``held_sample``)."""
    book = current_rulebook()
    plain, flows = fi.caseload_and_flows(on)
    large = plain.total() > getattr(settings, "FORECAST_EXACT_LIMIT", 50_000)
    team_shares, exempt_share = fi.shares_from_cohorts(plain, on)
    missing = set(flows.inflow.per_calendar_month) - set(team_shares)
    if missing:
        team_shares.update(fi.recent_team_shares(on, missing))
    # The timing as the refresh kept it with the summary of ``on``, else read now; the held-talk
    # sample only when a held share is not kept (``_held``).
    timing = cohort_summary.timing(on)
    if timing is None:
        timing = fi.timing_on(book, on)
    return {
        "on": on,
        "large": large,
        # the held shares kept with this very caseload (read once: every rule set and team part
        # then uses shares of the same refresh)
        "shares": cohort_summary.kept_shares(plain) if large else {},
        "flows": flows,
        "timing": timing,
        "team_shares": team_shares,
        "exempt_share": exempt_share,
        "plain": plain if large else None,
    }


def held_sample(inputs: dict) -> list:
    """The held-talk sample of ``inputs``' day (policy 1a): as the refresh kept it, else read now;
    read once per ``inputs``."""
    if "sample" not in inputs:
        on = inputs["on"]
        sample = cohort_summary.held_sample(on)
        inputs["sample"] = sample if sample is not None else fi.held_sample(on, HELD_SAMPLE)
    return inputs["sample"]


HELD_SAMPLE = fi.HELD_SAMPLE


def _cohorts(inputs: dict, on: date, team_ids) -> list[fc.Cohort] | CaseloadTable:
    """Cohorts with their contacts (exact), or a table without them when the held shares are
    sampled."""
    if not inputs["large"]:
        return fi.caseload_cohorts(on=on, team_ids=team_ids)
    if team_ids is None:
        return inputs["plain"]
    return inputs["plain"].only_teams(team_ids)


def _held(inputs: dict, book, code: str | None, on: date, horizon_end: date) -> dict | None:
    """Policy 1a's held shares for a large caseload (None: exact): as the refresh kept them for
    this rule set, day and horizon, else from the sample."""
    if not inputs["large"]:
        return None
    kept = inputs["shares"].get(cohort_summary.shares_key(code, on, horizon_end))
    if kept is not None:
        return kept()
    return fc.held_shares(held_sample(inputs), book, code, on, horizon_end)


def compute_part(snapshot: ForecastSnapshot, team_ids: list[int] | None, inputs: dict | None = None) -> dict:
    """Forecasts (JSON) of every rule set of the snapshot for a part of the caseload. A team's part
    carries that team's share of the new enrolments, so the parts add up to the whole."""
    book = current_rulebook()
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    inputs = inputs or _inputs(snapshot.on)
    shares = inputs["team_shares"]
    if team_ids is not None:
        keep = set(team_ids)
        shares = {g: {t: s for t, s in per.items() if t in keep} for g, per in shares.items()}
        shares = {g: per for g, per in shares.items() if per}
        groups = set(shares)
        flows = inputs["flows"]
        flows = fl.Flows(
            fl.InflowEstimate(
                {g: v for g, v in flows.inflow.per_calendar_month.items() if g in groups},
                flows.inflow.method,
                flows.inflow.history_months,
            ),
            flows.survival,
        )
        inflow = {g: v for g, v in (snapshot.inflow or {}).items() if g in groups} or None
    else:
        flows, inflow = inputs["flows"], snapshot.inflow or None
    first = first_month_of(snapshot.on)
    horizon_end = fl.month_add(first, snapshot.months) - timedelta(days=1)
    out = {}
    cohorts = _cohorts(inputs, snapshot.on, team_ids)
    for code in snapshot.rule_sets:
        held = _held(inputs, book, code, snapshot.on, horizon_end)
        out[code] = fc.forecast(
            book, code, cohorts, snapshot.on, snapshot.months, assumptions, inflow,
            flows=flows, timing=inputs["timing"], team_shares=shares, exempt_share=inputs["exempt_share"],
            first_month=first, held_shares=held,
        ).to_json()
    return out


def backtest(on: date, months: int = 12) -> dict:
    """The forecast made ``months`` months before ``on``'s month from the data as it stood then
    (rules in force on each deadline), against the municipal contacts held since, per team."""
    first = fl.month_add(on.replace(day=1), -months)
    book = current_rulebook()
    inputs = _inputs(first)
    assumptions = fc.Assumptions.from_dict(assumptions_on(first))
    cohorts = _cohorts(inputs, first, None)
    held = _held(inputs, book, None, first, fl.month_add(first, months) - timedelta(days=1))
    result = fc.forecast(
        book, None, cohorts, first, months, assumptions, held_shares=held,
        flows=inputs["flows"], timing=inputs["timing"], team_shares=inputs["team_shares"],
        exempt_share=inputs["exempt_share"], include_steady=False,
    )
    per_team = {team: c for team, (c, _h) in result.rollup("team").items() if team is not None}
    actual = fi.held_per_team_month(first, months)
    out = bt.compare(per_team, actual, months)
    out["months"] = [fl.month_add(first, i).isoformat() for i in range(months)]
    out["made_on"] = first.isoformat()
    out["teams"] = {str(k): v for k, v in out["teams"].items()}
    return out


def finish(snapshot: ForecastSnapshot, parts: list[dict]) -> ForecastSnapshot:
    """Combine the parts, add the figures the reports need, and store the result once."""
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    sets = {}
    for code in snapshot.rule_sets:
        sets[code] = fc.combine(fc.Forecast.from_json(p[code]) for p in parts if code in p)
    result = {
        "sets": {code: f.to_json() for code, f in sets.items()},
        "yearly": {code: fc.yearly_by_group(f, assumptions) for code, f in sets.items()},
        "steady": {code: fc.steady_by_group(f, assumptions) for code, f in sets.items()},
        "teams": {str(t.pk): t.name for t in Team.objects.all()},
        "caseworkers": {str(s.pk): str(s) for s in StaffMember.objects.select_related("user")},
        "caseload": sum(caseload_by_group().values()),
        "method": next(iter(sets.values())).method if sets else {},
        "backtest": backtest(snapshot.on),
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
        inputs = _inputs(snapshot.on)
        for i, team_ids in enumerate(pieces):
            parts.append(compute_part(snapshot, team_ids, inputs))
            _progress(snapshot, 5 + int(90 * (i + 1) / len(pieces)))
    _progress(snapshot, 95)
    return finish(snapshot, parts)


def compute_inflow_part(snapshot: ForecastSnapshot) -> dict:
    """Kept for queued jobs of older versions: the inflow now travels with each team's part."""
    return {}
