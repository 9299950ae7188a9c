"""Who sees what: every persona against every citizen page (another team's citizen answers 404)."""

import pytest
from django.urls import reverse

from citizens.models import AuditEvent
from tests.citizens.factories import make_citizen
from tests.conftest import client_for

CITIZEN_PAGES = [
    ("get", "citizens:detail"),
    ("get", "citizens:contact"),
    ("post", "citizens:contact"),
    ("post", "citizens:reveal_cpr"),
    ("get", "citizens:transfer"),
    ("get", "citizens:exempt"),
    ("get", "citizens:assign"),
    ("get", "citizens:edit"),
]


@pytest.fixture
def nord_citizen(teams, alice):
    return make_citizen(teams[0], alice, name="Nora Nord")


@pytest.fixture
def syd_citizen(teams, bob):
    return make_citizen(teams[1], bob, name="Svend Syd")


@pytest.mark.parametrize("method, name", CITIZEN_PAGES)
def test_caseworker_gets_404_for_another_teams_citizen(client, alice, syd_citizen, method, name):
    response = getattr(client_for(client, alice), method)(reverse(name, args=[syd_citizen.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("method, name", [p for p in CITIZEN_PAGES if p[0] == "get"])
def test_caseworker_opens_own_teams_citizen(client, alice, nord_citizen, method, name):
    assert client_for(client, alice).get(reverse(name, args=[nord_citizen.pk])).status_code == 200


def test_team_leader_sees_led_team_only(client, lea, nord_citizen, syd_citizen):
    client_for(client, lea)
    assert client.get(reverse("citizens:detail", args=[nord_citizen.pk])).status_code == 200
    assert client.get(reverse("citizens:detail", args=[syd_citizen.pk])).status_code == 404


def test_admin_sees_everyone(client, ada, nord_citizen, syd_citizen):
    client_for(client, ada)
    for citizen in (nord_citizen, syd_citizen):
        assert client.get(reverse("citizens:detail", args=[citizen.pk])).status_code == 200


@pytest.mark.parametrize(
    "persona, expected", [("alice", {"Nora"}), ("lea", {"Nora"}), ("ada", {"Nora", "Svend"})]
)
def test_worklist_and_export_show_only_visible_citizens(
    client, request, nord_citizen, syd_citizen, persona, expected
):
    member = request.getfixturevalue(persona)
    client_for(client, member)
    page = client.get(reverse("citizens:worklist"), {"scope": "team", "status": "all"})
    names = {row.record.first_name for row in page.context["table"].rows}
    assert names == expected
    export = client.get(reverse("citizens:worklist"), {"scope": "team", "status": "all", "_export": "csv"})
    text = export.content.decode()
    assert {n for n in ("Nora", "Svend") if n in text} == expected
    assert nord_citizen.cpr not in text and "xxxx" in text  # exports are masked


def test_caseworker_cannot_open_team_leader_and_admin_pages(client, alice):
    client_for(client, alice)
    assert client.get(reverse("citizens:reassign")).status_code == 403
    assert client.get(reverse("citizens:audit")).status_code == 403
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff


def test_cpr_is_masked_and_revealing_it_is_logged(client, alice, nord_citizen):
    client_for(client, alice)
    page = client.get(reverse("citizens:detail", args=[nord_citizen.pk])).content.decode()
    assert nord_citizen.cpr not in page and nord_citizen.masked_cpr in page
    revealed = client.post(reverse("citizens:reveal_cpr", args=[nord_citizen.pk]), HTTP_HX_REQUEST="true")
    assert nord_citizen.cpr[6:] in revealed.content.decode()
    actions = list(
        AuditEvent.objects.filter(citizen=nord_citizen, user=alice.user).values_list("action", flat=True)
    )
    assert sorted(actions) == ["reveal_cpr", "view"]
