"""The caseworker's day in a real Chromium: worklist, keyboard-only contact registration, access, axe."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", citizens=300, seed=7, verbosity=0)


def test_each_demo_user_logs_in_to_an_accessible_start_page(page, demo):
    for username in ("sagsbehandler", "teamleder", "admin"):
        login(page, username, "demo")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Goddag")
        screenshot(page, f"start-{username}")
        assert axe_violations(page) == [], username
        page.get_by_role("button", name="Log ud").click()


def test_caseworker_registers_a_contact_with_the_keyboard_only(page, demo):
    login(page, "sagsbehandler", "demo")
    page.goto("/borgere/?scope=team&status=overdue")
    screenshot(page, "worklist-overdue")
    assert axe_violations(page) == []
    first_row = page.locator("#worklist-table tbody tr").first
    row_id = first_row.get_attribute("id")
    assert "Overskredet" in first_row.inner_text()
    obligation_before = first_row.inner_text()  # the obligation with its deadline and status
    button = first_row.get_by_role("button", name="Registrér kontakt")
    button.focus()
    page.keyboard.press("Enter")
    date_field = page.locator("#contact-panel [name=date]")
    date_field.wait_for()
    expect(date_field).to_be_focused()  # moved there once htmx has settled the swap
    screenshot(page, "contact-form")
    assert axe_violations(page) == []
    # Defaults (today, jobsamtale, fremmøde, held) are right: Tab to the save button and press Enter.
    focused = ""
    for _ in range(15):  # the date field alone has three stops (day, month, year)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Gem kontakt":
            break
    assert focused == "Gem kontakt"
    page.keyboard.press("Enter")
    page.locator("#contact-saved").wait_for()
    row = page.locator(f"#{row_id}")
    # The overdue obligation shown is met: the row now shows the next one (or none); the next may
    # carry the same label (a rolling rule's next talk), so the deadline and status count too.
    assert row.inner_text() != obligation_before
    assert "er registreret" in page.locator("#contact-panel").inner_text()
    screenshot(page, "contact-saved")


def test_another_teams_citizen_url_answers_404(page, demo):
    from citizens.models import Citizen
    from jobcenter.models import StaffMember

    me = StaffMember.objects.get(user__username="sagsbehandler")
    other = Citizen.objects.exclude(team=me.team).first()
    login(page, "sagsbehandler", "demo")
    response = page.goto(f"/borgere/{other.pk}/")
    assert response.status == 404


def test_citizen_page_is_accessible(page, demo):
    from citizens.models import Citizen
    from jobcenter.models import StaffMember

    me = StaffMember.objects.get(user__username="sagsbehandler")
    citizen = Citizen.objects.filter(team=me.team).first()
    login(page, "sagsbehandler", "demo")
    page.goto(f"/borgere/{citizen.pk}/")
    screenshot(page, "citizen-page")
    assert axe_violations(page) == []
