"""The Django admin to the product's standard: Danish titles, Danish amounts, clear refusals."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from catalogue.models import (
    CostAssumption,
    Initiative,
    Investment,
    MunicipalRequirement,
    RuleSet,
    TargetGroup,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_header_and_title_are_danish(client, ada):
    page = client_for(client, ada).get("/admin/").content.decode()
    assert "Kontaktplan – administration" in page
    assert "<title>Administration | Kontaktplan – administration</title>" in page
    assert "Django administration" not in page and "Django site admin" not in page


def test_third_party_sections_are_danish(client, ada):
    page = client_for(client, ada).get("/admin/").content.decode()
    assert "Loginforsøg og spærringer" in page and "API-adgang" in page
    for english in ("Access attempts", "Access logs", "Access failures", "Auth Token"):
        assert english not in page


def test_amounts_are_formatted_the_danish_way(client, ada):
    for key, value in (
        (CostAssumption.Key.FTE_COST, "230000.00"),
        (CostAssumption.Key.MINUTES_PER_CONTACT, "45.00"),
        (CostAssumption.Key.PRODUCTIVE_HOURS, "1330.50"),
    ):
        CostAssumption.objects.create(key=key, value=Decimal(value), valid_from=date(2026, 1, 1), source="t")
    client_for(client, ada)
    costs = client.get("/admin/catalogue/costassumption/").content.decode()
    assert "230.000 kr." in costs and "230000,00" not in costs
    assert "45 min." in costs and "1.330,5 timer" in costs
    MunicipalRequirement.objects.create(
        year=2031, specified=Decimal("12345678"), unspecified=Decimal("1000"), source="test"
    )
    page = client.get("/admin/catalogue/municipalrequirement/").content.decode()
    assert "12.345.678 kr." in page and "1.000 kr." in page
    Initiative.objects.create(
        title="Færre samtaler", category="specified", type="service_level", target_2029=Decimal("2500000")
    )
    assert "2.500.000 kr." in client.get("/admin/catalogue/initiative/").content.decode()
    Investment.objects.create(
        title="Virksomhedskonsulenter",
        yearly_cost=Decimal("1234567"),
        target_group=TargetGroup.objects.get(code="kh-jobparat"),
        fewer_recipients=Decimal("10.0"),
        effect_from=date(2027, 1, 1),
    )
    assert "1.234.567 kr." in client.get("/admin/catalogue/investment/").content.decode()


ACTIVE_REFUSAL = "er aktivt og kan ikke slettes"


def test_deleting_an_active_rule_set_is_refused_with_a_clear_message(client, ada):
    active = RuleSet.objects.get(code="reform-2026")
    client_for(client, ada)
    change = client.get(f"/admin/catalogue/ruleset/{active.pk}/change/").content.decode()
    assert f"/admin/catalogue/ruleset/{active.pk}/delete/" in change  # the button is there
    response = client.get(f"/admin/catalogue/ruleset/{active.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/admin/catalogue/ruleset/{active.pk}/change/"
    [message] = [m for m in texts(response) if ACTIVE_REFUSAL in m]
    assert "'reform-2026'" in message and "Sæt som udgået" in message
    posted = client.post(f"/admin/catalogue/ruleset/{active.pk}/delete/", {"post": "yes"}, follow=True)
    assert any(ACTIVE_REFUSAL in m for m in texts(posted))
    assert RuleSet.objects.filter(pk=active.pk).exists()


def test_bulk_delete_with_an_active_rule_set_deletes_nothing_and_says_why(client, ada):
    active = RuleSet.objects.get(code="reform-2026")
    draft = RuleSet.objects.create(code="kladde-x", name="Kladde", valid_from=active.valid_from)
    client_for(client, ada)
    response = client.post(
        "/admin/catalogue/ruleset/",
        {"action": "delete_selected", "_selected_action": [active.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert any(ACTIVE_REFUSAL in m and "'reform-2026'" in m for m in texts(response))
    assert RuleSet.objects.filter(pk__in=[active.pk, draft.pk]).count() == 2


def test_a_draft_rule_set_can_still_be_deleted(client, ada):
    active = RuleSet.objects.get(code="reform-2026")
    draft = RuleSet.objects.create(code="kladde-y", name="Kladde", valid_from=active.valid_from)
    client_for(client, ada)
    response = client.post(f"/admin/catalogue/ruleset/{draft.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not RuleSet.objects.filter(pk=draft.pk).exists()


def test_the_rule_set_page_labels_every_rule_input(client, ada):
    """Stacked inline: each contact-rule field has its own <label for=...> (axe checks it live)."""
    rule_set = RuleSet.objects.get(code="lab-2024")
    page = client_for(client, ada).get(f"/admin/catalogue/ruleset/{rule_set.pk}/change/").content.decode()
    labelled = set(re.findall(r'<label[^>]* for="id_rules-0-([a-z_0-9]+)"', page))
    inputs = set(re.findall(r'<(?:input|select|textarea)[^>]* id="id_rules-0-([a-z_0-9]+)"', page))
    assert {"code", "kind", "count", "performed_by", "quota_pct", "legal_reference"} <= inputs
    assert inputs - {"id", "rule_set"} <= labelled


def test_organisation_is_administered_by_admins_only(client, ada, alice, teams):
    client_for(client, ada)
    for path in ("/admin/jobcenter/team/", "/admin/jobcenter/staffmember/", "/admin/jobcenter/absence/"):
        assert client.get(path).status_code == 200
    alice.user.is_staff = True  # even a caseworker made staff by mistake
    alice.user.save()
    client_for(client, alice)
    assert client.get("/admin/jobcenter/team/").status_code == 403
