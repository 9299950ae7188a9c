"""The figures behind the capacity and economy reports, built from stored forecast snapshots.

Each builder returns plain data (dicts and lists) plus a tablib Dataset for the CSV/XLSX export,
so what is exported is exactly what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import tablib

from catalogue.models import Initiative, Investment, MunicipalRequirement, RuleSet, TargetGroup
from catalogue.selectors import current_rulebook
from jobcenter import forecast as fc
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
    keep = [k for k in f.contacts if k[0] in team_ids]
    return fc.Forecast(f.rule_set, f.months, {k: f.contacts[k] for k in keep}, {k: f.hours[k] for k in keep})


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


# --- Capacity -------------------------------------------------------------------------------


def in_force_per_month(snapshot: ForecastSnapshot, forecasts: dict[str, fc.Forecast]) -> list[str]:
    """For each month the statutory set in force on its first day, if the snapshot has it."""
    book = current_rulebook()
    months = next(iter(forecasts.values())).months
    out = []
    for m in months:
        rs = book.in_force(m)
        out.append(rs.code if rs is not None and rs.code in forecasts else snapshot.rule_sets[0])
    return out


@dataclass
class CapacityRow:
    level: str  # "team" or "caseworker"
    name: str
    team: str
    workload: list[float]
    available: list[float]

    @property
    def cells(self):
        return [
            {"workload": w, "available": a, "over": w > a, "gap": w - a}
            for w, a in zip(self.workload, self.available, strict=True)
        ]

    @property
    def any_over(self) -> bool:
        return any(w > a for w, a in zip(self.workload, self.available, strict=True))


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

    def hours_of(pred) -> list[float]:
        out = []
        for i, code in enumerate(per_month):
            f = forecasts[code]
            out.append(sum(h[i] for k, h in f.hours.items() if pred(k)))
        return out

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
                    "caseworker", "Uden sagsbehandler i teamet", names[tid], unassigned, [0.0] * len(months)
                )
            )
    team_rows = [r for r in rows if r.level == "team"]
    total_work = [sum(r.workload[i] for r in team_rows) for i in range(len(months))]
    total_avail = [sum(r.available[i] for r in team_rows) for i in range(len(months))]

    data = tablib.Dataset(
        headers=[
            "Niveau",
            "Team",
            "Navn",
            "Måned",
            "Arbejdsbyrde (timer)",
            "Til rådighed (timer)",
            "Over kapacitet",
        ]
    )
    for r in rows:
        for m, cell in zip(months, r.cells, strict=True):
            data.append(
                [
                    "Team" if r.level == "team" else "Sagsbehandler",
                    r.team,
                    r.name,
                    m.isoformat(),
                    round(cell["workload"], 1),
                    round(cell["available"], 1),
                    "Ja" if cell["over"] else "Nej",
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
        },
        "totals": list(zip(months, per_month, total_work, total_avail, strict=True)),
        "dataset": data,
    }


# --- Rule-set comparison --------------------------------------------------------------------


def comparison_report(snapshot: ForecastSnapshot, team_ids: set[int] | None) -> dict:
    assumptions = fc.Assumptions.from_dict(snapshot.assumptions)
    codes = sorted(
        snapshot.rule_sets,
        key=lambda c: (c not in STATUTORY_ORDER, STATUTORY_ORDER.index(c) if c in STATUTORY_ORDER else 0, c),
    )
    yearly = {}
    for code in codes:
        f = only_teams(fc.Forecast.from_json(snapshot.result["sets"][code]), team_ids)
        yearly[code] = fc.yearly_by_group(f, assumptions, months=min(12, len(f.months)))
    groups = sorted({g for y in yearly.values() for g in y})
    names = group_names()
    zero = {"contacts": 0.0, "hours": 0.0, "fte": 0.0, "dkk": 0.0}
    rows = [
        {"group": g, "name": names.get(g, g), "sets": [yearly[c].get(g, zero) for c in codes]} for g in groups
    ]
    totals = [{k: sum(yearly[c].get(g, zero)[k] for g in groups) for k in zero} for c in codes]
    data = tablib.Dataset(
        headers=["Målgruppe", "Regelsæt", "Kontakter pr. år", "Timer pr. år", "Årsværk", "Kr. pr. år"]
    )
    for r in rows:
        for code, v in zip(codes, r["sets"], strict=True):
            data.append(
                [
                    r["name"],
                    code,
                    round(v["contacts"], 1),
                    round(v["hours"], 1),
                    round(v["fte"], 2),
                    round(v["dkk"]),
                ]
            )
    for code, v in zip(codes, totals, strict=True):
        data.append(
            [
                "I alt",
                code,
                round(v["contacts"], 1),
                round(v["hours"], 1),
                round(v["fte"], 2),
                round(v["dkk"]),
            ]
        )
    set_label = set_names()
    return {
        "codes": codes,
        "set_names": [set_label.get(c, c) for c in codes],
        "rows": rows,
        "totals": totals,
        "chart": {
            "labels": list(codes),
            "dkk": [round(t["dkk"]) for t in totals],
            "fte": [round(t["fte"], 2) for t in totals],
        },
        "dataset": data,
    }


# --- Catalogue progress and benefit risk ----------------------------------------------------


def computed_saving(initiative: Initiative, snapshot: ForecastSnapshot | None) -> float | None:
    """Yearly DKK saved by going from set A to set B on today's caseload (first 12 months)."""
    if snapshot is None or not (initiative.from_rule_set_id and initiative.to_rule_set_id):
        return None
    a, b = initiative.from_rule_set.code, initiative.to_rule_set.code
    yearly = snapshot.result.get("yearly", {})
    if a not in yearly or b not in yearly:
        return None
    return sum(v["dkk"] for v in yearly[a].values()) - sum(v["dkk"] for v in yearly[b].values())


def initiative_saving(initiative: Initiative, snapshot: ForecastSnapshot | None) -> tuple[float | None, str]:
    if initiative.realisation == Initiative.Realisation.RULE_SET_CHANGE:
        return computed_saving(initiative, snapshot), "beregnet"
    est = initiative.manual_estimate
    return (float(est) if est is not None else None), "skøn"


def catalogue_report(snapshot: ForecastSnapshot | None) -> dict:
    initiatives = list(Initiative.objects.select_related("from_rule_set", "to_rule_set", "affected_group"))
    requirements = {r.year: r for r in MunicipalRequirement.objects.all()}
    rows = []
    for ini in initiatives:
        saving, how = initiative_saving(ini, snapshot)
        rows.append(
            {
                "initiative": ini,
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
            "Tiltag",
            "Kategori",
            "Type",
            *[f"Mål {y}" for y in YEARS],
            "Besparelse pr. år",
            "Grundlag",
            "Afvigelse fra mål 2029",
            "Status",
            "Risiko",
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
                "how": how if saving else "mål 2029",
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
            "Tiltag",
            "Besparelse pr. år",
            "Grundlag",
            "Berørt målgruppe",
            "Ydelse pr. helårsmodtager",
            "Modtagere nu",
            "Ekstra helårsmodtagere der æder besparelsen",
            "Ekstra uger gennemsnitlig varighed",
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
