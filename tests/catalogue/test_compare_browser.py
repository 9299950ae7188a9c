import pytest

from tests.conftest import axe_violations, login, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_compare_page_in_the_browser_is_accessible(page, ada):
    login(page, "ada", "pw-ada")
    page.goto("/regler/")
    assert page.get_by_role("heading", name="Sammenlign regelsæt").is_visible()
    page.get_by_label("med regelsæt").select_option("lab-2027")
    page.get_by_role("button", name="Sammenlign").click()
    page.wait_for_load_state()
    assert "right=lab-2027" in page.url
    assert page.locator("#group-kh-jobparat").is_visible()
    screenshot(page, "catalogue-compare")
    assert axe_violations(page) == []
