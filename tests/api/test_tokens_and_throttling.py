"""Per-user API tokens issued and revoked by admins in Django admin; throttling answers 429."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tests.api.conftest import api_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_admin_issues_and_revokes_tokens_in_admin(client, ada, alice):
    client_for(client, ada)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 200
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": alice.user.pk})
    assert response.status_code == 302
    token = Token.objects.get(user=alice.user)
    api = api_for(alice)
    assert api.get("/api/v1/citizens/").status_code == 200
    # the admin addresses a token by its user's id, so the key never appears in a URL
    response = client.post(f"/admin/authtoken/tokenproxy/{token.user_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=alice.user).exists()
    assert api.get("/api/v1/citizens/").status_code == 401


def test_caseworker_cannot_issue_tokens(client, alice):
    client_for(client, alice)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code in (302, 403)


def test_throttled_requests_get_429_in_the_error_shape(alice, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": "2/minute"})
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": "2/minute"})
    api = api_for(alice)
    statuses = [api.get("/api/v1/teams/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    body = api.get("/api/v1/teams/").json()
    assert body["error"]["status"] == 429
