"""Every admin page a Kontaktplan admin uses, in Chromium: axe-clean, at most 1366 px wide, and
no English left in Danish mode. Plus the product menu on one line at 1366 px."""

import gettext
from pathlib import Path

import django
import pytest
import rest_framework
from django.core.management import call_command

from tests.conftest import ROOT, axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# {name} is filled from the demo data below.
ADMIN_PAGES = [
    "/admin/",
    "/admin/catalogue/",
    "/admin/jobcenter/",
    "/admin/auth/",
    "/admin/authtoken/",
    "/admin/axes/",
    "/admin/catalogue/targetgroup/",
    "/admin/catalogue/targetgroup/{target_group}/change/",
    "/admin/catalogue/targetgroup/{target_group}/history/",
    "/admin/catalogue/ruleset/",
    "/admin/catalogue/ruleset/add/",
    "/admin/catalogue/ruleset/{rule_set}/change/",
    "/admin/catalogue/ruleset/{rule_set}/history/",
    "/admin/catalogue/contactrule/",
    "/admin/catalogue/contactrule/{contact_rule}/change/",
    "/admin/catalogue/costassumption/",
    "/admin/catalogue/costassumption/{cost}/change/",
    "/admin/catalogue/costassumption/{cost}/history/",
    "/admin/catalogue/municipalrequirement/",
    "/admin/catalogue/municipalrequirement/{requirement}/change/",
    "/admin/catalogue/initiative/",
    "/admin/catalogue/initiative/{initiative}/change/",
    "/admin/catalogue/investment/",
    "/admin/catalogue/investment/{investment}/change/",
    "/admin/jobcenter/team/",
    "/admin/jobcenter/team/{team}/change/",
    "/admin/jobcenter/staffmember/",
    "/admin/jobcenter/staffmember/{staff}/change/",
    "/admin/jobcenter/absence/",
    "/admin/jobcenter/absence/add/",
    "/admin/auth/user/",
    "/admin/auth/user/{user}/change/",
    "/admin/auth/group/add/",
    "/admin/authtoken/tokenproxy/",
    "/admin/authtoken/tokenproxy/?q=adm",
    "/admin/authtoken/tokenproxy/add/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
    "/admin/planning/",
    "/admin/planning/workinghours/",
    "/admin/planning/workinghours/add/",
    "/admin/planning/closedday/",
    "/admin/planning/room/",
    "/admin/planning/summonstemplate/",
    "/admin/planning/summonstemplate/add/",
    "/admin/planning/booking/",
    "/regler/",
    "/regler/?a={rule_set_old}&b={rule_set}",
    "/borgere/adgangslog/",
    "/borgere/adgangslog/?action=view&citizen=a",
]


def english_texts() -> set[str]:
    """English source texts that have a different Danish translation: Django's admin and auth,
    DRF, and the third-party texts translated in our locale/da. Seen verbatim on a Danish page,
    one of them is English left untranslated."""
    catalogues = [
        Path(django.__file__).parent / "contrib/admin/locale/da/LC_MESSAGES/django.mo",
        Path(django.__file__).parent / "contrib/admin/locale/da/LC_MESSAGES/djangojs.mo",
        Path(django.__file__).parent / "contrib/auth/locale/da/LC_MESSAGES/django.mo",
        Path(django.__file__).parent / "conf/locale/da/LC_MESSAGES/django.mo",
        Path(rest_framework.__file__).parent / "locale/da/LC_MESSAGES/django.mo",
        ROOT / "locale/da/LC_MESSAGES/django.mo",
    ]
    found = set()
    for path in catalogues:
        with path.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        for msgid, msgstr in catalogue.items():
            if isinstance(msgid, tuple):  # plural forms: (msgid, n)
                continue
            msgid = msgid.split("\x04")[-1]
            if msgid and msgstr and msgstr != msgid and "%" not in msgid and "{" not in msgid:
                found.add(msgid)
    assert {"Access attempts", "access attempts", "Search", "Change history: %s"} & found
    return found


def visible_texts(page) -> set[str]:
    """Each line or table cell of the visible text, and the accessible names set in attributes."""
    return set(
        page.evaluate(
            """() => {
              const out = document.body.innerText.split(/[\\n\\t]/).map(s => s.trim());
              const named = '[aria-label], [title], [placeholder], input[type=submit]';
              for (const el of document.querySelectorAll(named)) {
                for (const a of ['aria-label', 'title', 'placeholder', 'value']) {
                  const value = el.getAttribute(a);
                  if (value && (a !== 'value' || el.type === 'submit')) out.push(value.trim());
                }
              }
              return out.filter(Boolean);
            }"""
        )
    )


@pytest.fixture
def demo():
    call_command("seed_demo", citizens=60, seed=5, verbosity=0)
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from catalogue.models import (
        ContactRule,
        CostAssumption,
        Initiative,
        Investment,
        MunicipalRequirement,
        RuleSet,
        TargetGroup,
    )
    from citizens.models import AuditEvent, Citizen
    from citizens.services import audit_log
    from jobcenter.models import StaffMember, Team

    admin = get_user_model().objects.get(username="admin")
    Token.objects.get_or_create(user=admin)
    citizen = Citizen.objects.order_by("pk").first()
    audit_log(user=admin, citizen=citizen, action=AuditEvent.Action.VIEW)
    audit_log(user=admin, citizen=citizen, action=AuditEvent.Action.REVEAL_CPR)
    rule_set = RuleSet.objects.get(code="lab-2024")  # the largest: 18 contact rules inline
    first = lambda model: model.objects.order_by("pk").first().pk  # noqa: E731
    return {
        "target_group": first(TargetGroup),
        "rule_set": rule_set.pk,
        "rule_set_old": RuleSet.objects.get(code="reform-2026").pk,
        "contact_rule": first(ContactRule),
        "cost": first(CostAssumption),
        "requirement": first(MunicipalRequirement),
        "initiative": first(Initiative),
        "investment": first(Investment),
        "team": first(Team),
        "staff": first(StaffMember),
        "user": admin.pk,
    }


def test_admin_pages_are_accessible_danish_and_fit_1366(page, demo):
    english = english_texts()
    login(page, "admin", "demo")
    problems = {}
    for template in ADMIN_PAGES:
        path = template.format(**demo)
        response = page.goto(path)
        page.wait_for_load_state("load")
        found = []
        if response.status != 200:
            found.append(f"status {response.status}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 1366:
            found.append(f"{width} px wide")
        leaked = sorted(visible_texts(page) & english)
        if leaked:
            found.append(f"English in Danish mode: {leaked}")
        violations = axe_violations(page)
        if violations:
            found.append(violations)
        if found:
            problems[path] = found
    assert problems == {}


def test_rule_set_page_at_1366_and_390(page, demo):
    login(page, "admin", "demo")
    path = f"/admin/catalogue/ruleset/{demo['rule_set']}/change/"
    page.goto(path)
    assert page.locator(".inline-related:not(.empty-form)").count() == 18  # every rule of lab-2024, stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "admin-ruleset-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "admin-ruleset-390")
    assert axe_violations(page) == []


def test_the_menu_stays_on_one_line_at_1366(page, demo):
    login(page, "admin", "demo")  # the admin sees the most menu items
    page.goto("/")
    items = page.locator(".kp-nav-list > li")
    tops = items.evaluate_all("items => items.map(i => i.getBoundingClientRect().top)")
    assert len(tops) >= 8 and len(set(tops)) == 1
