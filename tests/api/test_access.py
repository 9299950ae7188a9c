"""Every persona's access per endpoint: the API decides through the same selectors as the UI."""

import pytest

from citizens.models import AuditEvent
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def nord_citizen(teams, alice):
    return make_citizen(teams[0], alice, name="Nora Nord")


@pytest.fixture
def syd_citizen(teams, bob):
    return make_citizen(teams[1], bob, name="Sigurd Syd")


def test_anonymous_gets_401_json(client):
    response = client.get("/api/v1/citizens/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_caseworker_lists_only_own_team(alice, nord_citizen, syd_citizen):
    body = api_for(alice).get("/api/v1/citizens/").json()
    assert [c["id"] for c in body["results"]] == [nord_citizen.pk]
    assert body["results"][0]["cpr"].endswith("-xxxx")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/citizens/{id}/",
        "/api/v1/citizens/{id}/indsigt/",
    ],
)
def test_other_teams_citizen_is_404(alice, syd_citizen, path):
    response = api_for(alice).get(path.format(id=syd_citizen.pk))
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "message": "Findes ikke."}}


def test_other_teams_citizen_cannot_be_revealed_or_written(alice, syd_citizen):
    api = api_for(alice)
    assert api.post(f"/api/v1/citizens/{syd_citizen.pk}/reveal-cpr/").status_code == 404
    assert (
        api.patch(
            f"/api/v1/citizens/{syd_citizen.pk}/", {"version": 1, "first_name": "X"}, format="json"
        ).status_code
        == 404
    )
    contact = {"citizen": syd_citizen.pk, "date": "2026-01-05", "kind": "jobsamtale", "channel": "telefon"}
    assert api.post("/api/v1/contacts/", contact, format="json").status_code == 404


def test_nested_lists_hide_other_teams(alice, nord_citizen, syd_citizen):
    api = api_for(alice)
    for path in ("enrolments", "obligations", "contacts"):
        rows = api.get(f"/api/v1/{path}/").json()["results"]
        assert all(row["citizen"] == nord_citizen.pk for row in rows), path
    enrolment = syd_citizen.enrolments.get()
    assert api.get(f"/api/v1/enrolments/{enrolment.pk}/").status_code == 404


def test_team_leader_sees_team_and_admin_sees_all(lea, ada, nord_citizen, syd_citizen):
    assert {c["id"] for c in api_for(lea).get("/api/v1/citizens/").json()["results"]} == {nord_citizen.pk}
    assert {c["id"] for c in api_for(ada).get("/api/v1/citizens/").json()["results"]} == {
        nord_citizen.pk,
        syd_citizen.pk,
    }


def test_detail_read_and_reveal_are_audited(alice, nord_citizen):
    api = api_for(alice)
    body = api.get(f"/api/v1/citizens/{nord_citizen.pk}/").json()
    assert body["cpr"] == nord_citizen.masked_cpr
    revealed = api.post(f"/api/v1/citizens/{nord_citizen.pk}/reveal-cpr/").json()
    assert revealed["cpr"] == f"{nord_citizen.cpr[:6]}-{nord_citizen.cpr[6:]}"
    actions = list(AuditEvent.objects.filter(citizen=nord_citizen).values_list("action", flat=True))
    assert AuditEvent.Action.VIEW in actions and AuditEvent.Action.REVEAL_CPR in actions


def test_caseworker_cannot_write_rule_sets_but_reads_them(alice, ada):
    api = api_for(alice)
    assert api.get("/api/v1/rule-sets/").status_code == 200
    new = {"code": "lokal-x", "name": "Lokal", "kind": "local", "valid_from": "2027-01-01"}
    response = api.post("/api/v1/rule-sets/", new, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    rule_set = api.get("/api/v1/rule-sets/").json()[0]
    assert api.patch(f"/api/v1/rule-sets/{rule_set['id']}/", {"name": "x"}, format="json").status_code == 403
    assert api.post(f"/api/v1/rule-sets/{rule_set['id']}/activate/").status_code == 403
    assert api_for(ada).post("/api/v1/rule-sets/", new, format="json").status_code == 201


def test_economy_and_forecasts_are_for_leaders(alice, lea):
    for path in ("cost-assumptions", "initiatives", "investments", "forecasts"):
        assert api_for(alice).get(f"/api/v1/{path}/").status_code == 403, path
        assert api_for(lea).get(f"/api/v1/{path}/").status_code == 200, path
    assert api_for(lea).post("/api/v1/initiatives/", {}, format="json").status_code == 403


def test_audit_log_is_admin_only(alice, lea, ada, nord_citizen):
    assert api_for(alice).get("/api/v1/audit-events/").status_code == 403
    assert api_for(lea).get("/api/v1/audit-events/").status_code == 403
    assert api_for(ada).get("/api/v1/audit-events/").status_code == 200


def test_teams_and_staff_are_scoped(alice, bob, ada):
    teams = api_for(alice).get("/api/v1/teams/").json()
    assert [t["name"] for t in teams] == ["Team Nord"]
    staff = api_for(alice).get("/api/v1/staff/").json()
    assert {s["username"] for s in staff} == {"alice"}
    assert len(api_for(ada).get("/api/v1/teams/").json()) == 2


def test_session_auth_works_too(client, alice, nord_citizen):
    client.force_login(alice.user)
    assert client.get("/api/v1/citizens/").status_code == 200


def test_revoked_token_is_refused(alice):
    from rest_framework.authtoken.models import Token

    api = api_for(alice)
    Token.objects.filter(user=alice.user).delete()
    assert api.get("/api/v1/citizens/").status_code == 401


def test_api_reads_of_citizen_records_are_audited(alice, teams):
    citizen = make_citizen(teams[0], alice, name="Audit Borger")
    api = api_for(alice)
    contacts = api.post(
        "/api/v1/contacts/",
        {
            "citizen": citizen.pk,
            "date": str(citizen.current_start),
            "kind": "jobsamtale",
            "channel": "fremmoede",
            "minutes": 45,
            "outcome": "held",
        },
        format="json",
    )
    assert contacts.status_code == 201, contacts.json()
    AuditEvent.objects.all().delete()
    assert api.get(f"/api/v1/contacts/{contacts.json()['id']}/").status_code == 200
    assert api.get(f"/api/v1/obligations/?citizen={citizen.pk}").status_code == 200
    assert api.get("/api/v1/enrolments/").status_code == 200
    events = list(AuditEvent.objects.order_by("id").values_list("action", "citizen_id"))
    assert events == [("view", citizen.pk), ("view", citizen.pk), ("export", None)]
