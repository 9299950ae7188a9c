"""A hand-written forecast scenario -> the forecast as JSON (pure; used by ``forecast_check``).

Input (a dict, usually read from JSON)::

    {"on": "2026-12-01", "rule_set": "reform-2026", "local_rule_set": "<code>"?, "months": 12,
     "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01", "end": null,
                     "exempt": false, "work_obligation": false, "count": 1}],
     "contacts": [{"enrolment": 0, "date": "2026-07-03", "kind": "jobsamtale",
                   "channel": "fremmoede", "performed_by": "kommune", "outcome": "held"}],
     "inflow": {"kh-jobparat": [10, 10, ...]},
     "assumptions": {"minutes": {"|fremmoede": 45, "|telefon": 30}, "in_person_share": 0.5,
                     "productive_hours_per_fte": 1400, "fte_cost": 600000}}

Enrolments whose ``end`` is before ``on`` are history: they feed the flow estimates (inflow and
exits) and are not in the caseload. ``count`` stands for that many alike enrolments. Contacts
belong to the enrolment they point at; those after ``on`` are not yet held and are ignored.
``inflow`` overrides the estimate for its groups (one number per month; missing months are 0).
Missing assumptions take the demo defaults below; ``prep_minutes`` ({"kanal": minutes around each
talk, "" = any channel}) is 0 unless given, so a scenario's hours are the talks' own. Malformed
input raises ``ScenarioError`` naming the field.
"""

from __future__ import annotations

from typing import Any

from catalogue.rulebook import CHANNELS, KINDS, OUTCOMES, PERFORMERS, RuleBook
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate
from citizens.scenario import ScenarioError, _parse_bool, _parse_code, _parse_date, _require
from jobcenter import flows as fl
from jobcenter import forecast as fc

MAX_MONTHS = 120
DEFAULT_ASSUMPTIONS = {
    "minutes": {"|fremmoede": 45.0, "|telefon": 30.0, "|video": 30.0, "|digital": 20.0},
    "in_person_share": 0.5,
    "productive_hours_per_fte": 1400.0,
    "fte_cost": 600_000.0,
}
_TOP = {"on", "rule_set", "local_rule_set", "months", "enrolments", "contacts", "inflow", "assumptions",
        "description", "name"}
_ENROLMENT = {"target_group", "start", "end", "exempt", "work_obligation", "count"}
_CONTACT = {"enrolment", "date", "kind", "channel", "performed_by", "outcome"}


def _keys(obj: dict, allowed: set[str], path: str) -> None:
    for key in obj:
        if key not in allowed and not str(key).startswith("_"):
            raise ScenarioError(f"{path}.{key}" if path else str(key), "ukendt felt")


def _int(value: Any, path: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(path, f"skal være et helt tal, fik {value!r}")
    if not lo <= value <= hi:
        raise ScenarioError(path, f"skal ligge mellem {lo} og {hi}, fik {value}")
    return value


def _number(value: Any, path: str, lo: float = 0.0, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ScenarioError(path, f"skal være et tal, fik {value!r}")
    if value < lo or (hi is not None and value > hi):
        bound = f"mellem {lo:g} og {hi:g}" if hi is not None else f"mindst {lo:g}"
        raise ScenarioError(path, f"skal være {bound}, fik {value!r}")
    return float(value)


def _list(data: dict, key: str, required: bool) -> list:
    if key not in data:
        if required:
            raise ScenarioError(key, "feltet mangler")
        return []
    if not isinstance(data[key], list):
        raise ScenarioError(key, "skal være en liste")
    return data[key]


def _rule_set(book: RuleBook, data: dict, key: str, required: bool) -> str | None:
    if key not in data or (not required and data[key] is None):
        if required:
            raise ScenarioError(key, "feltet mangler")
        return None
    value = data[key]
    if not isinstance(value, str) or not book.has_rule_set(value):
        raise ScenarioError(key, f"ukendt regelsæt {value!r}")
    return value


def _enrolment(book: RuleBook, item: Any, path: str) -> tuple[EnrolmentFacts, int]:
    if not isinstance(item, dict):
        raise ScenarioError(path, "skal være et objekt")
    _keys(item, _ENROLMENT, path)
    group = _require(item, "target_group", path)
    if not isinstance(group, str) or not book.has_target_group(group):
        raise ScenarioError(f"{path}.target_group", f"ukendt målgruppe {group!r}")
    start = _parse_date(_require(item, "start", path), f"{path}.start")
    end = item.get("end")
    if end is not None:
        end = _parse_date(end, f"{path}.end")
        if end < start:
            raise ScenarioError(f"{path}.end", "slutdato ligger før startdato")
    count = _int(item.get("count", 1), f"{path}.count", 1, 10_000_000)
    facts = EnrolmentFacts(group, start, end, _parse_bool(item, "exempt", path),
                           _parse_bool(item, "work_obligation", path))
    return facts, count


def _contact(item: Any, n_enrolments: int, path: str) -> tuple[int, ContactFacts]:
    if not isinstance(item, dict):
        raise ScenarioError(path, "skal være et objekt")
    _keys(item, _CONTACT, path)
    index = _int(_require(item, "enrolment", path), f"{path}.enrolment", 0, max(0, n_enrolments - 1))
    if n_enrolments == 0:
        raise ScenarioError(f"{path}.enrolment", "der er ingen forløb at henvise til")
    return index, ContactFacts(
        date=_parse_date(_require(item, "date", path), f"{path}.date"),
        kind=_parse_code(_require(item, "kind", path), KINDS, f"{path}.kind", "kontakttype"),
        channel=_parse_code(_require(item, "channel", path), CHANNELS, f"{path}.channel", "kanal"),
        performed_by=_parse_code(item.get("performed_by", "kommune"), PERFORMERS, f"{path}.performed_by",
                                 "udfører"),
        outcome=_parse_code(item.get("outcome", "held"), OUTCOMES, f"{path}.outcome", "udfald"),
    )


def _inflow(book: RuleBook, data: dict, months: int) -> dict[str, list[float]]:
    raw = data.get("inflow")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ScenarioError("inflow", "skal være et objekt {målgruppe: [antal pr. måned]}")
    out = {}
    for group, values in raw.items():
        path = f"inflow.{group}"
        if not book.has_target_group(group):
            raise ScenarioError(path, f"ukendt målgruppe {group!r}")
        if isinstance(values, int | float) and not isinstance(values, bool):
            values = [values] * months
        if not isinstance(values, list):
            raise ScenarioError(path, "skal være en liste med ét tal pr. måned")
        out[group] = [_number(v, f"{path}[{i}]") for i, v in enumerate(values)]
    return out


def _assumptions(data: dict) -> fc.Assumptions:
    raw = data.get("assumptions")
    merged = {**DEFAULT_ASSUMPTIONS, "minutes": dict(DEFAULT_ASSUMPTIONS["minutes"])}
    if raw is None:
        return fc.Assumptions.from_dict(merged)
    if not isinstance(raw, dict):
        raise ScenarioError("assumptions", "skal være et objekt")
    _keys(raw, {"minutes", "prep_minutes", "in_person_share", "productive_hours_per_fte", "fte_cost",
                "benefit_cost"}, "assumptions")
    if "minutes" in raw:
        if not isinstance(raw["minutes"], dict):
            raise ScenarioError("assumptions.minutes", "skal være et objekt {\"art|kanal\": minutter}")
        for key, value in raw["minutes"].items():
            kind, _, channel = key.rpartition("|")
            if channel not in CHANNELS or (kind and kind not in KINDS):
                raise ScenarioError(f"assumptions.minutes.{key}", "nøglen skal være 'art|kanal' eller 'kanal'"
                                    )
            merged["minutes"][f"{kind}|{channel}"] = _number(value, f"assumptions.minutes.{key}", 0, 600)
    if "prep_minutes" in raw:
        if not isinstance(raw["prep_minutes"], dict):
            raise ScenarioError("assumptions.prep_minutes", "skal være et objekt {\"kanal\": minutter}")
        prep = {}
        for channel, value in raw["prep_minutes"].items():
            if channel and channel not in CHANNELS:
                raise ScenarioError(f"assumptions.prep_minutes.{channel}", "skal være en kanal eller ''")
            prep[channel] = _number(value, f"assumptions.prep_minutes.{channel}", 0, 600)
        merged["prep_minutes"] = prep
    if "in_person_share" in raw:
        merged["in_person_share"] = _number(raw["in_person_share"], "assumptions.in_person_share", 0, 1)
    if "productive_hours_per_fte" in raw:
        merged["productive_hours_per_fte"] = _number(
            raw["productive_hours_per_fte"], "assumptions.productive_hours_per_fte", 1
        )
    if "fte_cost" in raw:
        merged["fte_cost"] = _number(raw["fte_cost"], "assumptions.fte_cost", 0)
    return fc.Assumptions.from_dict(merged)


def parse(book: RuleBook, data: Any) -> dict:
    """Validate a scenario; plain values for ``run``."""
    if not isinstance(data, dict):
        raise ScenarioError("(rod)", "scenariet skal være et objekt")
    _keys(data, _TOP, "")
    on = _parse_date(_require(data, "on", ""), "on")
    rule_set = _rule_set(book, data, "rule_set", required=True)
    if rule_set is not None and book.rule_set(rule_set).kind == "local":
        raise ScenarioError("rule_set", "er et lokalt serviceniveau; angiv lovkravet her og det lokale i "
                                        "local_rule_set")
    local = _rule_set(book, data, "local_rule_set", required=False)
    months = _int(_require(data, "months", ""), "months", 1, MAX_MONTHS)
    enrolments = [_enrolment(book, item, f"enrolments[{i}]")
                  for i, item in enumerate(_list(data, "enrolments", required=True))]
    contacts = [_contact(item, len(enrolments), f"contacts[{i}]")
                for i, item in enumerate(_list(data, "contacts", required=False))]
    return {
        "on": on, "rule_set": rule_set, "local_rule_set": local, "months": months,
        "enrolments": enrolments, "contacts": contacts, "inflow": _inflow(book, data, months),
        "assumptions": _assumptions(data),
    }


def run(book: RuleBook, data: Any) -> dict:
    """The forecast of a scenario as JSON-able data (see the README for the output)."""
    s = parse(book, data)
    on, months, assumptions = s["on"], s["months"], s["assumptions"]
    held: dict[int, list[ContactFacts]] = {}
    for index, contact in s["contacts"]:
        if contact.date <= on:
            held.setdefault(index, []).append(contact)
    flows = fl.estimate_flows(((f.target_group, f.start, f.end, n) for f, n in s["enrolments"]), on)
    rule_set = layered(book, s["rule_set"], s["local_rule_set"])
    positions: dict[str, list[float]] = {}
    cohorts = []
    for i, (f, n) in enumerate(s["enrolments"]):
        contacts = tuple(sorted(held.get(i, ()), key=lambda c: (c.date, c.kind, c.channel)))
        if contacts:
            statutory, local_sets = fc.split_code(rule_set)
            obligations = evaluate(book, f, contacts, on, rule_set=statutory, local_sets=local_sets)
            for rule, x in fc.timing_positions(obligations):
                positions.setdefault(rule, []).extend([x] * n)
        cohorts.append(fc.Cohort(f.target_group, f.start, n, f.end, f.exempt, f.work_obligation,
                                 contacts=contacts))
    result = fc.forecast(book, rule_set, cohorts, on, months, assumptions, s["inflow"] or None,
                         flows=flows, timing=fc.estimate_timing(positions))
    return render(result, assumptions, s)


def layered(book: RuleBook, rule_set: str, local: str | None) -> str:
    """The rule set the engine evaluates: statutory, or statutory with a local level on top."""
    if local is None:
        return rule_set
    try:
        return fc.layer_code(book, rule_set, local)
    except KeyError as exc:
        raise ScenarioError("local_rule_set", str(exc).strip("'\"")) from None


def render(result: fc.Forecast, assumptions: fc.Assumptions, s: dict) -> dict:
    series = {name: result.total(name) for name in fc.SERIES}
    rows = []
    for i, m in enumerate(result.months):
        hours = series["hours"][i]
        rows.append({
            "month": f"{m.year:04d}-{m.month:02d}",
            "caseload": round(series["caseload"][i], 4),
            "inflow": round(series["inflow"][i], 4),
            "outflow": round(series["outflow"][i], 4),
            "contacts": round(series["contacts"][i], 4),
            "hours": round(hours, 4),
            "fte": round(assumptions.fte(hours), 4),
            "dkk": round(assumptions.dkk(hours), 2),
        })
    steady = result.steady_total()
    year = fc.per_year(steady["contacts"], steady["hours"], assumptions)
    method = dict(result.method)
    method.update(
        rule_set=s["rule_set"],
        local_rule_set=s["local_rule_set"],
        held_contacts="Obligations met by contacts held on or before 'on' are not counted.",
        caseload="Expected enrolments at each month's end (fractional).",
        steady_state="One year at long-run flows: yearly inflow x contacts per new enrolment over its stay.",
    )
    return {
        "months": rows,
        "steady_state": {k: round(v, 4) if k != "dkk" else round(v, 2) for k, v in year.items()},
        "method": method,
    }
