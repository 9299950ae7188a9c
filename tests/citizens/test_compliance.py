"""Quota compliance per cohort: the pure computation with the shipped rules, the scoping of the
report page, API and export, and the worklist link for an at-risk cohort."""

from datetime import date

import pytest

from catalogue.models import TargetGroup
from catalogue.rulebook import load_rulebook
from citizens.compliance import Case, compliance_rows, exemption_use, outcome
from citizens.compliance_data import compliance_report
from citizens.models import Citizen, Contact, Enrolment
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate
from citizens.refresh import refresh_all
from tests.api.conftest import api_for
from tests.conftest import client_for

BOOK = load_rulebook()
START = date(2026, 9, 1)  # reform-2026: the job talks of the first 6 months under the 75 % quota
ON = date(2027, 4, 1)  # every deadline of the September cohort's first half-year has passed
POOL = "kommune-jobsamtale-75"


def talks(*days: date) -> list[ContactFacts]:
    return [ContactFacts(d, "jobsamtale", "fremmoede", "kommune", "held", i) for i, d in enumerate(days)]


IN_TIME = talks(date(2026, 9, 3), date(2026, 10, 15), date(2026, 12, 1), date(2027, 2, 1))


def case(n: int, group: str, contacts, *, team: int = 1, exempt: bool = False) -> Case:
    facts = EnrolmentFacts(group, START, exempt=exempt)
    return Case(n, n, team, START, evaluate(BOOK, facts, contacts, ON), exempt)


def municipal(rows):
    return [r for r in rows if r.pool.key == POOL]


def test_a_cohort_where_three_of_four_met_in_time_shows_75_percent_and_met():
    cases = [case(i, "kh-jobparat", IN_TIME) for i in range(3)] + [case(3, "kh-jobparat", talks(START))]
    (row,) = municipal(compliance_rows(cases, ON))
    assert (row.cohort, row.enrolments, row.met, row.missed) == ("2026-09", 4, 3, 1)
    assert row.share == 0.75
    assert row.state == "met"
    # One more miss and the cohort fails the quota.
    cases.append(case(4, "kh-jobparat", talks(START)))
    (row,) = municipal(compliance_rows(cases, ON))
    assert row.share == 0.6 and row.state == "missed"


def test_a_late_talk_counts_as_late_not_in_time():
    late = talks(date(2026, 9, 3), date(2026, 10, 15), date(2026, 12, 1), date(2027, 3, 15))
    obligations = case(1, "kh-jobparat", late).obligations
    quota = [o for o in obligations if o.quota_pct < 100]
    assert any(o.late for o in quota)
    assert outcome(quota, ON) == "late"
    (row,) = municipal(compliance_rows([case(1, "kh-jobparat", late)], ON))
    assert (row.met, row.late, row.share) == (0, 1, 0.0)


def test_the_pool_spans_dagpenge_job_ready_kontanthjaelp_and_ledighedsydelse():
    groups = ("dagpenge", "kh-jobparat", "ledighedsydelse")
    cases = [case(i, group, IN_TIME) for i, group in enumerate(groups)]
    rows = compliance_rows(cases, ON)
    (row,) = municipal(rows)
    assert row.enrolments == 3
    # The a-kasse's talks for dagpenge are a pool of their own.
    assert {r.pool.key for r in rows} == {POOL, "a-kasse-jobsamtale-75"}


def test_an_open_cohort_is_at_risk_when_its_open_citizens_can_still_reach_the_quota():
    on = date(2026, 11, 1)  # the 0-6 month talks are still ahead
    cases = [
        Case(i, i, 1, START, evaluate(BOOK, EnrolmentFacts("kh-jobparat", START), talks(START), on))
        for i in range(4)
    ]
    (row,) = municipal(compliance_rows(cases, on))
    assert (row.open, row.met, row.needed, row.state) == (4, 0, 3, "at_risk")
    assert sorted(row.open_citizens) == [0, 1, 2, 3]


def test_exemptions_are_counted_over_those_they_can_still_apply_to_and_per_performer():
    on = date(2026, 10, 1)
    exemptable = {(rs.code, r.code) for rs in BOOK.rule_sets for r in rs.rules if r.exemptable}
    def facts(exempt: bool) -> EnrolmentFacts:
        return EnrolmentFacts("dagpenge", START, exempt=exempt)

    young = [
        Case(i, i, 1, START, evaluate(BOOK, facts(i == 0), talks(START), on),
             exempt=i == 0)
        for i in range(4)
    ]
    old_start = date(2025, 1, 6)  # long past its first half-year: the exemption cannot apply
    old = [Case(9, 9, 1, old_start, evaluate(BOOK, EnrolmentFacts("dagpenge", old_start), (), on))]
    uses = {u.performed_by: u for u in exemption_use(young + old, on, exemptable)}
    assert (uses["kommune"].eligible, uses["kommune"].exempt) == (4, 1)
    assert (uses["a-kasse"].eligible, uses["a-kasse"].exempt) == (4, 1)
    assert uses["kommune"].within_limit


# --- The report, its API and export, scoped to the user's teams ------------------------------


@pytest.fixture
def two_teams(teams, alice, bob):
    group = TargetGroup.objects.get(code="kh-jobparat")
    for team, cw, names in ((teams[0], alice, ["Nora Nord", "Niels Nord"]), (teams[1], bob, ["Sara Syd"])):
        for i, name in enumerate(names):
            first, last = name.split()
            citizen = Citizen.objects.create(
                cpr=f"0202{team.pk % 100:02d}{i}{team.pk:03d}", first_name=first, last_name=last, team=team,
                caseworker=cw,
            )
            Enrolment.objects.create(citizen=citizen, target_group=group, start=START)
            Contact.objects.create(
                citizen=citizen, date=date(2026, 9, 3), kind="jobsamtale", channel="fremmoede"
            )
    refresh_all(on=date(2026, 11, 1))
    return teams


@pytest.mark.django_db
def test_team_leaders_see_only_their_teams_admins_the_municipality(two_teams, lea, ada, client, monkeypatch):
    monkeypatch.setattr("jobcenter.compliance_report.today", lambda: date(2026, 11, 1))
    nord = compliance_report(list(two_teams[:1]), date(2026, 11, 1))
    assert {r["team"] for p in nord["pools"] for r in p["rows"]} == {"Team Nord"}

    body = api_for(lea).get("/api/v1/compliance/").json()
    assert {r["team"] for p in body["pools"] for r in p["rows"]} == {"Team Nord"}
    (pool,) = body["pools"]
    assert pool["key"] == POOL and pool["rows"][0]["enrolments"] == 2 and len(pool["trend"]) == 12
    everyone = api_for(ada).get("/api/v1/compliance/").json()
    assert {r["team"] for p in everyone["pools"] for r in p["rows"]} == {"Team Nord", "Team Syd"}

    page = client_for(client, lea).get("/rapporter/kvoter/")
    html = page.content.decode()
    assert page.status_code == 200 and "Team Nord" in html and "Team Syd" not in html
    export = client.get("/rapporter/kvoter/?format=csv").content.decode("utf-8-sig")
    assert "Team Nord" in export and "Team Syd" not in export


@pytest.mark.django_db
def test_caseworkers_get_no_report(two_teams, alice, client):
    assert client_for(client, alice).get("/rapporter/kvoter/").status_code == 403
    assert api_for(alice).get("/api/v1/compliance/").status_code == 403


@pytest.mark.django_db
def test_the_at_risk_link_lists_the_open_citizens_on_the_worklist(two_teams, lea, client, monkeypatch):
    monkeypatch.setattr("jobcenter.compliance_report.today", lambda: date(2026, 11, 1))
    html = client_for(client, lea).get("/rapporter/kvoter/").content.decode()
    link = f"kvote={POOL}&amp;kohorte=2026-09"
    assert link in html
    worklist = client.get(f"/borgere/?scope=team&kvote={POOL}&kohorte=2026-09").content.decode()
    assert "Nora" in worklist and "Niels" in worklist and "Sara" not in worklist
    other_cohort = client.get(f"/borgere/?scope=team&kvote={POOL}&kohorte=2026-10").content.decode()
    assert "Nora" not in other_cohort
