"""Capacity and economy reports for team leaders and admins (caseworkers get 403)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue.economy import assumptions_on
from catalogue.models import RuleSet, TargetGroup
from jobcenter import exports, report_data
from jobcenter.jobs import QUEUE_UNAVAILABLE, queue_forecast
from jobcenter.models import ForecastSnapshot
from jobcenter.perms import is_admin, is_team_leader_or_admin, teams_visible_to
from jobcenter.services import HORIZONS, default_codes, forecast_request

EXPORT_TYPES = ("csv", "xlsx")


def leaders_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_team_leader_or_admin(request.user):
            raise PermissionDenied("Kun teamledere og administratorer har adgang til rapporterne.")
        return view(request, *args, **kwargs)

    return wrapper


def _export(request, dataset, name: str):
    """The report's table as CSV or XLSX when ?format= asks for it, else None."""
    fmt = request.GET.get("format")
    if fmt not in EXPORT_TYPES:
        return None
    return exports.dataset_response(fmt, name, dataset)  # Danish Excel, no formulas


def _base_context(request, snapshot, current: str) -> dict:
    return {
        "snapshot": snapshot,
        "assumptions": snapshot.assumptions if snapshot else assumptions_on(timezone.localdate()),
        "current": current,
        "rule_sets": RuleSet.objects.filter(status=RuleSet.Status.ACTIVE),
        "horizons": HORIZONS,
        "inflow_groups": TargetGroup.objects.filter(generation=TargetGroup.Generation.PRE_2027),
    }


@leaders_only
def capacity(request):
    teams = list(teams_visible_to(request.user))
    snapshot = report_data.latest_snapshot()
    ctx = _base_context(request, snapshot, "capacity")
    ctx["teams"] = teams
    if snapshot is not None:
        chosen = request.GET.get("regelsaet") or None
        report = report_data.capacity_report(snapshot, teams, chosen)
        response = _export(request, report["dataset"], "kapacitet")
        if response:
            return response
        ctx.update(report=report, chosen=chosen)
    return render(request, "reports/capacity.html", ctx)


@leaders_only
def comparison(request):
    snapshot = report_data.latest_snapshot()
    ctx = _base_context(request, snapshot, "comparison")
    if snapshot is not None:
        team_ids = (
            None
            if is_admin(request.user)
            else set(teams_visible_to(request.user).values_list("pk", flat=True))
        )
        report = report_data.comparison_report(snapshot, team_ids)
        response = _export(request, report["dataset"], "regelsaet-sammenligning")
        if response:
            return response
        ctx.update(report=report, scoped=team_ids is not None, method=report_data.method_summary(snapshot))
    return render(request, "reports/comparison.html", ctx)


@leaders_only
def catalogue(request):
    snapshot = report_data.latest_snapshot()
    report = report_data.catalogue_report(snapshot)
    response = _export(request, report["dataset"], "udmoentningskatalog")
    if response:
        return response
    ctx = _base_context(request, snapshot, "catalogue")
    ctx["report"] = report
    return render(request, "reports/catalogue.html", ctx)


@leaders_only
def risk(request):
    snapshot = report_data.latest_snapshot()
    ctx = _base_context(request, snapshot, "risk")
    report = report_data.risk_report(snapshot, ctx["assumptions"])
    response = _export(request, report["dataset"], "ydelsesrisiko")
    if response:
        return response
    ctx["report"] = report
    return render(request, "reports/risk.html", ctx)


@leaders_only
def briefing(request):
    """Notat til kommunalbestyrelsen: the latest snapshot's comparison, catalogue, risk and
    assumptions on one printable page set (the browser saves it as PDF)."""
    snapshot = report_data.latest_snapshot()
    ctx = _base_context(request, snapshot, "briefing")
    team_ids = (
        None if is_admin(request.user) else set(teams_visible_to(request.user).values_list("pk", flat=True))
    )
    ctx.update(
        scoped=team_ids is not None,
        catalogue=report_data.catalogue_report(snapshot),
        risk=report_data.risk_report(snapshot, ctx["assumptions"]),
        today=timezone.localdate(),
    )
    if snapshot is not None:
        ctx.update(
            comparison=report_data.comparison_report(snapshot, team_ids),
            method=report_data.method_summary(snapshot),
        )
    return render(request, "reports/briefing.html", ctx)


def _whole_number(raw: str, what: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValueError(_("%(what)s skal være et helt tal.") % {"what": what}) from None


@leaders_only
@require_POST
def forecast_start(request):
    codes = [c for c in request.POST.getlist("rule_sets") if c]
    if not codes:
        codes = default_codes()
    try:
        months = _whole_number(request.POST.get("months", "12"), _("Horisonten"))
        inflow = {}
        for group in TargetGroup.objects.values_list("code", flat=True):
            raw = (request.POST.get(f"inflow-{group}") or "").strip()
            if raw:
                value = _whole_number(raw, _("Tilgangen for %(group)s") % {"group": group})
                if not 0 <= value <= 100_000:
                    raise ValueError(
                        _("Tilgangen for %(group)s skal ligge mellem 0 og 100.000.") % {"group": group}
                    )
                if value:
                    inflow[group] = value
        snapshot, _created = forecast_request(
            inflow=inflow, rule_sets=codes, on=timezone.localdate(), months=months, user=request.user
        )
    except (KeyError, ValueError) as exc:
        messages.error(request, _("Prognosen blev ikke startet: %(why)s") % {"why": str(exc).strip("'\"")})
        return redirect("reports:capacity")
    if snapshot.status != ForecastSnapshot.Status.DONE and not queue_forecast(snapshot):
        messages.error(request, QUEUE_UNAVAILABLE)  # the broker is down; the sweeper retries later too
        return redirect("reports:capacity")
    return redirect("reports:forecast_status", pk=snapshot.pk)


@leaders_only
def forecast_status(request, pk: int):
    snapshot = get_object_or_404(ForecastSnapshot, pk=pk)
    if snapshot is None:
        raise Http404
    template = (
        "reports/_forecast_status.html" if request.headers.get("HX-Request") else "reports/forecast.html"
    )
    return render(request, template, {"snapshot": snapshot, "current": "forecast"})
