"""Issue 10, API findings: hostile input answers 4xx in the error shape, the access check comes
before any audit entry, the API is closed to anonymous readers, lists are audited naming the
citizens shown, tokens expire, record their use and die with their user."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import include, path
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from citizens.models import AuditEvent
from jobcenter.models import ApiTokenUse
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]


@pytest.mark.parametrize("endpoint", ["contacts", "enrolments", "obligations"])
def test_citizen_filter_on_unknown_or_foreign_citizen_is_404_and_writes_no_audit(
    endpoint, alice, bob, teams
):
    foreign = make_citizen(teams[1], bob, name="Syd Borger")
    api = api_for(alice)
    before = AuditEvent.objects.count()
    for citizen_id in (987654321, foreign.pk):
        response = api.get(f"/api/v1/{endpoint}/", {"citizen": citizen_id})
        assert response.status_code == 404
        assert error_of(response)["status"] == 404
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(citizen=foreign).exists()  # nothing false in bob's indsigt


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/target-groups/",
        "/api/v1/rule-sets/",
        "/api/v1/contact-rules/",
        "/api/v1/teams/",
        "/api/schema/",
        "/api/docs/",
        "/api/docs/?script=",
    ],
)
def test_api_requires_login(url, client):
    response = client.get(url)
    assert response.status_code == 401
    assert error_of(response)["message"] == "Du skal være logget ind."


def test_signed_in_users_still_read_the_catalogue_and_schema(client, alice):
    client.force_login(alice.user)
    assert client.get("/api/v1/target-groups/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_deeply_nested_json_is_400_not_a_recursion_error(alice):
    api = api_for(alice)
    body = "[" * 200_000 + "]" * 200_000
    response = api.post("/api/v1/contacts/", body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["status"] == 400


def test_nul_in_a_query_or_a_name_is_400_in_the_error_shape(alice, teams):
    api = api_for(alice)
    response = api.get("/api/v1/worklist/", {"q": "An\x00na"})
    assert response.status_code == 400
    assert "q" in error_of(response)["fields"]
    response = api.post(
        "/api/v1/citizens/",
        {
            "cpr": "010190-1234",
            "first_name": "An\x00na",
            "last_name": "Borger",
            "team": teams[0].pk,
            "target_group": "kh-jobparat",
            "start": "2026-10-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "first_name" in error_of(response)["fields"]


def test_api_lists_are_audited_naming_the_citizens_shown(alice, teams):
    shown = [make_citizen(teams[0], alice, name=f"Liste Borger{i}") for i in range(3)]
    api = api_for(alice)
    AuditEvent.objects.all().delete()
    for url in ("/api/v1/citizens/", "/api/v1/worklist/", "/api/v1/enrolments/"):
        assert api.get(url).status_code == 200
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 3  # one entry per request
    for event in events:
        assert event.action == AuditEvent.Action.EXPORT
        assert sorted(event.details["citizens"]) == sorted(c.pk for c in shown)


def test_api_worklist_page_size_is_clamped_to_500(alice, teams):
    make_citizen(teams[0], alice)
    response = api_for(alice).get("/api/v1/worklist/", {"page_size": 100000})
    assert response.status_code == 200
    response = api_for(alice).get("/api/v1/worklist/", {"page_size": -1})
    assert response.status_code == 200  # DRF falls back to the default size


# --- errors outside the router --------------------------------------------------------------


def _boom(request):
    raise RuntimeError("kaput")


urlpatterns = [path("api/boom/", _boom), path("", include("jobcenter.urls"))]
handler500 = "jobcenter.errors.server_error"


def test_every_api_path_answers_json_errors(client, alice):
    client.force_login(alice.user)
    assert error_of(client.get("/api/no-such-thing/"))["status"] == 404
    assert error_of(client.delete("/api/v1/teams/"))["status"] == 405
    too_big = client.post(
        "/api/v1/contacts/", "x=" + "a" * (1024 * 1024 + 10), content_type="application/x-www-form-urlencoded"
    )
    assert too_big.status_code == 413
    assert error_of(too_big)["status"] == 413
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__):
        crashed = client.get("/api/boom/")
    assert crashed.status_code == 500
    assert error_of(crashed)["message"].startswith("Der opstod en fejl")


# --- tokens ---------------------------------------------------------------------------------


def test_tokens_expire_after_api_token_days(alice, settings):
    settings.API_TOKEN_DAYS = 90
    token = Token.objects.create(user=alice.user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=91))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/teams/")
    assert response.status_code == 401
    assert "udløbet" in str(response.json())
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=89))
    assert api.get("/api/v1/teams/").status_code == 200


def test_deactivating_a_user_revokes_the_token(alice):
    api = api_for(alice)
    assert api.get("/api/v1/teams/").status_code == 200
    alice.user.is_active = False
    alice.user.save()
    assert not Token.objects.filter(user=alice.user).exists()
    alice.user.is_active = True
    alice.user.save()
    assert api.get("/api/v1/teams/").status_code == 401  # reactivation does not revive it


def test_last_use_is_recorded_and_listed_in_admin(client, alice, ada):
    api = api_for(alice)
    assert api.get("/api/v1/teams/").status_code == 200
    use = ApiTokenUse.objects.get(token__user=alice.user)
    assert use.last_used_from == "127.0.0.1"
    assert timezone.now() - use.last_used_at < timedelta(minutes=1)
    client.force_login(ada.user)
    page = client.get("/admin/authtoken/tokenproxy/").content.decode()
    assert "senest brugt" in page.lower() and "udløber" in page.lower()
    assert "127.0.0.1" in page
