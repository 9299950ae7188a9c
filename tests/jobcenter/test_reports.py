"""Reports: team leaders and admins see them (scoped to their teams), caseworkers get 403."""

import io

import openpyxl
import pytest
from django.urls import reverse

from jobcenter.models import ForecastSnapshot
from jobcenter.perms import teams_visible_to
from jobcenter.tasks import run_forecast
from jobcenter.templatetags.economy import dkdate, kr, num
from tests.conftest import client_for
from tests.jobcenter.economy_fixtures import ON, make_caseload

REPORTS = ["reports:capacity", "reports:comparison", "reports:catalogue", "reports:risk"]
SETS = ["lab-2024", "reform-2026", "lab-2027"]


@pytest.fixture
def with_forecast(alice, bob):
    make_caseload(alice, bob)
    return ForecastSnapshot.objects.get(pk=run_forecast.apply(args=(SETS, ON.isoformat(), 12)).get())


def test_danish_formats():
    assert kr(1234567.4) == "1.234.567 kr."
    assert num(1234.56, 1) == "1.234,6"
    assert dkdate(ON) == "27.11.2026"


@pytest.mark.django_db
def test_teams_visible_to_each_role(alice, lea, ada, teams):
    assert list(teams_visible_to(alice.user)) == [teams[0]]  # her own team; reports refuse her by role
    assert list(teams_visible_to(lea.user)) == [teams[0]]
    assert set(teams_visible_to(ada.user)) == set(teams)


@pytest.mark.django_db
@pytest.mark.parametrize("name", REPORTS)
def test_caseworker_is_refused(client, alice, name):
    assert client_for(client, alice).get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_caseworker_cannot_start_a_forecast(client, alice):
    assert client_for(client, alice).post(reverse("reports:forecast_start")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", REPORTS)
def test_reports_render_for_team_leader_and_admin(client, lea, ada, with_forecast, name):
    for member in (lea, ada):
        response = client_for(client, member).get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        assert "foreløbig" in body.lower()  # assumptions are flagged wherever figures use them
        assert "<th scope=" in body


@pytest.mark.django_db
def test_reports_render_without_a_forecast(client, lea):
    for name in REPORTS:
        assert client_for(client, lea).get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_capacity_is_scoped_to_the_leaders_teams(client, lea, with_forecast):
    body = client_for(client, lea).get(reverse("reports:capacity")).content.decode()
    assert "Team Nord" in body
    assert "Team Syd" not in body


@pytest.mark.django_db
def test_catalogue_adds_up_to_kalundborgs_requirement_and_says_illustrative(client, ada, with_forecast):
    body = client_for(client, ada).get(reverse("reports:catalogue")).content.decode()
    assert "Illustrativt katalog" in body
    assert "23.100.000 kr." in body  # total of the 2029 targets and of the requirement
    assert "17.100.000 kr." in body and "6.000.000 kr." in body


@pytest.mark.django_db
@pytest.mark.parametrize("name", REPORTS)
def test_exports_csv_and_xlsx(client, lea, with_forecast, name):
    client_for(client, lea)
    csv = client.get(reverse(name), {"format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert len(csv.content.decode("utf-8-sig").splitlines()) > 1
    xlsx = client.get(reverse(name), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row > 1


@pytest.mark.django_db
def test_start_forecast_from_the_ui_and_poll_its_status(client, lea, alice, bob):
    make_caseload(alice, bob)
    client_for(client, lea)
    response = client.post(
        reverse("reports:forecast_start"), {"rule_sets": ["lab-2024", "lab-2027"], "months": 24}
    )
    assert response.status_code == 302
    snapshot = ForecastSnapshot.objects.get()
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert 'id="forecast-status"' in poll.content.decode()
    assert snapshot.months == 24


@pytest.mark.django_db
def test_over_capacity_is_marked_with_text_not_colour_alone(client, lea, alice, with_forecast):
    alice.weekly_hours = 0  # no hours at all: every month with required contacts is over capacity
    alice.save()
    body = client_for(client, lea).get(reverse("reports:capacity")).content.decode()
    assert "▲ over" in body
    assert "Over kapacitet" in body


@pytest.mark.django_db
def test_start_with_inflow_queues_one_task_that_completes_the_same_snapshot(
    client, lea, alice, bob, monkeypatch, django_capture_on_commit_callbacks
):
    make_caseload(alice, bob)
    queued = []
    monkeypatch.setattr(run_forecast, "apply_async", lambda args, **options: queued.append(args))
    client_for(client, lea)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:forecast_start"),
            {"rule_sets": ["reform-2026"], "months": 12, "inflow-dagpenge": "10", "inflow-kh-jobparat": ""},
        )
    assert response.status_code == 302
    snapshot = ForecastSnapshot.objects.get()
    assert snapshot.inflow == {"dagpenge": 10}
    assert len(queued) == 1
    run_forecast.apply(args=queued[0]).get()
    snapshot.refresh_from_db()
    assert ForecastSnapshot.objects.count() == 1 and snapshot.status == "done"
    page = client.get(response["Location"]).content.decode()
    assert "Prognosen er færdig" in page


@pytest.mark.django_db
def test_start_refuses_bad_inflow(client, lea):
    client_for(client, lea)
    response = client.post(
        reverse("reports:forecast_start"), {"rule_sets": ["lab-2024"], "inflow-dagpenge": "-3"}, follow=True
    )
    assert "Tilgangen for dagpenge skal ligge mellem 0 og 100.000" in response.content.decode()
    assert not ForecastSnapshot.objects.exists()


@pytest.mark.django_db
def test_capacity_holds_whole_talks_against_the_hours_for_talks(client, lea, with_forecast):
    from jobcenter.report_data import capacity_report
    from jobcenter.selectors import staff_capacity

    assert with_forecast.assumptions["talk_share"] == pytest.approx(0.55)
    assert with_forecast.assumptions["prep_minutes"]["fremmoede"] == 30
    teams = list(teams_visible_to(lea.user))
    report = capacity_report(with_forecast, teams)
    casework = staff_capacity(team_ids=[t.pk for t in teams], first_month=report["months"][0], months=12)
    for _m, _code, _work, avail in report["totals"][:1]:
        assert avail == pytest.approx(0.55 * sum(c["hours"][0] for c in casework.values()))
    team = report["basis"]["teams"][0]
    assert team["caseworkers"] == len(casework) and team["hours_per_talk"] > 45 / 60
    body = client_for(client, lea).get(reverse("reports:capacity")).content.decode()
    assert "Grundlaget for belastningen" in body and "Quartz+Co/BDO" in body
