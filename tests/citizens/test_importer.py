"""Bulk import: pure validation with a report per row, all-or-nothing commit, idempotent re-import."""

from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from citizens import import_check, import_file
from citizens.models import AuditEvent, Citizen, Enrolment, ImportJob
from tests.conftest import client_for

HEADER = "cpr;first_name;last_name;team;caseworker;target_group;start\n"
GOOD = (
    "010190-1234;Anna;Andersen;Team Nord;alice;kh-jobparat;2026-09-01\n"
    "020285-2345;Bo;Berg;Team Syd;;dagpenge;15.10.2026\n"
)


def _records(text):
    return import_file.read_records(text.encode(), "x.csv")


def test_validate_is_pure_and_names_row_and_column():
    text = (
        HEADER
        + GOOD
        + "310299-1234;Cia;;Team Øst;bob;ukendt;i går\n"
        + "010190-1234;Dup;Lika;Team Nord;;dagpenge;2026-01-01\n"
    )
    report = import_check.validate(
        _records(text),
        teams={"Team Nord", "Team Syd"},
        caseworkers={"alice": "Team Nord", "bob": "Team Syd"},
        target_groups={"kh-jobparat", "dagpenge"},
    )
    assert [r.cpr for r in report.rows] == ["0101901234", "0202852345"]
    assert report.rows[1].start == date(2026, 10, 15)
    found = {(e.row, e.column) for e in report.errors}
    assert {(4, "cpr"), (4, "last_name"), (4, "team"), (4, "target_group"), (4, "start"), (5, "cpr")} <= found
    assert str(report.errors[0]).startswith("Række 4, kolonne cpr:")


def test_unknown_and_missing_columns_are_reported_on_the_header():
    report = import_check.validate(
        _records("cpr;navn\n010190-1234;x\n"), teams=set(), caseworkers={}, target_groups=set()
    )
    assert {(e.row, e.column) for e in report.errors} >= {(1, "navn"), (1, "first_name")}


@pytest.fixture
def csv_file(tmp_path, alice, bob):
    path = tmp_path / "stamme.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_one_bad_row_rejects_the_whole_file(tmp_path, alice, bob):
    path = tmp_path / "bad.csv"
    bad_row = "999999-1234;Eva;Ek;Team Nord;;kh-jobparat;2026-09-01\n"
    path.write_text(HEADER + GOOD + bad_row, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="1 fejl"):
        call_command("import_caseload", str(path), "--commit", stdout=out)
    assert "Række 4, kolonne cpr: CPR-nummerets første 6 cifre er ikke en gyldig dato" in out.getvalue()
    assert not Citizen.objects.exists()


@pytest.mark.django_db
def test_dry_run_saves_nothing_commit_saves_and_reimport_is_a_noop(csv_file, alice):
    out = StringIO()
    call_command("import_caseload", str(csv_file), stdout=out)
    assert "Prøvekørsel (intet gemt): 2 rækker, 2 nye borgere" in out.getvalue()
    assert not Citizen.objects.exists()

    call_command("import_caseload", str(csv_file), "--commit", stdout=out)
    anna = Citizen.objects.get(cpr="0101901234")
    assert (anna.first_name, anna.team.name, anna.caseworker, anna.current_target_group.code) == (
        "Anna", "Team Nord", alice, "kh-jobparat"
    )
    snapshot = (
        list(Citizen.objects.order_by("pk").values_list("pk", "first_name", "version", "team_id")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "target_group_id", "start", "end")),
        AuditEvent.objects.count(),
    )
    out = StringIO()
    call_command("import_caseload", str(csv_file), "--commit", stdout=out)
    assert "0 nye borgere, 0 ændrede, 2 uændrede, 0 nye forløb" in out.getvalue()
    assert snapshot == (
        list(Citizen.objects.order_by("pk").values_list("pk", "first_name", "version", "team_id")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "target_group_id", "start", "end")),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_reimport_updates_by_cpr_and_transfers(tmp_path, csv_file, alice):
    call_command("import_caseload", str(csv_file), "--commit", stdout=StringIO())
    changed = tmp_path / "changed.csv"
    changed.write_text(
        HEADER
        + "0101901234;Anne;Andersen;Team Nord;alice;kh-aktivitetsparat;2026-10-01\n"
        + "020285-2345;Bo;Berg;Team Syd;;dagpenge;15.10.2026\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_caseload", str(changed), "--commit", stdout=out)
    assert "1 ændrede, 1 uændrede, 1 nye forløb, 1 afsluttede forløb" in out.getvalue()
    anna = Citizen.objects.get(cpr="0101901234")
    assert anna.first_name == "Anne" and anna.version == 2
    assert list(anna.enrolments.order_by("start").values_list("end", flat=True)) == [date(2026, 9, 30), None]


@pytest.mark.django_db
def test_xlsx_is_read(tmp_path, alice, bob):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(";"))
    sheet.append([101901234, "Anna", "Andersen", "Team Nord", "alice", "kh-jobparat", date(2026, 9, 1)])
    path = tmp_path / "stamme.xlsx"
    book.save(path)
    call_command("import_caseload", str(path), "--commit", stdout=StringIO())
    assert Citizen.objects.get().cpr == "0101901234"


@pytest.mark.django_db
def test_upload_page_dry_run_then_confirm(client, ada, alice, bob, django_capture_on_commit_callbacks):
    client = client_for(client, ada)
    upload = SimpleUploadedFile("stamme.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the job runs in-process (no broker)
        response = client.post("/borgere/import/", {"file": upload})
    assert response.status_code == 302  # to the job's page
    page = client.get(response["Location"])
    assert "Prøvekørsel" in page.content.decode()
    assert not Citizen.objects.exists()
    job = ImportJob.objects.get()
    assert (job.status, job.progress, job.commit, job.error_count) == ("done", 100, False, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/borgere/import/{job.pk}/bekraeft/")
    assert response.status_code == 302
    assert "Importen er gemt" in client.get(response["Location"]).content.decode()
    assert Citizen.objects.count() == 2


@pytest.mark.django_db
def test_upload_page_reports_bad_rows_and_is_admin_only(
    client, ada, alice, django_capture_on_commit_callbacks
):
    client_for(client, alice)
    assert client.get("/borgere/import/").status_code == 403
    client.logout()
    client_for(client, ada)
    upload = SimpleUploadedFile("stamme.csv", (HEADER + "1;;;;;;\n").encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/borgere/import/", {"file": upload})
    page = client.get(response["Location"])
    assert "intet er gemt" in page.content.decode()
    job = ImportJob.objects.get()
    assert job.error_count > 0
    response = client.post(f"/borgere/import/{job.pk}/bekraeft/")  # a file with errors is never imported
    assert response.status_code == 302 and response["Location"] == "/borgere/import/"
    assert ImportJob.objects.count() == 1 and not Citizen.objects.exists()
