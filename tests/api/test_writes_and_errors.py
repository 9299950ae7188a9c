"""Writes through the services, optimistic locking (409) and one JSON shape for every error."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from citizens.models import AuditEvent, Citizen
from jobcenter.models import ForecastSnapshot
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def nord_citizen(teams, alice):
    return make_citizen(teams[0], alice, name="Nora Nord")


def _create_payload(teams, alice, **extra):
    return {
        "cpr": "010190-1234",
        "first_name": "Ny",
        "last_name": "Borger",
        "team": teams[0].pk,
        "caseworker": alice.pk,
        "target_group": "kh-jobparat",
        "start": (timezone.localdate() - timedelta(days=10)).isoformat(),
        **extra,
    }


def test_create_citizen_masks_cpr_and_audits(teams, alice):
    response = api_for(alice).post("/api/v1/citizens/", _create_payload(teams, alice), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cpr"] == "010190-xxxx"
    assert body["current_target_group"] == "kh-jobparat"
    assert AuditEvent.objects.filter(citizen_id=body["id"], action="create").exists()


def test_invalid_cpr_is_400_with_field(teams, alice):
    response = api_for(alice).post(
        "/api/v1/citizens/", _create_payload(teams, alice, cpr="999999-1234"), format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert "cpr" in error["fields"] and "dato" in error["fields"]["cpr"][0]
    assert not Citizen.objects.exists()


def test_unknown_field_and_wrong_type_are_400(teams, alice):
    api = api_for(alice)
    response = api.post("/api/v1/citizens/", _create_payload(teams, alice, shoe_size=44), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"shoe_size": ["Ukendt felt."]}
    response = api.post("/api/v1/citizens/", _create_payload(teams, alice, team="nord"), format="json")
    assert response.status_code == 400 and "team" in response.json()["error"]["fields"]
    response = api.post("/api/v1/citizens/", [1, 2], format="json")
    assert response.status_code == 400


def test_other_team_is_not_a_valid_choice_for_a_caseworker(teams, alice):
    response = api_for(alice).post(
        "/api/v1/citizens/", _create_payload(teams, alice, team=teams[1].pk, caseworker=None), format="json"
    )
    assert response.status_code == 400 and "team" in response.json()["error"]["fields"]


def test_malformed_json_is_400(alice):
    response = api_for(alice).generic(
        "POST", "/api/v1/citizens/", b'{"cpr": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_wrong_content_type_is_415(alice):
    response = api_for(alice).generic("POST", "/api/v1/citizens/", b"cpr=1", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["status"] == 415


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_huge_payload_is_413(alice):
    body = b'{"note": "' + b"x" * 5000 + b'"}'
    response = api_for(alice).generic("POST", "/api/v1/contacts/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_english_on_request(alice):
    response = api_for(alice).get("/api/v1/citizens/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"error": {"status": 404, "message": "Not found."}}
    response = api_for(alice).post("/api/v1/citizens/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"].startswith("Invalid data")
    assert response.json()["error"]["fields"]["cpr"] == ["This field is required."]


def test_patch_with_version_and_stale_version_is_409(alice, nord_citizen):
    api = api_for(alice)
    url = f"/api/v1/citizens/{nord_citizen.pk}/"
    version = api.get(url).json()["version"]
    response = api.patch(url, {"version": version, "first_name": "Nina"}, format="json")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Nina" and response.json()["version"] == version + 1
    stale = api.patch(url, {"version": version, "first_name": "Nanna"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["status"] == 409
    assert Citizen.objects.get(pk=nord_citizen.pk).first_name == "Nina"


def test_patch_requires_version(alice, nord_citizen):
    url = f"/api/v1/citizens/{nord_citizen.pk}/"
    response = api_for(alice).patch(url, {"first_name": "X"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]


def test_register_contact_via_service(alice, nord_citizen):
    api = api_for(alice)
    payload = {
        "citizen": nord_citizen.pk,
        "date": timezone.localdate().isoformat(),
        "kind": "jobsamtale",
        "channel": "fremmoede",
    }
    response = api.post("/api/v1/contacts/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["held_by"] == alice.pk
    future = {**payload, "date": (timezone.localdate() + timedelta(days=3)).isoformat()}
    response = api.post("/api/v1/contacts/", future, format="json")
    assert response.status_code == 400 and "fremtiden" in response.json()["error"]["fields"]["date"][0]
    rows = api.get(f"/api/v1/contacts/?citizen={nord_citizen.pk}").json()["results"]
    assert len(rows) == 1
    assert api.get("/api/v1/contacts/?citizen=abc").status_code == 400


def test_transfer_enrolment(alice, nord_citizen):
    payload = {
        "citizen": nord_citizen.pk,
        "target_group": "kh-aktivitetsparat",
        "start": timezone.localdate().isoformat(),
    }
    response = api_for(alice).post("/api/v1/enrolments/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["target_group"] == "kh-aktivitetsparat"
    again = api_for(alice).post("/api/v1/enrolments/", payload, format="json")
    assert again.status_code == 400 and "target_group" in again.json()["error"]["fields"]


def test_worklist_uses_the_ui_filters(alice, teams, nord_citizen):
    api = api_for(alice)
    body = api.get("/api/v1/worklist/?status=all&scope=mine").json()
    assert [c["id"] for c in body["results"]] == [nord_citizen.pk]
    assert api.get("/api/v1/worklist/?status=bogus").status_code == 400
    assert api.get("/api/v1/worklist/?q=zzzz").json()["count"] == 0


def test_cursor_pagination(ada, teams):
    for i in range(3):
        make_citizen(teams[0], name=f"Side Nr{i}")
    api = api_for(ada)
    first = api.get("/api/v1/citizens/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None


def test_forecast_post_answers_202_with_job_url(lea, django_capture_on_commit_callbacks):
    from catalogue.economy import load_demo_economy

    load_demo_economy()
    api = api_for(lea)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/forecasts/", {"months": 12}, format="json")
    assert response.status_code == 202, response.json()
    url = response["Location"]
    assert url == response.json()["url"]
    status = api.get(url).json()
    assert status["status"] == ForecastSnapshot.Status.DONE  # eager Celery in tests
    assert status["progress"] == 100 and status["result"]
    assert api.post("/api/v1/forecasts/", {"months": 7}, format="json").status_code == 400


def test_rule_set_write_validates_like_admin(ada):
    api = api_for(ada)
    bad = {
        "code": "lokal-y",
        "name": "Lokal",
        "kind": "local",
        "valid_from": "2027-01-01",
        "valid_to": "2026-01-01",
    }
    response = api.post("/api/v1/rule-sets/", bad, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_unknown_api_path_and_method_answer_in_the_error_shape(alice):
    api = api_for(alice)
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "message": "Findes ikke."}}
    response = api.put("/api/v1/citizens/1/", {}, format="json")
    assert response.status_code == 405 and response.json()["error"]["status"] == 405


def test_forecast_result_shows_a_team_leader_only_their_teams(
    lea, bob, teams, django_capture_on_commit_callbacks
):
    from catalogue.economy import load_demo_economy

    load_demo_economy()
    make_citizen(teams[0], None, name="Nina Nord")
    make_citizen(teams[1], bob, name="Sune Syd")
    with django_capture_on_commit_callbacks(execute=True):
        url = api_for(lea).post("/api/v1/forecasts/", {"months": 12}, format="json")["Location"]
    result = api_for(lea).get(url).json()["result"]
    assert set(result["teams"]) == {str(teams[0].pk)}
    assert str(bob.pk) not in result["caseworkers"]
    for data in result["sets"].values():
        assert {row[0] for row in data["rows"]} <= {teams[0].pk}


def test_editing_an_active_rule_set_through_the_api_refreshes_stored_obligations(
    ada, alice, teams, django_capture_on_commit_callbacks
):
    from catalogue.models import RuleSet

    citizen = make_citizen(teams[0], alice)
    expected = citizen.next_due
    Citizen.objects.filter(pk=citizen.pk).update(next_due=None, next_status="")  # stale on purpose
    reform = RuleSet.objects.get(code="reform-2026")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(ada).patch(
            f"/api/v1/rule-sets/{reform.pk}/", {"note": "Rettet note"}, format="json"
        )
    assert response.status_code == 200, response.json()
    citizen.refresh_from_db()
    assert citizen.next_due == expected and citizen.next_status
