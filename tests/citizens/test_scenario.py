"""Scenario runner (citizens/scenario.py): the pure part of the rules_check command."""

import copy
import json

import pytest

from catalogue.rulebook import load_rulebook
from citizens.scenario import ScenarioError, run_scenario

BOOK = load_rulebook()

BASE = {
    "on": "2026-09-01",
    "rule_set": "reform-2026",
    "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01", "end": None,
                    "exempt": False, "work_obligation": False}],
    "contacts": [{"date": "2026-07-03", "kind": "jobsamtale", "channel": "fremmoede",
                  "performed_by": "kommune", "outcome": "held"}],
}


def test_runs_the_brief_example_and_is_json_able():
    rows = run_scenario(BOOK, copy.deepcopy(BASE))
    json.dumps(rows)
    assert rows[0] == {
        "target_group": "kh-jobparat",
        "rule": "kh-jobparat.foerste-jobsamtale",
        "rule_set": "reform-2026",
        "kind": "jobsamtale",
        "number": 1,
        "of": 1,
        "earliest": "2026-07-01",
        "latest": "2026-07-08",
        "status": "met",
        "met_by": "2026-07-03",
        "explanation": rows[0]["explanation"],
        "local": False,
        "booked_for": None,  # no bookings in the scenario (planning/matching.py)
        "booked_late": None,
    }
    assert "Opfyldt ved samtale 03.07.2026." in rows[0]["explanation"]
    assert [(r["number"], r["status"], r["met_by"]) for r in rows[1:]] == [
        (1, "open", None), (2, "open", None), (3, "open", None)]


def test_rule_set_is_optional_and_defaults_apply():
    data = {"on": "2026-12-01",
            "enrolments": [{"target_group": "kh-jobparat", "start": "2026-05-01"}],
            "contacts": [{"date": "2026-05-04", "kind": "jobsamtale", "channel": "fremmoede"}]}
    rows = run_scenario(BOOK, data)
    assert [r["rule_set"] for r in rows] == ["lab-2024"] + ["reform-2026"] * 3
    assert rows[0]["status"] == "met"


def test_transfer_as_two_enrolments():
    data = copy.deepcopy(BASE)
    data["enrolments"] = [
        {"target_group": "kh-jobparat", "start": "2026-07-01", "end": "2026-07-31"},
        {"target_group": "ledighedsydelse", "start": "2026-08-01"},
    ]
    rows = run_scenario(BOOK, data)
    assert [r["target_group"] for r in rows] == ["kh-jobparat"] + ["ledighedsydelse"] * 4
    assert rows[1]["status"] == "overdue"  # first talk of the new group, 07.08.2026


def mutate(path, value):
    data = copy.deepcopy(BASE)
    target = data
    *parents, last = path
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize("data, field, fragment", [
    (mutate(["enrolments", 0, "start"], "2026-13-01"), "enrolments[0].start",
     "ugyldig dato '2026-13-01'"),
    (mutate(["on"], KeyError), "on", "feltet mangler"),
    (mutate(["on"], 20260901), "on", "ÅÅÅÅ-MM-DD"),
    (mutate(["on"], "20260901"), "on", "ugyldig dato"),
    (mutate(["rule_set"], "lab-1999"), "rule_set", "ukendt regelsæt"),
    (mutate(["enrolments"], KeyError), "enrolments", "feltet mangler"),
    (mutate(["enrolments"], []), "enrolments", "mindst ét"),
    (mutate(["enrolments"], {"a": 1}), "enrolments", "liste"),
    (mutate(["enrolments", 0], "kh-jobparat"), "enrolments[0]", "objekt"),
    (mutate(["enrolments", 0, "target_group"], "kh-jobklar"), "enrolments[0].target_group",
     "ukendt målgruppe"),
    (mutate(["enrolments", 0, "start"], KeyError), "enrolments[0].start", "feltet mangler"),
    (mutate(["enrolments", 0, "end"], "2026-06-01"), "enrolments[0].end", "før startdato"),
    (mutate(["enrolments", 0, "exempt"], "ja"), "enrolments[0].exempt", "true eller false"),
    (mutate(["enrolments", 0, "work_obligation"], 1), "enrolments[0].work_obligation",
     "true eller false"),
    (mutate(["enrolments", 0, "exmpt"], True), "enrolments[0].exmpt", "ukendt felt"),
    (mutate(["contacts", 0, "kind"], "kaffemøde"), "contacts[0].kind",
     "ukendt kontakttype 'kaffemøde'"),
    (mutate(["contacts", 0, "channel"], "brev"), "contacts[0].channel", "ukendt kanal 'brev'"),
    (mutate(["contacts", 0, "performed_by"], "x"), "contacts[0].performed_by", "ukendt udfører"),
    (mutate(["contacts", 0, "outcome"], "maybe"), "contacts[0].outcome", "ukendt udfald"),
    (mutate(["contacts", 0, "date"], KeyError), "contacts[0].date", "feltet mangler"),
    (mutate(["contacts", 0, "date"], "2026-02-30"), "contacts[0].date", "ugyldig dato"),
    (mutate(["contacts"], "none"), "contacts", "liste"),
    (mutate(["extra"], 1), "extra", "ukendt felt"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors_name_the_field(data, field, fragment):
    with pytest.raises(ScenarioError) as exc:
        run_scenario(BOOK, data)
    assert exc.value.field == field
    assert fragment in exc.value.message
    assert str(exc.value).startswith(f"{field}: ")


def test_not_a_dict():
    with pytest.raises(ScenarioError):
        run_scenario(BOOK, ["on"])


def test_local_rule_set_is_layered_only_when_named():
    """rules_check contract (issue 11): "local_rule_set" layers one; obligations carry "local"."""
    data = {"on": "2027-03-01", "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01"}]}
    plain = run_scenario(BOOK, copy.deepcopy(data))
    assert plain and not any(r["local"] for r in plain)
    layered = run_scenario(BOOK, {**data, "local_rule_set": "lokal-jobparat-3-mdr"})
    local = [r for r in layered if r["local"]]
    assert [(r["rule_set"], r["latest"]) for r in local] == [("lokal-jobparat-3-mdr", "2027-04-01")]
    assert [r for r in layered if not r["local"]] == plain  # never hides a statutory obligation
    assert set(layered[0]) == set(plain[0])  # same shape


@pytest.mark.parametrize("value, message", [
    ("findes-ikke", "ukendt regelsæt"),
    (7, "ukendt regelsæt"),
    ("lab-2027", "ikke et lokalt serviceniveau"),
])
def test_bad_local_rule_set_names_the_field(value, message):
    data = {**copy.deepcopy(BASE), "local_rule_set": value}
    with pytest.raises(ScenarioError) as exc:
        run_scenario(BOOK, data)
    assert exc.value.field == "local_rule_set" and message in exc.value.message


def test_rolling_rules_in_a_scenario():
    data = {"on": "2028-08-01", "rule_set": "lab-2027",
            "enrolments": [{"target_group": "jobhjaelp", "start": "2027-02-01"}],
            "contacts": [{"date": "2027-04-15", "kind": "kontakt", "channel": "telefon"}]}
    rows = [r for r in run_scenario(BOOK, data) if r["rule"] == "jobhjaelp.kontakt-hver-12-mdr"]
    assert [(r["latest"], r["status"]) for r in rows] == [("2028-02-01", "met"), ("2028-04-15", "overdue")]
    assert "senest 12 måneder efter seneste kontakt (15.04.2027)" in rows[-1]["explanation"]


def test_short_absence_flag_in_a_scenario():
    data = {"on": "2026-08-01", "enrolments": [
        {"target_group": "sygedagpenge", "start": "2026-07-06", "short_absence": True}]}
    assert run_scenario(BOOK, data) == []
    with pytest.raises(ScenarioError) as exc:
        run_scenario(BOOK, {**data, "enrolments": [{**data["enrolments"][0], "short_absence": "ja"}]})
    assert exc.value.field == "enrolments[0].short_absence"
