"""Every remaining page, in Chromium, as the role that uses it: screenshot and axe."""

import pytest
from django.core.management import call_command

from tests.conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", citizens=120, seed=5, verbosity=0)
    from citizens.models import Citizen

    return Citizen.objects.filter(team__name="Team Jobparat").order_by("pk").first()


@pytest.mark.parametrize(
    "username, path, name",
    [
        ("sagsbehandler", "/borgere/opret/", "create-citizen"),
        ("sagsbehandler", "/borgere/{pk}/maalgruppe/", "transfer"),
        ("sagsbehandler", "/borgere/{pk}/fritag/", "exempt"),
        ("sagsbehandler", "/borgere/{pk}/ret/", "edit-citizen"),
        ("sagsbehandler", "/borgere/{pk}/indsigt/", "indsigt"),
        ("teamleder", "/borgere/omfordeling/", "reassign"),
        ("admin", "/borgere/adgangslog/", "audit-log"),
        ("admin", "/borgere/import/", "import"),
    ],
)
def test_page_is_accessible(page, demo, username, path, name):
    login(page, username, "demo")
    response = page.goto(path.format(pk=demo.pk))
    assert response.status == 200
    screenshot(page, name)
    assert axe_violations(page) == []


def test_form_errors_are_announced_next_to_their_fields(page, demo):
    login(page, "sagsbehandler", "demo")
    page.goto("/borgere/opret/")
    page.get_by_label("CPR-nummer").fill("3213901234")
    page.get_by_role("button", name="Opret").click()
    error = page.locator("#id_cpr-error")
    assert "gyldig dato" in error.inner_text()
    assert page.get_by_label("CPR-nummer").get_attribute("aria-describedby") == "id_cpr-error"
    screenshot(page, "create-citizen-errors")
    assert axe_violations(page) == []
