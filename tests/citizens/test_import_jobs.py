"""Imports as jobs: the file is read as a stream with documented limits, checked and imported by a
Celery worker with progress, with the same dry-run and all-or-nothing rules."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from citizens import import_file, importer
from citizens.models import Citizen, ImportJob
from tests.citizens.test_importer import GOOD, HEADER
from tests.conftest import client_for, missing_service, wait_for


def _errors(source, name="x.csv"):
    return [str(e) for e in importer.check_file(source, name).errors]


@pytest.mark.django_db
def test_a_workbook_that_unpacks_to_far_more_than_it_weighs_is_refused_unread():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))  # 20 MB of blanks, ~20 KB packed
    assert len(packed.getvalue()) < 100_000
    (error,) = _errors(packed.getvalue(), "bombe.xlsx")
    assert "pakket ud" in error and "200 MB" in error


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused_with_the_limit_named(monkeypatch):
    monkeypatch.setattr(import_file, "MAX_ROWS", 3)
    rows = "".join(f"01019{n}-1234;A;B;Team Nord;;kh-jobparat;2026-09-01\n" for n in range(5))
    (error,) = _errors((HEADER + rows).encode())
    assert error.endswith(": Filen har mere end 3 rækker. Del den op i flere filer.")


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_a_row_is_read(monkeypatch, tmp_path):
    """The command line and the job read files the upload form never saw: the byte limit holds
    there too, so a 1 GB file is refused without being parsed (memory stays bounded)."""
    path = tmp_path / "stor.csv"
    path.write_text(HEADER + GOOD)
    monkeypatch.setattr(import_file, "MAX_FILE_BYTES", path.stat().st_size - 1)
    read = []
    monkeypatch.setattr(import_file, "_read_csv", lambda *a: read.append(a) or iter(()))
    (error,) = _errors(path, "stor.csv")
    assert error.endswith("Filen må højst fylde 0 MB. Del den op i flere filer.")
    assert read == []


@pytest.mark.django_db
def test_a_field_over_the_csv_limit_is_a_clear_error_not_a_crash():
    row = "0101901234;" + "A" * 200_000 + ";B;Team Nord;;kh-jobparat;2026-09-01\n"
    (error,) = _errors((HEADER + row).encode())
    assert "kan ikke læses som CSV" in error


@pytest.mark.django_db
def test_a_file_is_read_from_disk_as_a_stream_with_progress(tmp_path, alice, bob):
    rows = "".join(
        f"{(n % 28) + 1:02d}0190{n % 10}{n:03d};Anna;Andersen;Team Nord;alice;kh-jobparat;2026-09-01\n"
        for n in range(12_000)
    )
    path = tmp_path / "stor.csv"
    path.write_text(HEADER + rows)
    seen = []
    report = importer.check_file(path, path.name, progress=seen.append)
    assert report.lines == 12_000
    assert len(seen) == 2 and 0 < seen[0] < seen[1] <= 1  # every 5,000 rows: how far into the file


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_dry_run_and_the_import_run_as_jobs_on_a_real_worker(client, celery_worker, ada, alice, bob):
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL", f"the test database is {connection.vendor}")
    from tests.jobcenter.economy_fixtures import ensure_rules

    ensure_rules()
    client_for(client, ada)
    upload = SimpleUploadedFile("stamme.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    response = client.post("/borgere/import/", {"file": upload})
    assert response.status_code == 302
    checked = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Prøvekørsel af" in page  # the page follows the job while the worker has it
    assert wait_for(lambda: ImportJob.objects.get(pk=checked.pk).status == "done"), celery_worker
    assert not Citizen.objects.exists()  # a dry run saves nothing
    assert "Bekræft og importér stamme.csv" in client.get(response["Location"]).content.decode()

    response = client.post(f"/borgere/import/{checked.pk}/bekraeft/")
    imported = ImportJob.objects.get(commit=True)
    assert response["Location"] == f"/borgere/import/{imported.pk}/"
    assert wait_for(lambda: ImportJob.objects.get(pk=imported.pk).status == "done")
    imported.refresh_from_db()
    assert (imported.progress, imported.error_count, imported.result["created"]) == (100, 0, 2)
    assert Citizen.objects.count() == 2
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Importen er gemt" in page and "hx-trigger" not in page  # finished: polling stops
