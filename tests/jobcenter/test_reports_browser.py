"""The reports in a real Chromium: screenshots for review and no serious axe violations."""

import pytest

from jobcenter.models import ForecastSnapshot
from jobcenter.tasks import run_forecast
from tests.conftest import axe_violations, login, make_staff, screenshot
from tests.jobcenter.economy_fixtures import ON, make_caseload

PAGES = [
    ("/rapporter/kapacitet/", "report-capacity", "#capacity-chart"),
    ("/rapporter/regelsaet/", "report-comparison", "#comparison-chart"),
    ("/rapporter/katalog/", "report-catalogue", "#catalogue-chart"),
    ("/rapporter/risiko/", "report-risk", None),
]


@pytest.fixture
def leader_with_forecast(transactional_db, teams):
    alice = make_staff("alice", "caseworker", teams[0])
    bob = make_staff("bob", "caseworker", teams[1])
    lea = make_staff("lea", "team_leader", teams[0])
    make_caseload(alice, bob)
    run_forecast.apply(args=(["lab-2024", "reform-2026", "lab-2027"], ON.isoformat(), 12)).get()
    assert ForecastSnapshot.objects.filter(status="done").exists()
    return lea


@pytest.mark.browser
@pytest.mark.parametrize(("url", "name", "chart"), PAGES)
def test_report_in_browser_is_axe_clean(page, leader_with_forecast, url, name, chart):
    login(page, "lea", "pw-lea")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if chart:
        # Chart.js drew into the canvas (it sets a width attribute and style on render).
        page.wait_for_function(f"() => window.Chart && Chart.getChart(document.querySelector('{chart}'))")
    screenshot(page, name)
    assert axe_violations(page) == []
