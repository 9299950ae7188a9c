"""``manage.py forecast_check``: the forecast's outside contract, good input and bad."""

import json

import pytest
from django.core.management import call_command

from tests.jobcenter.economy_fixtures import ensure_rules

BASE = {
    "on": "2026-12-01",
    "rule_set": "lab-2024",
    "months": 12,
    "enrolments": [
        {"target_group": "kh-jobparat", "start": "2026-11-20", "count": 10},
        {"target_group": "kh-jobparat", "start": "2025-01-06", "end": "2025-06-30", "count": 20},
    ],
}
MONTH_KEYS = {"month", "caseload", "inflow", "outflow", "contacts", "hours", "fte", "dkk"}


def run(tmp_path, capsys, data):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    try:
        call_command("forecast_check", str(path))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def rules(db):
    ensure_rules()


def test_a_scenario_gives_months_steady_state_and_method(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, BASE)
    assert code == 0, err
    result = json.loads(out)
    assert [m["month"] for m in result["months"]][:3] == ["2026-12", "2027-01", "2027-02"]
    assert len(result["months"]) == 12
    assert all(set(m) == MONTH_KEYS for m in result["months"])
    assert set(result["steady_state"]) == {"contacts", "hours", "fte", "dkk"}
    assert result["method"]["flows"]["inflow"] == "seasonal"  # 23 months of history
    first = result["months"][0]
    assert first["fte"] == pytest.approx(first["hours"] / (1400 / 12), abs=1e-3)
    assert first["dkk"] == pytest.approx(first["hours"] * 600_000 / 1400, abs=0.05)
    # Caseload moves by inflow and outflow, month by month.
    for before, after in zip(result["months"], result["months"][1:], strict=False):
        moved = before["caseload"] + after["inflow"] - after["outflow"]
        assert after["caseload"] == pytest.approx(moved, abs=1e-2)
    assert result["steady_state"]["contacts"] > 0


def test_held_talks_are_subtracted_and_an_override_is_used_and_named(tmp_path, capsys):
    none = json.loads(run(tmp_path, capsys, BASE)[1])
    held = dict(BASE, contacts=[
        {"enrolment": 0, "date": "2026-11-24", "kind": "jobsamtale", "channel": "fremmoede"},
        {"enrolment": 0, "date": "2026-11-28", "kind": "jobsamtale", "channel": "telefon"},
    ])
    after = json.loads(run(tmp_path, capsys, held)[1])
    # Counted once per enrolment (count 1): the 0-6-month talks drop by one; the first talk too.
    assert sum(m["contacts"] for m in after["months"]) < sum(m["contacts"] for m in none["months"]) - 0.9
    override = dict(BASE, inflow={"kh-jobparat": [4] * 12})
    res = json.loads(run(tmp_path, capsys, override)[1])
    assert [m["inflow"] for m in res["months"]] == [4] * 12
    assert res["method"]["inflow"] == {"kh-jobparat": "override"}


REQUIRED_BROKEN = [
    ("on", None, "'on'"),
    ("on", "01.12.2026", "'on'"),
    ("rule_set", None, "'rule_set'"),
    ("rule_set", "no-such-set", "'rule_set'"),
    ("months", None, "'months'"),
    ("months", "12", "'months'"),
    ("months", 0, "'months'"),
    ("enrolments", None, "'enrolments'"),
    ("enrolments", {"a": 1}, "'enrolments'"),
    ("enrolments", [{"start": "2026-01-01"}], "'enrolments[0].target_group'"),
    ("enrolments", [{"target_group": "nope", "start": "2026-01-01"}], "'enrolments[0].target_group'"),
    ("enrolments", [{"target_group": "dagpenge"}], "'enrolments[0].start'"),
    ("enrolments", [{"target_group": "dagpenge", "start": "2026-13-01"}], "'enrolments[0].start'"),
    ("enrolments", [{"target_group": "dagpenge", "start": "2026-01-01", "count": 0}],
     "'enrolments[0].count'"),
    ("enrolments", [{"target_group": "dagpenge", "start": "2026-01-01", "end": "2025-01-01"}],
     "'enrolments[0].end'"),
    ("contacts", [{"date": "2026-11-01", "kind": "jobsamtale", "channel": "telefon"}],
     "'contacts[0].enrolment'"),
    ("contacts", [{"enrolment": 5, "date": "2026-11-01", "kind": "jobsamtale", "channel": "telefon"}],
     "'contacts[0].enrolment'"),
    ("contacts", [{"enrolment": 0, "kind": "jobsamtale", "channel": "telefon"}], "'contacts[0].date'"),
    ("contacts", [{"enrolment": 0, "date": "2026-11-01", "channel": "telefon"}], "'contacts[0].kind'"),
    ("contacts", [{"enrolment": 0, "date": "2026-11-01", "kind": "jobsamtale"}], "'contacts[0].channel'"),
    ("inflow", {"dagpenge": ["x"]}, "'inflow.dagpenge[0]'"),
    ("assumptions", {"fte_cost": -1}, "'assumptions.fte_cost'"),
]


@pytest.mark.parametrize(("field", "value", "named"), REQUIRED_BROKEN)
def test_each_field_missing_or_malformed_exits_2_naming_it(tmp_path, capsys, field, value, named):
    data = dict(BASE)
    if value is None:
        del data[field]
    else:
        data[field] = value
    code, out, err = run(tmp_path, capsys, data)
    assert code == 2
    assert out == ""
    assert named in err


def test_invalid_json_and_a_missing_file_exit_2(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, "{not json")
    assert code == 2 and out == "" and "JSON" in err
    with pytest.raises(SystemExit) as exc:
        call_command("forecast_check", str(tmp_path / "absent.json"))
    assert exc.value.code == 2
