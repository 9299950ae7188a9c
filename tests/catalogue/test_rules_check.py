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
