import json

import pytest
from django.core.management import call_command

EXAMPLE = {
    "on": "2026-09-01",
    "rule_set": "reform-2026",
    "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01"}],
    "contacts": [{"date": "2026-07-03", "kind": "jobsamtale", "channel": "fremmoede"}],
}


def run(tmp_path, capsys, content: str):
    path = tmp_path / "scenario.json"
    path.write_text(content, encoding="utf-8")
    call_command("rules_check", str(path))
    return capsys.readouterr()


def run_failing(tmp_path, capsys, content: str):
    with pytest.raises(SystemExit) as exc:
        run(tmp_path, capsys, content)
    assert exc.value.code == 2
    return capsys.readouterr()


@pytest.mark.django_db
def test_example_scenario_meets_the_first_talk(tmp_path, capsys):
    out = run(tmp_path, capsys, json.dumps(EXAMPLE))
    rows = json.loads(out.out)
    first = next(r for r in rows if r["rule"] == "kh-jobparat.foerste-jobsamtale")
    assert first["status"] == "met"
    assert first["met_by"] == "2026-07-03"
    assert first["rule_set"] == "reform-2026"
    assert '"target_group": "kh-jobparat"' in out.out  # indent 2, readable
    assert "\n  {" in out.out


@pytest.mark.django_db
def test_output_keeps_danish_letters(tmp_path, capsys):
    out = run(tmp_path, capsys, json.dumps(EXAMPLE))
    assert "\\u00" not in out.out


@pytest.mark.django_db
def test_malformed_field_exits_2_naming_the_field(tmp_path, capsys):
    bad = {**EXAMPLE, "enrolments": [{"target_group": "kh-jobparat", "start": "1. juli"}]}
    err = run_failing(tmp_path, capsys, json.dumps(bad)).err
    assert "enrolments[0].start" in err
    assert "ugyldig dato" in err


@pytest.mark.django_db
def test_invalid_json_exits_2(tmp_path, capsys):
    err = run_failing(tmp_path, capsys, '{"on": "2026-09-01",').err
    assert "ikke gyldig JSON" in err


@pytest.mark.django_db
def test_missing_file_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("rules_check", str(tmp_path / "findes-ikke.json"))
    assert exc.value.code == 2
    assert "findes ikke" in capsys.readouterr().err


@pytest.mark.django_db
def test_unknown_target_group_exits_2(tmp_path, capsys):
    bad = {**EXAMPLE, "enrolments": [{"target_group": "pensionist", "start": "2026-07-01"}]}
    err = run_failing(tmp_path, capsys, json.dumps(bad)).err
    assert "enrolments[0].target_group" in err
    assert "ukendt målgruppe" in err


@pytest.mark.django_db
def test_local_rule_set_layers_one_and_every_obligation_says_local(tmp_path, capsys):
    scenario = {"on": "2027-03-01", "local_rule_set": "lokal-jobparat-3-mdr",
                "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01"}]}
    rows = json.loads(run(tmp_path, capsys, json.dumps(scenario)).out)
    assert {type(r["local"]) for r in rows} == {bool}
    assert [(r["rule"], r["latest"]) for r in rows if r["local"]] == [
        ("kh-jobparat.lokal-jobsamtale-hver-3-mdr", "2027-04-01")]
    assert any(not r["local"] for r in rows)


@pytest.mark.django_db
def test_rolling_rule_in_the_scenarios_rule_set(tmp_path, capsys):
    scenario = {"on": "2028-08-01", "rule_set": "lab-2027",
                "enrolments": [{"target_group": "jobhjaelp", "start": "2027-02-01"}],
                "contacts": [{"date": "2027-04-15", "kind": "kontakt", "channel": "telefon"}]}
    rows = json.loads(run(tmp_path, capsys, json.dumps(scenario)).out)
    last = [r for r in rows if r["rule"] == "jobhjaelp.kontakt-hver-12-mdr"][-1]
    assert (last["latest"], last["status"], last["local"]) == ("2028-04-15", "overdue", False)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["findes-ikke", "reform-2026", 3])
def test_bad_local_rule_set_exits_2_naming_the_field(tmp_path, capsys, value):
    err = run_failing(tmp_path, capsys, json.dumps({**EXAMPLE, "local_rule_set": value})).err
    assert "'local_rule_set'" in err
