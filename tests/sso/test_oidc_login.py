"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit in OIDC mode, started
on 127.0.0.1 in its own process): the full authorization-code flow with PKCE, signed ID tokens
checked against the provider's JWKS, and roles and teams mapped from the groups claim."""

import json
import re
import socket
import subprocess
import sys
from html import unescape

import pytest
import requests

from jobcenter.models import Role, StaffMember
from tests.conftest import ROOT, make_staff

# A live server needs real transactions (the database is flushed afterwards).
pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID = "kontaktplan-test"
CLIENT_SECRET = "kontaktplan-test-secret-0123456789"
USERS = {
    "mette.leder": {
        "password": "Mette-pw-1",
        "first_name": "Mette",
        "last_name": "Leder",
        "email": "mette@kommune.example",
        "groups": ["sg-kontaktplan-teamledere", "sg-team-nord", "sg-alle-ansatte"],
    },
    "kurt.kollega": {
        "password": "Kurt-pw-1",
        "first_name": "Kurt",
        "last_name": "Kollega",
        "email": "kurt@kommune.example",
        "groups": ["sg-alle-ansatte"],  # in no Kontaktplan group
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def provider(live_server, tmp_path):
    port = free_port()
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/oidc/callback/",
        "users": USERS,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.provider.run", str(port), str(tmp_path), json.dumps(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            pytest.fail(f"the OIDC provider did not start: {line}{proc.stdout.read()[-3000:]}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def sso(settings, provider, teams):
    """Kontaktplan configured as the README says, against the provider above."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    settings.OIDC_ROLE_GROUPS = {
        "sg-kontaktplan-sagsbehandlere": "caseworker",
        "sg-kontaktplan-teamledere": "team_leader",
        "sg-kontaktplan-admins": "admin",
    }
    settings.OIDC_TEAM_GROUPS = {"sg-team-nord": "Team Nord", "sg-team-syd": "Team Syd"}
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "jobcenter.sso.KontaktplanOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    return provider


def sign_in_at_provider(session: requests.Session, start_url: str, provider: str, username: str):
    """Follow Kontaktplan's redirect to the provider, sign in there, and follow back."""
    page = session.get(start_url, timeout=30)
    assert page.url.startswith(f"{provider}/accounts/login/"), page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    following = unescape(re.search(r'name="next" value="([^"]*)"', page.text).group(1))
    return session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": USERS[username]["password"],
            "next": following,
        },
        headers={"Referer": page.url},
        timeout=30,
    )


def test_sign_in_through_the_provider_maps_role_and_team(live_server, sso, teams):
    # An existing local caseworker in Team Syd: the provider's groups now say team leader in Nord.
    make_staff("mette.leder", Role.CASEWORKER, teams[1])
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/login/", timeout=30)
    assert "/oidc/authenticate/" in login_page.text
    landed = sign_in_at_provider(
        session, f"{live_server.url}/oidc/authenticate/?next=/borgere/", sso, "mette.leder"
    )
    assert landed.status_code == 200
    assert landed.url == f"{live_server.url}/borgere/", [r.url for r in landed.history]
    assert "Mette Leder" in landed.text
    member = StaffMember.objects.select_related("user", "team").get(user__username="mette.leder")
    assert member.role == Role.TEAM_LEADER
    assert member.team == teams[0]
    assert list(member.led_teams.all()) == [teams[0]]
    assert member.user.email == "mette@kommune.example"
    assert not member.user.is_staff
    # The mapped role is what the app enforces: a team leader reaches the reassignment page.
    assert session.get(f"{live_server.url}/borgere/omfordeling/", timeout=30).status_code == 200


def test_a_user_in_no_mapped_group_is_refused(live_server, sso):
    session = requests.Session()
    landed = sign_in_at_provider(session, f"{live_server.url}/oidc/authenticate/", sso, "kurt.kollega")
    assert "/login/" in landed.url  # back at the login page, not signed in
    assert session.get(f"{live_server.url}/borgere/", allow_redirects=False, timeout=30).status_code == 302
    assert not StaffMember.objects.filter(user__username="kurt.kollega").exists()


@pytest.mark.browser
def test_local_passwords_can_be_turned_off(page, live_server, sso, settings, alice):
    settings.LOCAL_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "jobcenter.sso.KontaktplanOIDCBackend",
    ]
    page.goto("/login/")
    assert page.get_by_label("Adgangskode").count() == 0
    # A password posted anyway signs nobody in.
    session = requests.Session()
    form = session.get(f"{live_server.url}/login/", timeout=30)
    token = session.cookies.get("csrftoken")
    session.post(
        f"{live_server.url}/login/",
        data={"csrfmiddlewaretoken": token, "username": "alice", "password": "pw-alice"},
        headers={"Referer": form.url},
        timeout=30,
    )
    assert session.get(f"{live_server.url}/borgere/", allow_redirects=False, timeout=30).status_code == 302
    # The browser signs in with the button, through the provider.
    page.get_by_role("link", name="Log ind med kommunens login").click()
    page.get_by_label("Brugernavn").fill("mette.leder")
    page.get_by_label("Adgangskode").fill(USERS["mette.leder"]["password"])
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Mette Leder" in page.content()
