"""Issue 10, hardening: CSP, no-store, the idle timeout, /healthz details, fail-closed settings and
lockout per client address."""

import os
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from jobcenter.celery import app
from tests.citizens.factories import make_citizen
from tests.conftest import ROOT, celery_configure, client_for

pytestmark = pytest.mark.django_db


def test_csp_without_unsafe_inline_on_pages_and_api(client, alice):
    client_for(client, alice)
    for url in (reverse("home"), "/api/v1/teams/", "/api/docs/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


def test_responses_with_personal_data_are_not_stored(client, alice, teams):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    responses = [
        client.get(reverse("citizens:detail", args=[citizen.pk])),
        client.get(reverse("citizens:indsigt", args=[citizen.pk])),
        client.get(reverse("citizens:worklist"), {"_export": "csv"}),
        client.get(reverse("citizens:worklist"), {"_export": "xlsx"}),
        client.get("/api/v1/citizens/"),
        client.get(f"/api/v1/citizens/{citizen.pk}/indsigt/"),
        client.post(f"/api/v1/citizens/{citizen.pk}/reveal-cpr/"),
        client.post(reverse("citizens:reveal_cpr", args=[citizen.pk]), headers={"HX-Request": "true"}),
    ]
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
        assert "private" in response["Cache-Control"]


def test_session_ends_after_the_idle_timeout(client, alice, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client_for(client, alice)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_last_activity"] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200  # still active, and the clock restarts
    assert client.session["_last_activity"] >= int(time.time()) - 5
    session = client.session
    session["_last_activity"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/v1/teams/").status_code == 401  # signed out for the API too


@pytest.fixture
def unreachable_broker():
    saved = celery_configure(app, broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    yield
    celery_configure(app, **saved)


def test_healthz_details_only_for_staff_or_localhost(client, alice, unreachable_broker):
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    anonymous = client.get("/healthz", **remote)
    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "error"}  # no exception text, host or port
    forwarded = client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forwarded.json() == {"status": "error"}  # a local proxy does not make the client local
    local = client.get("/healthz", REMOTE_ADDR="127.0.0.1")
    assert local.json()["failed"] == ["broker"] and "127.0.0.1:1" in str(local.json()["errors"])
    client_for(client, alice)
    staff = client.get("/healthz", **remote)
    assert staff.status_code == 503 and staff.json()["failed"] == ["broker"]


def _settings_env(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(values)
    return env


PRINT_DEBUG = "import jobcenter.settings as s; print('DEBUG', s.DEBUG)"


def test_settings_fail_closed_without_secret_key():
    refused = subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG], cwd=ROOT, env=_settings_env(), capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
    production = subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG],
        cwd=ROOT,
        env=_settings_env(SECRET_KEY="x" * 60),
        capture_output=True,
        text=True,
    )
    assert production.stdout.strip() == "DEBUG False"  # a key alone never turns DEBUG on
    development = subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG],
        cwd=ROOT,
        env=_settings_env(DEBUG="1"),
        capture_output=True,
        text=True,
    )
    assert development.stdout.strip() == "DEBUG True"


def test_make_run_asks_for_debug():
    makefile = (ROOT / "Makefile").read_text()
    assert "run setup migrate demo serve" in makefile and "export DEBUG ?= 1" in makefile


def test_one_address_cannot_spray_a_password_across_accounts(client, alice, settings):
    address = {"REMOTE_ADDR": "198.51.100.7"}
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        client.post("/login/", {"username": f"user{i}", "password": "Sommer2026!"}, **address)
    locked = client.post("/login/", {"username": "alice", "password": "pw-alice"}, **address)
    assert locked.status_code == 429
    assert not locked.wsgi_request.user.is_authenticated
    elsewhere = client.post(
        "/login/", {"username": "alice", "password": "pw-alice"}, REMOTE_ADDR="198.51.100.8"
    )
    assert elsewhere.status_code == 302  # the account itself is not locked


def test_a_few_typos_in_an_office_behind_one_address_lock_nobody_else(client, alice, settings):
    address = {"REMOTE_ADDR": "198.51.100.20"}
    for i in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        client.post("/login/", {"username": f"colleague{i}", "password": "typo"}, **address)
    assert client.post("/login/", {"username": "alice", "password": "pw-alice"}, **address).status_code == 302


def test_settings_refuse_an_unknown_role_in_the_sso_mapping_and_local_login_off_without_sso():
    for values in (
        {"OIDC_RP_CLIENT_ID": "kp", "OIDC_ROLE_GROUPS": '{"sg-x": "chef"}'},
        {"LOCAL_LOGIN": "0"},
    ):
        result = subprocess.run(
            [sys.executable, "-c", PRINT_DEBUG],
            cwd=ROOT,
            env=_settings_env(DEBUG="1", **values),
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0 and "RuntimeError" in result.stderr, values
