"""Planning in a real Chromium: book an overdue citizen from the worklist, then mark the talk held,
with the keyboard alone; axe clean at each step. Screenshots at 1366 and 390 px."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", citizens=300, seed=7, verbosity=0)


def press_until(page, label: str, limit: int = 30) -> None:
    """Tab until the focused control's text starts with `label` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith(label):
            return
    raise AssertionError(f"no focusable control named {label!r}")


@pytest.mark.parametrize("width", [1366, 390])
def test_book_from_the_worklist_then_mark_held_with_the_keyboard(page, demo, width):
    from planning.models import Booking

    page.set_viewport_size({"width": width, "height": 900})
    login(page, "sagsbehandler", "demo")
    assert axe_violations(page) == []
    screenshot(page, f"planning-home-{width}")
    # The home page's "ikke booket" count links to the filtered worklist.
    page.get_by_role("link", name="ikke booket").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/borgere/?*booking=none*")
    page.goto("/borgere/?scope=team&status=overdue&booking=none")
    row = page.locator("#worklist-table tbody tr").first
    name = row.locator("td").first.locator("a").inner_text()
    row.get_by_role("button", name="Book").focus()
    page.keyboard.press("Enter")
    first_slot = page.locator("#contact-panel form button").first
    first_slot.wait_for()
    # The first proposal gets the focus (autofocus, applied by htmx after the swap): Enter books it.
    page.wait_for_function("document.activeElement?.textContent.trim().startsWith('Book ')")
    assert axe_violations(page) == []
    screenshot(page, f"planning-slots-{width}")
    page.keyboard.press("Enter")
    page.get_by_text("er booket").wait_for()
    assert axe_violations(page) == []
    screenshot(page, f"planning-booked-{width}")
    # Print the summons: from the booking panel, keyboard only.
    page.locator("#contact-panel").get_by_role("button", name="Udskriv indkaldelse").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/planlaegning/indkaldelse/*/")
    assert page.get_by_role("link", name="Hent PDF").is_visible()
    assert name in page.frame_locator("iframe.kp-letter").locator("body").inner_text()
    assert axe_violations(page) == []
    screenshot(page, f"planning-summons-{width}")
    first, last = name.split(" ", 1)
    booking = Booking.objects.get(
        citizen__first_name=first,
        citizen__last_name=last,
        status="planned",
        created_by__username="sagsbehandler",
    )

    # Later, after the talk: the clock moves to the end of the booking.
    with time_machine.travel(booking.end + timedelta(minutes=5), tick=True):
        page.context.clear_cookies()  # the session of the booking day has ended
        login(page, "sagsbehandler", "demo")
        page.goto(f"/borgere/?scope=team&q={booking.citizen.first_name}+{booking.citizen.last_name}")
        row = page.locator(f"#citizen-{booking.citizen_id}")
        assert "Booket" in row.inner_text()
        row.get_by_role("button", name="Samtale").focus()
        page.keyboard.press("Enter")
        page.locator("#contact-panel").get_by_text("Afholdt").first.wait_for()
        assert axe_violations(page) == []
        press_until(page, "Afholdt")
        page.keyboard.press("Enter")
        page.get_by_text("registreret som afholdt").wait_for()
        screenshot(page, f"planning-held-{width}")
        assert axe_violations(page) == []
    booking.refresh_from_db()
    assert booking.status == "held" and booking.contact.outcome == "held"
    assert booking.contact.minutes == booking.minutes


@pytest.mark.parametrize("width", [1366, 390])
def test_calendar_and_capacity_pages_are_accessible(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "sagsbehandler", "demo")
    page.goto("/planlaegning/kalender/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kalender")
    page.get_by_role("link", name="Næste uge").focus()
    page.keyboard.press("Enter")  # htmx swaps the week in place
    page.wait_for_url("**dato=*")
    assert axe_violations(page) == []
    screenshot(page, f"planning-calendar-{width}")
    page.get_by_role("button", name="Log ud").click()
    login(page, "teamleder", "demo")
    page.goto("/planlaegning/kapacitet/")
    assert axe_violations(page) == []
    screenshot(page, f"planning-capacity-{width}")
