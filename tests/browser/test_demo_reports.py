"""At first login on the demo: a capacity report with workload in every month, a backtest, and no
table cut off at 1366 px; the council briefing prints."""

from datetime import date

import pytest
from django.core.management import call_command

from tests.conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ON = date(2026, 11, 20)
CUT_TABLES = """() => [...document.querySelectorAll('table')].filter(t => {
  if (t.getBoundingClientRect().right <= window.innerWidth) return false;
  for (let e = t.parentElement; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    const scrolls = s.overflowX === 'auto' || s.overflowX === 'scroll';
    if (scrolls && e.getBoundingClientRect().right <= window.innerWidth) return false;
  }
  return true;
}).map(t => t.caption ? t.caption.textContent : t.outerHTML.slice(0, 80))"""


@pytest.fixture
def demo():
    call_command("seed_demo", citizens=1500, seed=3, on=ON, verbosity=0)


def test_capacity_report_at_first_login_has_workload_every_month_and_nothing_cut(page, demo):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "teamleder", "demo")
    page.goto("/rapporter/kapacitet/")
    totals = page.locator("table").first.locator("tbody tr")
    assert totals.count() == 12
    workload = [float(totals.nth(i).locator("td").nth(1).inner_text().replace(".", "").replace(",", "."))
                for i in range(12)]
    assert all(w > 0 for w in workload), workload
    assert page.get_by_role("heading", name="Backtest", exact=False).is_visible()
    assert "MAPE" in page.content()
    screenshot(page, "demo-capacity-1366")
    pages = ("kapacitet", "regelsaet", "katalog", "risiko", "notat")
    for path in (f"/rapporter/{p}/" for p in pages):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(CUT_TABLES) == [], path
    assert axe_violations(page) == []


def test_council_briefing_is_one_printable_page_set(page, demo):
    login(page, "admin", "demo")
    page.goto("/rapporter/notat/")
    assert page.get_by_role("heading", level=1).inner_text() == "Notat til kommunalbestyrelsen"
    headings = ("Regelsættene sammenlignet", "Udmøntningskataloget", "forsørgelse", "Antagelser og kilder")
    for heading in headings:
        assert page.get_by_role("heading", name=heading, exact=False).count() == 1, heading
    page.emulate_media(media="print")
    assert not page.locator(".kp-report-nav, .kp-no-print").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    screenshot(page, "briefing-print")
