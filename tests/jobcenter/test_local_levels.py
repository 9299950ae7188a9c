"""Local service levels in the forecast: counted on top of the statutory set, and priced in the catalogue."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from catalogue.models import Initiative, RuleSet, TargetGroup
from catalogue.rulebook import load_rulebook
from jobcenter import forecast as fc
from jobcenter import report_data, services
from jobcenter.models import ForecastSnapshot
from tests.jobcenter.economy_fixtures import ensure_rules, make_caseload

BOOK = load_rulebook()
LOCAL = "lokal-jobparat-3-mdr"
ASSUME = fc.Assumptions(minutes={"|fremmoede": 45, "|telefon": 30, "|video": 30, "|digital": 20})
ON = date(2027, 3, 1)


def test_local_level_obligations_are_counted_on_top_of_the_statutory_set():
    # kh-jobparat since August 2026: the statutory talks are all within the first 6 months; the
    # local level adds a talk every 3 months after month 6.
    cohort = [fc.Cohort("kh-jobparat", date(2026, 8, 3), 10)]
    statutory = fc.forecast(BOOK, "lab-2027", cohort, ON, 12, ASSUME)
    layered = fc.forecast(BOOK, fc.layered_code("lab-2027", [LOCAL]), cohort, ON, 12, ASSUME)
    extra = sum(layered.totals()[0]) - sum(statutory.totals()[0])
    assert extra == pytest.approx(10 * 4, abs=10)  # about one talk a quarter each, for a year
    assert layered.method["local_sets"] == [LOCAL] and statutory.method["local_sets"] == []
    assert fc.split_code("lab-2027+" + LOCAL) == ("lab-2027", (LOCAL,))


@pytest.mark.django_db
def test_forecast_check_layers_the_local_rule_set_and_refuses_a_statutory_one(tmp_path, capsys):
    ensure_rules()
    scenario = {"on": "2027-03-01", "rule_set": "lab-2027", "months": 12,
                "enrolments": [{"target_group": "kh-jobparat", "start": "2026-08-03", "count": 10}]}
    outputs = []
    for extra in ({}, {"local_rule_set": LOCAL}):
        path = tmp_path / "s.json"
        path.write_text(json.dumps({**scenario, **extra}))
        call_command("forecast_check", str(path))
        outputs.append(json.loads(capsys.readouterr().out))
    plain, local = (sum(m["contacts"] for m in o["months"]) for o in outputs)
    assert local > plain + 20
    assert outputs[1]["method"]["local_rule_set"] == LOCAL
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**scenario, "local_rule_set": "reform-2026"}))
    with pytest.raises(SystemExit) as exc:
        call_command("forecast_check", str(path))
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == "" and "'local_rule_set'" in err


@pytest.mark.django_db
def test_default_forecasts_layer_active_local_levels_and_the_catalogue_line_is_computed(alice, bob):
    make_caseload(alice, bob)
    assert RuleSet.objects.filter(code=LOCAL, kind="local", status="active").exists()
    codes = services.default_codes()
    assert "lab-2027" in codes and f"lab-2027+{LOCAL}" in codes and LOCAL not in codes
    snapshot, _ = services.forecast_request(rule_sets=codes, on=date(2026, 11, 27), months=12)
    services.compute_snapshot(snapshot)
    snapshot = ForecastSnapshot.objects.get(pk=snapshot.pk)
    line = Initiative.objects.create(
        title="Lokalt serviceniveau (test)", category="specified", type="service_level",
        realisation="manual", from_rule_set=RuleSet.objects.get(code=LOCAL),
        affected_group=TargetGroup.objects.get(code="kh-jobparat"), target_2029=1_000_000,
    )
    saving = report_data.computed_saving(line, snapshot)
    assert saving["from"] == f"lab-2027+{LOCAL}" and saving["to"] == "lab-2027"
    assert saving["steady"]["dkk"] > 0  # dropping the local level saves money
    value, how = report_data.initiative_saving(line, snapshot)
    assert value == pytest.approx(saving["steady"]["dkk"]) and how == "beregnet"
