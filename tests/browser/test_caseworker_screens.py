"""Issue 13 in a real Chromium: errors that show, in-place forms, density at 1366 px, 390 px pages."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def demo():
    call_command("seed_demo", citizens=300, seed=7, verbosity=0)


def _my_citizen():
    from citizens.models import Citizen
    from jobcenter.models import StaffMember

    me = StaffMember.objects.get(user__username="sagsbehandler")
    return Citizen.objects.filter(team=me.team, enrolments__isnull=False).order_by("pk").first()


def _viewport_shot(page, name: str, element=None) -> None:
    """What the user sees (not the whole page): around ``element`` when given."""
    if element is not None:
        element.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _sideways(page) -> int:
    """How many pixels the page scrolls sideways (0 = none)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _open_contact_form_on_a_low_row(page):
    rows = page.locator("#worklist-table tbody tr")
    row = rows.nth(min(8, rows.count() - 1))
    row.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    row.get_by_role("button", name="Registrér kontakt").click()
    page.locator(".kp-contact-row [name=date]").wait_for()
    return row, before


def _assert_error_in_place(page, form_scope, field_name, message, rows_before=None):
    summary = page.locator(f"{form_scope} .kp-error-summary")
    summary.wait_for()
    assert message in summary.inner_text()
    field = page.locator(f"{form_scope} [name={field_name}]")
    assert field.get_attribute("aria-invalid") == "true"
    # Focus moves to the first error (right after htmx settles the swap).
    expect(field).to_be_focused()
    if rows_before is not None:  # the rest of the page is as it was
        assert page.locator("#worklist-table tbody tr:not(.kp-contact-row)").count() == rows_before


def test_invalid_submit_of_each_htmx_form_shows_its_error(page, demo):
    login(page, "sagsbehandler", "demo")

    # 1. The contact form on the worklist: opens in place (under its row, no jump to the top).
    page.goto("/borgere/?scope=team")
    rows_before = page.locator("#worklist-table tbody tr").count()
    row, scroll_before = _open_contact_form_on_a_low_row(page)
    form_row = page.locator(".kp-contact-row")
    assert row.evaluate("r => r.nextElementSibling.classList.contains('kp-contact-row')")
    assert page.evaluate("window.scrollY") >= scroll_before - 5  # did not jump to the top
    date = form_row.locator("[name=date]")
    date.fill("2999-01-01")
    form_row.get_by_role("button", name="Gem kontakt").click()
    _assert_error_in_place(page, ".kp-contact-row", "date", "fremtiden", rows_before)
    _viewport_shot(page, "contact-form-error-1366", page.locator(".kp-contact-row"))
    assert axe_violations(page) == []
    # Empty date and 0 minutes: both marked, focus on the first.
    date.fill("")
    form_row.locator("[name=minutes]").fill("0")
    form_row.get_by_role("button", name="Gem kontakt").click()
    form_row.locator(".kp-error-summary li").nth(1).wait_for()
    summary = form_row.locator(".kp-error-summary").inner_text()
    assert "Vælg datoen" in summary and "Mindst 1 minut" in summary
    expect(date).to_be_focused()

    # 2. The contact form on the citizen page.
    citizen = _my_citizen()
    page.goto(f"/borgere/{citizen.pk}/")
    page.locator("#contact-panel [name=date]").fill("")
    page.locator("#contact-panel").get_by_role("button", name="Gem kontakt").click()
    _assert_error_in_place(page, "#contact-panel", "date", "Vælg datoen")
    assert page.get_by_role("heading", level=1).inner_text() == citizen.full_name

    # 3. Any other htmx form on these pages: blank its visible fields, submit, see a summary.
    for url in ("/borgere/?scope=team", f"/borgere/{citizen.pk}/"):
        page.goto(url)
        count = page.locator("form[hx-post]").count()
        for i in range(count):
            form = page.locator("form[hx-post]").nth(i)
            fields = form.locator("input:not([type=hidden]):not([type=checkbox]), textarea")
            if fields.count() == 0:
                continue  # a lone button (e.g. "Vis CPR") has nothing to get wrong
            for j in range(fields.count()):
                fields.nth(j).fill("")
            form.locator("[type=submit]").first.click()
            page.locator(".kp-error-summary").first.wait_for()


def test_contact_saved_in_place_updates_row_and_count_and_minutes_follow_channel(page, demo):
    login(page, "sagsbehandler", "demo")
    page.goto("/borgere/?scope=team&status=overdue")
    count_before = int(page.locator("#worklist-count").inner_text().split()[0])
    row, _ = _open_contact_form_on_a_low_row(page)
    form_row = page.locator(".kp-contact-row")
    minutes = form_row.locator("[name=minutes]")
    assert minutes.input_value() == "45"
    form_row.locator("[name=channel]").select_option("telefon")
    assert minutes.input_value() == "30"
    form_row.locator("[name=channel]").select_option("digital")
    assert minutes.input_value() == "20"
    form_row.get_by_role("button", name="Gem kontakt").click()
    page.locator("#contact-saved").wait_for()
    # The citizen's overdue obligation is met: one fewer overdue citizen (or the next one is overdue too).
    count_after = int(page.locator("#worklist-count").inner_text().split()[0])
    assert count_after in (count_before, count_before - 1)
    from citizens.models import Citizen
    from jobcenter.models import StaffMember

    team = StaffMember.objects.get(user__username="sagsbehandler").team
    assert count_after == Citizen.objects.filter(
        team=team, next_status="overdue", anonymised_at__isnull=True
    ).count()
    page.get_by_role("button", name="Luk").click()
    assert page.locator(".kp-contact-row").is_hidden()
    assert page.locator("#contact-panel").inner_html().strip() == ""


def test_worklist_at_1366_is_dense_without_overflow_and_with_a_sticky_header(page, demo):
    login(page, "sagsbehandler", "demo")
    page.goto("/borgere/?scope=team")
    screenshot(page, "worklist-1366")
    assert _sideways(page) <= 0
    table_fits = page.evaluate(
        "(() => { const t = document.getElementById('worklist-table');"
        " return t.getBoundingClientRect().right <= document.documentElement.clientWidth; })()"
    )
    assert table_fits
    heights = page.locator("#worklist-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert len(heights) >= 10 and max(heights) <= 44, heights
    assert page.locator("#worklist-table thead th").first.evaluate("th => getComputedStyle(th).position") == (
        "sticky"
    )
    # Filter choices are not cut off.
    for name in ("status", "target_group"):
        select = page.locator(f"select[name={name}]")
        assert select.evaluate("s => s.scrollWidth <= s.clientWidth + 1"), name
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    first_th = page.locator("#worklist-table thead th").first
    header_top = first_th.evaluate("th => th.getBoundingClientRect().top")
    assert abs(header_top) <= 1  # still at the top of the window after scrolling
    assert axe_violations(page) == []


def test_no_caseworker_page_scrolls_sideways_at_390_px(browser, live_server, demo):
    from jobcenter.demo import ensure_shipped_rules

    ensure_shipped_rules()
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport=PHONE)
    page = context.new_page()
    try:
        login(page, "sagsbehandler", "demo")
        citizen = _my_citizen()
        pages = [
            "/",
            "/borgere/",
            "/borgere/?scope=team",
            "/borgere/?scope=team&q=zzzz",
            f"/borgere/{citizen.pk}/",
            f"/borgere/{citizen.pk}/kontakt/",
            f"/borgere/{citizen.pk}/indsigt/",
            f"/borgere/{citizen.pk}/maalgruppe/",
            f"/borgere/{citizen.pk}/tildel/",
            f"/borgere/{citizen.pk}/ret/",
            "/borgere/opret/",
        ]
        wide = {}
        for url in pages:
            page.goto(url)
            if _sideways(page) > 0:
                wide[url] = _sideways(page)
        assert wide == {}
        page.goto("/borgere/?scope=team")
        # A card per citizen: each cell labelled, no table header row in view.
        first = page.locator("#worklist-table tbody tr").first
        assert first.locator("td[data-label]").count() >= 5
        assert first.evaluate("r => getComputedStyle(r).display") == "block"
        _viewport_shot(page, "worklist-390")
        second = page.locator("#worklist-table tbody tr").nth(1)
        second.get_by_role("button", name="Registrér kontakt").click()
        page.locator(".kp-contact-row [name=date]").fill("2999-01-01")
        page.locator(".kp-contact-row").get_by_role("button", name="Gem kontakt").click()
        page.locator(".kp-contact-row .kp-error-summary").wait_for()
        assert _sideways(page) <= 0
        _viewport_shot(page, "contact-form-error-390", page.locator(".kp-contact-row .kp-error-summary"))
        page.goto(f"/borgere/{citizen.pk}/")
        _viewport_shot(page, "citizen-page-390")
        page.locator("h2", has_text="Kontaktkrav").scroll_into_view_if_needed()
        _viewport_shot(page, "citizen-page-390-obligations")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_citizen_page_at_1366(page, demo):
    login(page, "sagsbehandler", "demo")
    page.goto(f"/borgere/{_my_citizen().pk}/")
    assert _sideways(page) <= 0
    screenshot(page, "citizen-page-1366")
