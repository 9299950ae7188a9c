"""The figures behind the capacity and economy reports, built from stored forecast snapshots.

Each builder returns plain data (dicts and lists) plus a tablib Dataset for the CSV/XLSX export,
so what is exported is exactly what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import tablib
from django.utils.translation import gettext as _

from catalogue.models import Initiative, Investment, MunicipalRequirement, RuleSet, TargetGroup
from catalogue.selectors import current_rulebook
from jobcenter import forecast as fc
from jobcenter.capacity import load_basis, talk_hours
from jobcenter.models import ForecastSnapshot
from jobcenter.selectors import caseload_by_group, staff_capacity
from jobcenter.templatetags.economy import dkmonth

YEARS = (2026, 2027, 2028, 2029)
STATUTORY_ORDER = ("lab-2024", "reform-2026", "lab-2027")


def latest_snapshot(required: set[str] | None = None) -> ForecastSnapshot | None:
    """The newest finished snapshot that covers the ``required`` rule sets."""
    for snap in ForecastSnapshot.objects.filter(status=ForecastSnapshot.Status.DONE).only(
        "id", "rule_sets", "created_at"
    )[:50]:
        if not required or required <= set(snap.rule_sets):
            return ForecastSnapshot.objects.get(pk=snap.pk)
    return None


def only_teams(f: fc.Forecast, team_ids: set[int] | None) -> fc.Forecast:
    """The part of a forecast held by these teams (None = everything, incl. unassigned inflow)."""
    if team_ids is None:
        return f
    return f.only(lambda k: k[0] in team_ids)


def scoped_result(result: dict, team_ids: set[int] | None, caseworker_ids: set[int]) -> dict:
    """A stored forecast result as a user may see it: rows, teams and caseworkers of their own teams
    only (None = everything). Municipality totals by target group carry no names and stay."""
    if team_ids is None or not result:
        return result
    scoped = dict(result)
    scoped["sets"] = {
        code: {**data, "rows": [row for row in data["rows"] if row[0] in team_ids]}
        for code, data in result.get("sets", {}).items()
    }
    scoped["teams"] = {k: v for k, v in result.get("teams", {}).items() if int(k) in team_ids}
    scoped["caseworkers"] = {
        k: v for k, v in result.get("caseworkers", {}).items() if int(k) in caseworker_ids
    }
    return scoped


def group_names() -> dict[str, str]:
    return dict(TargetGroup.objects.values_list("code", "name_da"))


def set_names() -> dict[str, str]:
    return dict(RuleSet.objects.values_list("code", "name"))


def code_name(code: str, names: dict[str, str]) -> str:
    """A forecast's rule set in words: "Reform ... + Lokalt serviceniveau ..." for layered codes."""
    return " + ".join(names.get(part, part) for part in code.split("+"))


def _code_order(code: str) -> tuple:
    base = code.split("+")[0]
    return (base not in STATUTORY_ORDER, STATUTORY_ORDER.index(base) if base in STATUTORY_ORDER else 0, code)


# --- Capacity -------------------------------------------------------------------------------


def in_force_per_month(snapshot: ForecastSnapshot, forecasts: dict[str, fc.Forecast]) -> list[str]:
    """For each month the statutory set in force on its first day, if the snapshot has it."""
    book = current_rulebook()
    months = next(iter(forecasts.values())).months
    out = []
    for m in months:
        rs = book.in_force(m)
        code = snapshot.rule_sets[0]
        if rs is not None:
            # The municipality's actual level: the statutory set with its local levels, if computed.
            layered = [c for c in forecasts if fc.split_code(c)[0] == rs.code and "+" in c]
            code = layered[0] if layered else (rs.code if rs.code in forecasts else code)
        out.append(code)
    return out


@dataclass
class CapacityRow:
    level: str  # "team" or "caseworker"
    name: str
    team: str
    workload: list[float]
    available: list[float]

    unassigned: bool = False  # new citizens without a caseworker: no hours of their own

    @property
    def cells(self):
        return [
            {"workload": w, "available": a, "over": w > a and not self.unassigned, "gap": w - a}
            for w, a in zip(self.workload, self.available, strict=True)
        ]

    @property
    def any_over(self) -> bool:
        return not self.unassigned and any(w > a for w, a in zip(self.workload, self.available, strict=True))


def capacity_report(snapshot: ForecastSnapshot, teams, rule_set: str | None = None) -> dict:
    forecasts = {code: fc.Forecast.from_json(d) for code, d in snapshot.result["sets"].items()}
    months = next(iter(forecasts.values())).months
    if rule_set and rule_set in forecasts:
        per_month = [rule_set] * len(months)
    else:
        per_month = in_force_per_month(snapshot, forecasts)
    team_ids = [t.pk for t in teams]
    names = {t.pk: t.name for t in teams}
    capacity = staff_capacity(team_ids=team_ids, first_month=months[0], months=len(months))
    # Workload is talks with their preparation: held against the hours for talks (capacity.py).
    talk_share = (snapshot.assumptions or {}).get("talk_share")
    for c in capacity.values():
        c["hours"] = [talk_hours(h, talk_share) for h in c["hours"]]

    def series_of(name: str, pred) -> list[float]:
        out = []
        for i, code in enumerate(per_month):
            f = forecasts[code]
            out.append(sum(h[i] for k, h in f.series(name).items() if pred(k)))
        return out

    def hours_of(pred) -> list[float]:
        return series_of("hours", pred)

    rows: list[CapacityRow] = []
    for tid in team_ids:
        members = {sid: c for sid, c in capacity.items() if c["team"] == tid}
        available = [sum(c["hours"][i] for c in members.values()) for i in range(len(months))]
        rows.append(
            CapacityRow("team", names[tid], names[tid], hours_of(lambda k, t=tid: k[0] == t), available)
        )
        for sid, c in sorted(members.items(), key=lambda kv: kv[1]["name"]):
            rows.append(
                CapacityRow(
                    "caseworker", c["name"], names[tid], hours_of(lambda k, s=sid: k[1] == s), c["hours"]
                )
            )
        unassigned = hours_of(lambda k, t=tid, m=members: k[0] == t and k[1] not in m)
        if sum(unassigned) > 0:
            rows.append(
                CapacityRow(
                    "caseworker", _("Nye borgere, uden sagsbehandler endnu"), names[tid], unassigned,
                    [0.0] * len(months),
                    unassigned=True,
                )
            )
    team_rows = [r for r in rows if r.level == "team"]
    basis = []
    for tid, row in zip(team_ids, team_rows, strict=True):
        of_team = lambda k, t=tid: k[0] == t  # noqa: E731
        caseload = series_of("caseload", of_team)
        basis.append({
            "team": names[tid],
            **load_basis(
                caseload=sum(caseload) / len(months),
                caseworkers=sum(1 for c in capacity.values() if c["team"] == tid),
                contacts=sum(series_of("contacts", of_team)),
                hours=sum(row.workload),
                available=sum(row.available),
                months=len(months),
            ),
        })
    total_work = [sum(r.workload[i] for r in team_rows) for i in range(len(months))]
    total_avail = [sum(r.available[i] for r in team_rows) for i in range(len(months))]

    data = tablib.Dataset(
        headers=[
            _("Niveau"),
            _("Team"),
            _("Navn"),
            _("Måned"),
            _("Arbejdsbyrde (timer)"),
            _("Til rådighed (timer)"),
            _("Over kapacitet"),
        ]
    )
    for r in rows:
        for m, cell in zip(months, r.cells, strict=True):
            data.append(
                [
                    _("Team") if r.level == "team" else _("Sagsbehandler"),
                    r.team,
                    r.name,
                    m.isoformat(),
                    round(cell["workload"], 1),
                    round(cell["available"], 1),
                    _("Ja") if cell["over"] else _("Nej"),
                ]
            )
    return {
        "months": months,
        "per_month_sets": per_month,
        "rows": rows,
        "chart": {
            "labels": [dkmonth(m) for m in months],
            "workload": [round(x, 1) for x in total_work],
            "available": [round(x, 1) for x in total_avail],
            "series": {"workload": _("Arbejdsbyrde (timer)"), "available": _("Til rådighed (timer)")},
        },
        "totals": list(zip(months, per_month, total_work, total_avail, strict=True)),
        "dataset": data,
        "backtest": backtest_report(snapshot, team_ids, names),
        "method": method_summary(snapshot),
        "basis": {"teams": basis, "talk_share": talk_share, **assumption_basis(snapshot.assumptions or {})},
    }


CAPACITY_KEYS = ("minutes_per_contact", "prep_minutes", "in_person_share", "talk_share")


def assumption_basis(assumptions: dict) -> dict:
    """The cost assumptions the capacity figures rest on, for the report's basis (short)."""
    minutes = assumptions.get("minutes") or {}
    prep = assumptions.get("prep_minutes") or {}
    channels = ("fremmoede", "telefon", "video", "digital")
    labels = {
        "fremmoede": _("fremmøde"), "telefon": _("telefon"), "video": _("video"), "digital": _("digital"),
    }
    return {
        "per_channel": [
            {"channel": labels[ch], "talk": minutes.get(f"|{ch}"), "prep": prep.get(ch, prep.get(""))}
            for ch in channels
            if f"|{ch}" in minutes
        ],
        "in_person_share": assumptions.get("in_person_share"),
        "items": [i for i in assumptions.get("items") or [] if i.get("key") in CAPACITY_KEYS],
    }


def backtest_report(snapshot: ForecastSnapshot, team_ids: list[int], names: dict[int, str]) -> dict | None:
    """The stored backtest for the teams shown: forecast vs held contacts per month, with MAPE."""
    bt = snapshot.result.get("backtest")
    if not bt:
        return None
    from jobcenter.backtest import compare

    months = [date.fromisoformat(m) for m in bt["months"]]
    shown = {int(t): v for t, v in bt["teams"].items() if t != "None" and int(t) in team_ids}
    scoped = compare({t: v["forecast"] for t, v in shown.items()}, {t: v["actual"] for t, v in shown.items()},
                     len(months))
    rows = [
        {"team": names.get(t, str(t)), "forecast": v["forecast"], "actual": v["actual"], "mape": v["mape"],
         "cells": list(zip(v["forecast"], v["actual"], strict=True))}
        for t, v in sorted(scoped["teams"].items(), key=lambda kv: names.get(kv[0], ""))
    ]
    return {
        "made_on": date.fromisoformat(bt["made_on"]),
        "months": months,
        "rows": rows,
        "total": scoped["total"],
        "chart": {
            "labels": [dkmonth(m) for m in months],
            "forecast": [round(x, 1) for x in scoped["total"]["forecast"]],
            "actual": [round(x, 1) for x in scoped["total"]["actual"]],
            "series": {"forecast": _("Forventede kontakter"), "actual": _("Holdte kontakter")},
        },
    }


def method_summary(snapshot: ForecastSnapshot) -> dict:
    """What the forecast used, in words a team leader can check (from the snapshot's method)."""
    method = snapshot.result.get("method") or {}
    flows = method.get("flows") or {}
    inflow = method.get("inflow") or {}
    timing = method.get("timing") or {}
    overridden = sorted(g for g, how in inflow.items() if how == "override")
    names = group_names()
    return {
        "inflow": flows.get("inflow", "none"),
        "history_months": flows.get("inflow_history_months", 0),
        "overridden": [names.get(g, g) for g in overridden],
        "exits": [
            {"group": names.get(g, g), **v} for g, v in sorted((flows.get("exits") or {}).items())
        ],
        "observed_rules": sum(1 for how in timing.values() if how == "observed"),
        "even_rules": sum(1 for how in timing.values() if how == "even"),
    }


# --- Rule-set comparison --------------------------------------------------------------------


def comparison_report(snapshot: ForecastSnapshot, team_ids: set[int] | None) -> dict:
    """Per rule set: contacts, hours, FTE and DKK per year over the horizon's first 12 months and
    in steady state, per target group; each rule-set change held against its catalogue line."""
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    codes = sorted(snapshot.rule_sets, key=_code_order)
    yearly, steady = {}, {}
    for code in codes:
        f = only_teams(fc.Forecast.from_json(snapshot.result["sets"][code]), team_ids)
        yearly[code] = fc.yearly_by_group(f, assumptions, months=min(12, len(f.months)))
        steady[code] = fc.steady_by_group(f, assumptions)
    groups = sorted({g for y in (*yearly.values(), *steady.values()) for g in y})
    names = group_names()
    zero = {"contacts": 0.0, "hours": 0.0, "fte": 0.0, "dkk": 0.0}
    rows = [
        {
            "group": g,
            "name": names.get(g, g),
            "sets": [yearly[c].get(g, zero) for c in codes],
            "steady": [steady[c].get(g, zero) for c in codes],
        }
        for g in groups
    ]
    totals = [{k: sum(yearly[c].get(g, zero)[k] for g in groups) for k in zero} for c in codes]
    steady_totals = [{k: sum(steady[c].get(g, zero)[k] for g in groups) for k in zero} for c in codes]
    data = tablib.Dataset(
        headers=[
            _("Målgruppe"), _("Regelsæt"), _("Grundlag"), _("Kontakter pr. år"), _("Timer pr. år"),
            _("Årsværk"), _("Kr. pr. år"),
        ]
    )
    for label, key in ((_("12 måneder"), "sets"), (_("Stabil tilstand"), "steady")):
        for r in rows:
            for code, v in zip(codes, r[key], strict=True):
                data.append([r["name"], code, label, round(v["contacts"], 1), round(v["hours"], 1),
                             round(v["fte"], 2), round(v["dkk"])])
        for code, v in zip(codes, totals if key == "sets" else steady_totals, strict=True):
            data.append([_("I alt"), code, label, round(v["contacts"], 1), round(v["hours"], 1),
                         round(v["fte"], 2), round(v["dkk"])])
    set_label = set_names()
    return {
        "codes": codes,
        "set_names": [code_name(c, set_label) for c in codes],
        "rows": rows,
        "totals": totals,
        "steady_totals": steady_totals,
        "lines": catalogue_lines(snapshot, team_ids),
        "chart": {
            "labels": list(codes),
            "dkk": [round(t["dkk"]) for t in totals],
            "steady": [round(t["dkk"]) for t in steady_totals],
            "series": {"dkk": _("Kr. pr. år, første 12 måneder"), "steady": _("Kr. pr. år, stabil tilstand")},
            "fte": [round(t["fte"], 2) for t in totals],
        },
        "dataset": data,
    }


def catalogue_lines(snapshot: ForecastSnapshot, team_ids: set[int] | None = None) -> list[dict]:
    """Each computed catalogue line with its difference per year (12 months and steady state)."""
    out = []
    for ini in Initiative.objects.select_related("from_rule_set", "to_rule_set", "affected_group"):
        if not is_computed(ini):
            continue
        saving = computed_saving(ini, snapshot, team_ids=team_ids)
        if saving is None:
            continue
        out.append({"initiative": ini, **saving, "target": float(ini.target_2029)})
    return out


# --- Catalogue progress and benefit risk ----------------------------------------------------


def initiative_codes(initiative: Initiative, sets: dict) -> tuple[str, str] | None:
    """The two forecasts a computed line compares. A statutory change: set A -> set B. A local
    service level (lokal tilpasning af serviceniveauet): the statutory set in force in the long run
    with the local level A on top -> with level B instead, or without any (no B)."""
    a = initiative.from_rule_set
    b = initiative.to_rule_set
    if a.kind != "local":
        return (a.code, b.code) if b is not None else None
    long_run = [c for c in sets if "+" not in c]
    base = sorted(long_run, key=_code_order)[-1] if long_run else None
    if base is None:
        return None
    return fc.layered_code(base, [a.code]), (fc.layered_code(base, [b.code]) if b is not None else base)


def initiative_groups(initiative: Initiative) -> set[str] | None:
    """The target groups a computed saving counts: the initiative's own group (None = all groups,
    for a line with no group: a change that touches everyone)."""
    return {initiative.affected_group.code} if initiative.affected_group_id else None


def computed_saving(
    initiative: Initiative, snapshot: ForecastSnapshot | None, team_ids: set[int] | None = None
) -> dict | None:
    """Yearly DKK saved by going from set A to set B for the initiative's own groups: over the
    forecast's first 12 months and in steady state (flows at their long-run level)."""
    if snapshot is None or not initiative.from_rule_set_id:
        return None
    sets = snapshot.result.get("sets", {})
    pair = initiative_codes(initiative, sets)
    if pair is None:
        return None
    a, b = pair
    if a not in sets or b not in sets:
        return None
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    groups = initiative_groups(initiative)
    out: dict = {"from": a, "to": b, "groups": sorted(groups) if groups else None}
    for label, fn in (("horizon", fc.yearly_by_group), ("steady", None)):
        per = {}
        for code in (a, b):
            f = only_teams(fc.Forecast.from_json(sets[code]), team_ids)
            per[code] = fn(f, assumptions, months=min(12, len(f.months))) if fn else fc.steady_by_group(
                f, assumptions
            )
        out[label] = {
            k: sum(v[k] for g, v in per[a].items() if groups is None or g in groups)
            - sum(v[k] for g, v in per[b].items() if groups is None or g in groups)
            for k in ("contacts", "hours", "fte", "dkk")
        }
    return out


def is_computed(initiative: Initiative) -> bool:
    """A rule-set change, or a local service level whose line names its local rule set."""
    if initiative.realisation == Initiative.Realisation.RULE_SET_CHANGE:
        return True
    return (
        initiative.type == Initiative.Type.SERVICE_LEVEL
        and initiative.from_rule_set_id is not None
        and initiative.from_rule_set.kind == "local"
    )


def initiative_saving(initiative: Initiative, snapshot: ForecastSnapshot | None) -> tuple[float | None, str]:
    if is_computed(initiative):
        saving = computed_saving(initiative, snapshot)
        return (None if saving is None else saving["steady"]["dkk"]), _("beregnet")
    est = initiative.manual_estimate
    return (float(est) if est is not None else None), _("skøn")


def overlaps(initiatives: list[Initiative]) -> dict[int, list[str]]:
    """Lines that may count the same saving: same target group (or one line with no group), where
    at least one of the two is computed from the forecast."""
    out: dict[int, list[str]] = {i.pk: [] for i in initiatives}
    for x in initiatives:
        for y in initiatives:
            if x.pk >= y.pk or not (is_computed(x) or is_computed(y)):
                continue
            if x.affected_group_id and x.affected_group_id == y.affected_group_id:
                out[x.pk].append(y.title)
                out[y.pk].append(x.title)
    return out


def catalogue_report(snapshot: ForecastSnapshot | None) -> dict:
    initiatives = list(Initiative.objects.select_related("from_rule_set", "to_rule_set", "affected_group"))
    requirements = {r.year: r for r in MunicipalRequirement.objects.all()}
    rows = []
    overlap = overlaps(initiatives)
    for ini in initiatives:
        saving, how = initiative_saving(ini, snapshot)
        rows.append(
            {
                "initiative": ini,
                "overlaps": overlap[ini.pk],
                "targets": [float(ini.target(y)) for y in YEARS],
                "saving": saving,
                "how": how,
                "gap": None if saving is None else float(ini.target(2029)) - saving,
            }
        )
    summary = []
    for cat, label in Initiative.Category.choices:
        cat_rows = [r for r in rows if r["initiative"].category == cat]
        summary.append(
            {
                "category": label,
                "targets": [sum(r["targets"][i] for r in cat_rows) for i in range(len(YEARS))],
                "saving": sum(r["saving"] or 0 for r in cat_rows),
                "requirement": [
                    float(getattr(requirements[y], cat)) if y in requirements else None for y in YEARS
                ],
            }
        )
    total_targets = [sum(r["targets"][i] for r in rows) for i in range(len(YEARS))]
    total_saving = sum(r["saving"] or 0 for r in rows)
    req_total = [float(requirements[y].total) if y in requirements else None for y in YEARS]
    data = tablib.Dataset(
        headers=[
            _("Tiltag"),
            _("Kategori"),
            _("Type"),
            *[_("Mål %(year)s") % {"year": y} for y in YEARS],
            _("Besparelse pr. år"),
            _("Grundlag"),
            _("Afvigelse fra mål 2029"),
            _("Status"),
            _("Risiko"),
        ]
    )
    for r in rows:
        ini = r["initiative"]
        data.append(
            [
                ini.title,
                ini.get_category_display(),
                ini.get_type_display(),
                *[round(t) for t in r["targets"]],
                None if r["saving"] is None else round(r["saving"]),
                r["how"],
                None if r["gap"] is None else round(r["gap"]),
                ini.get_status_display(),
                ini.get_risk_rating_display(),
            ]
        )
    return {
        "years": YEARS,
        "rows": rows,
        "summary": summary,
        "total_targets": total_targets,
        "total_saving": total_saving,
        "requirement": req_total,
        "gap_to_requirement": [None if req is None else req - total_saving for req in req_total],
        "illustrative": any(r["initiative"].illustrative for r in rows)
        or any(r.illustrative for r in requirements.values()),
        "chart": {
            "labels": [r["initiative"].title for r in rows],
            "target": [round(r["targets"][-1]) for r in rows],
            "saving": [round(r["saving"] or 0) for r in rows],
            "series": {"target": _("Mål 2029 (kr.)"), "saving": _("Besparelse pr. år (kr.)")},
        },
        "dataset": data,
    }


def investment_rows(benefit_cost: dict[str, float], years=YEARS) -> list[dict]:
    """Per investment and year: cost, benefit savings, net effect; and the payback year."""
    out = []
    for inv in Investment.objects.select_related("target_group"):
        unit = benefit_cost.get(inv.target_group.code, 0.0)
        per_year = []
        cumulative = 0.0
        payback = None
        for y in years:
            cost = float(inv.yearly_cost) if y >= inv.start_year else 0.0
            start, end = date(y, 1, 1), date(y, 12, 31)
            share = 0.0
            if inv.effect_from <= end:
                share = ((end - max(start, inv.effect_from)).days + 1) / ((end - start).days + 1)
            saving = float(inv.fewer_recipients) * unit * share
            net = saving - cost
            cumulative += net
            if payback is None and cumulative >= 0 and (cost or saving):
                payback = y
            per_year.append({"year": y, "cost": cost, "saving": saving, "net": net})
        out.append(
            {
                "investment": inv,
                "unit_cost": unit,
                "years": per_year,
                "payback": payback,
                "net_total": sum(p["net"] for p in per_year),
            }
        )
    return out


def risk_report(snapshot: ForecastSnapshot | None, assumptions: dict) -> dict:
    benefit_cost = assumptions.get("benefit_cost", {})
    caseload = caseload_by_group()
    rows = []
    for ini in Initiative.objects.select_related("affected_group", "from_rule_set", "to_rule_set"):
        saving, how = initiative_saving(ini, snapshot)
        basis = saving if saving else float(ini.target_2029)
        group = ini.affected_group
        unit = benefit_cost.get(group.code) if group else None
        recipients = caseload.get(group.code, 0) if group else 0
        extra_recipients = basis / unit if unit else None
        # Extra weeks of average benefit duration for the group's current recipients:
        extra_weeks = basis / (unit / 52) / recipients if unit and recipients else None
        rows.append(
            {
                "initiative": ini,
                "basis": basis,
                "how": how if saving else _("mål 2029"),
                "group": group,
                "unit_cost": unit,
                "recipients": recipients,
                "extra_recipients": extra_recipients,
                "extra_weeks": extra_weeks,
            }
        )
    investments = investment_rows(benefit_cost)
    data = tablib.Dataset(
        headers=[
            _("Tiltag"),
            _("Besparelse pr. år"),
            _("Grundlag"),
            _("Berørt målgruppe"),
            _("Ydelse pr. helårsmodtager"),
            _("Modtagere nu"),
            _("Ekstra helårsmodtagere der æder besparelsen"),
            _("Ekstra uger gennemsnitlig varighed"),
        ]
    )
    for r in rows:
        data.append(
            [
                r["initiative"].title,
                round(r["basis"]),
                r["how"],
                str(r["group"] or "–"),
                r["unit_cost"],
                r["recipients"],
                None if r["extra_recipients"] is None else round(r["extra_recipients"], 1),
                None if r["extra_weeks"] is None else round(r["extra_weeks"], 2),
            ]
        )
    return {
        "rows": rows,
        "investments": investments,
        "years": YEARS,
        "dataset": data,
        "net_investments": sum(i["net_total"] for i in investments),
    }
