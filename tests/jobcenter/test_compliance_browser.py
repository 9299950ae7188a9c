"""The quota compliance report in a real Chromium, at 1366 and 390 px: chart drawn, no serious
axe violations, tables scroll sideways instead of widening the page."""

from datetime import date

import pytest

from catalogue.models import TargetGroup
from citizens.models import Citizen, Contact, Enrolment
from citizens.refresh import refresh_all
from tests.conftest import axe_violations, login, make_staff, screenshot

ON = date(2026, 11, 1)


@pytest.fixture
def leader_with_cohorts(transactional_db, teams, monkeypatch):
    monkeypatch.setattr("jobcenter.compliance_report.today", lambda: ON)
    alice = make_staff("alice", "caseworker", teams[0])
    lea = make_staff("lea", "team_leader", teams[0])
    n = 0
    for group in TargetGroup.objects.filter(code__in=["kh-jobparat", "dagpenge", "ledighedsydelse"]):
        for month in (7, 8, 9, 10):
            for i in range(3):
                n += 1
                citizen = Citizen.objects.create(
                    cpr=f"0303{n:06d}",
                    first_name=f"Borger{n}",
                    last_name="Kohorte",
                    team=teams[0],
                    caseworker=alice,
                )
                start = date(2026, month, 1 + i)
                Enrolment.objects.create(
                    citizen=citizen, target_group=group, start=start
                )
                if i:
                    Contact.objects.create(
                        citizen=citizen, date=start, kind="jobsamtale", channel="fremmoede"
                    )
    refresh_all(on=ON)
    return lea


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_compliance_report_in_browser_is_axe_clean(page, leader_with_cohorts, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "lea", "pw-lea")
    page.goto("/rapporter/kvoter/")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas.kp-compliance-chart'))"
    )
    assert page.get_by_role("link", name="Vis borgerne på arbejdslisten").count() > 0
    screenshot(page, f"report-compliance-{width}")
    assert axe_violations(page) == []
    # Wide tables scroll inside their container; the page itself does not scroll sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
