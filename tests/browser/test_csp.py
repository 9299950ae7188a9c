"""The Content-Security-Policy (no unsafe-inline) in a real Chromium: the pages, htmx panels, the
Chart.js reports and the vendored Swagger UI work, and the browser reports no violation."""

import pytest

from jobcenter.models import ForecastSnapshot
from jobcenter.tasks import run_forecast
from tests.citizens.factories import make_citizen
from tests.conftest import login, make_staff, screenshot
from tests.jobcenter.economy_fixtures import ON, make_caseload

# Like the other browser tests: the database is restored afterwards for the tests that follow.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def watch_csp(page) -> list[str]:
    """Collect Chromium's CSP violation reports (console errors) for the page."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


@pytest.fixture
def people(teams):
    alice = make_staff("alice", "caseworker", teams[0])
    bob = make_staff("bob", "caseworker", teams[1])
    lea = make_staff("lea", "team_leader", teams[0])
    make_caseload(alice, bob)
    run_forecast.apply(args=(["lab-2024", "reform-2026", "lab-2027"], ON.isoformat(), 12)).get()
    assert ForecastSnapshot.objects.filter(status="done").exists()
    make_staff("ada", "admin", None)
    return {"alice": alice, "lea": lea, "citizen": make_citizen(teams[0], alice, name="Csp Borger")}


def test_pages_work_under_the_policy_without_violations(page, people):
    violations = watch_csp(page)
    login(page, "alice", "pw-alice")
    page.goto("/borgere/")
    # The contact panel (htmx): it opens with the date focused, and Annullér (no inline onclick) empties it.
    page.get_by_role("button", name="Registrér kontakt").first.click()
    page.wait_for_selector("#contact-panel form")
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'date'")
    page.locator("#contact-panel").get_by_role("button", name="Annullér").click()
    page.wait_for_function("() => document.getElementById('contact-panel').innerHTML.trim() === ''")
    citizen = people["citizen"]
    page.goto(f"/borgere/{citizen.pk}/")
    page.goto(f"/borgere/{citizen.pk}/indsigt/")
    # The print stylesheet is a file of its own, for print only.
    assert page.evaluate(
        "() => [...document.styleSheets].some(s => s.href && s.href.includes('indsigt-print') "
        "&& s.media.mediaText === 'print')"
    )
    page.goto(f"/borgere/{citizen.pk}/ret/")
    page.get_by_label("Fornavn").fill("Cspny")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"**/borgere/{citizen.pk}/")
    assert "Cspny" in page.content()
    assert violations == []


def test_charts_and_swagger_ui_work_under_the_policy(page, people):
    violations = watch_csp(page)
    login(page, "lea", "pw-lea")
    page.goto("/rapporter/kapacitet/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('#capacity-chart'))")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    screenshot(page, "swagger-ui-csp")
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations == []


def test_admin_works_under_the_policy(page, people):
    violations = watch_csp(page)
    login(page, "ada", "pw-ada")
    for path in (
        "/admin/",
        "/admin/catalogue/ruleset/",
        "/admin/authtoken/tokenproxy/add/",
        "/borgere/adgangslog/",
    ):
        assert page.goto(path).status == 200, path
    assert violations == []
