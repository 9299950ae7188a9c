"""Issue 10, page findings: hostile input gets a clear Danish 4xx, the edit page saves as served,
a revealed CPR number never lands in a cookie, and every view of a citizen's data is audited."""

import csv
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from citizens import importer
from citizens.models import AuditEvent, Citizen
from tests.citizens.factories import make_citizen
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


# --- finding 4: odd input ---------------------------------------------------------------------


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "1e3"])
def test_worklist_refuses_a_bad_page_size_in_danish(client, alice, per_page):
    response = client_for(client, alice).get(reverse("citizens:worklist"), {"per_page": per_page})
    assert response.status_code == 400
    assert "Antal pr. side skal være et helt tal fra 1 til 500." in response.content.decode()


def test_worklist_page_size_is_clamped_to_500_and_the_view_is_audited(client, alice, teams):
    shown = [make_citizen(teams[0], alice, name=f"Side Borger{i}") for i in range(3)]
    client_for(client, alice)
    AuditEvent.objects.all().delete()
    response = client.get(reverse("citizens:worklist"), {"per_page": "100000", "scope": "team"})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == 500
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.EXPORT and event.user == alice.user
    assert sorted(event.details["citizens"]) == sorted(c.pk for c in shown)


@pytest.mark.parametrize(
    "url, params",
    [
        ("citizens:audit", {"user": "\x00"}),
        ("citizens:worklist", {"q": "An\x00na"}),
    ],
)
def test_nul_in_a_query_is_a_danish_400(client, ada, url, params):
    response = client_for(client, ada).get(reverse(url), params)
    assert response.status_code == 400
    assert "NUL-tegn" in response.content.decode()


def test_nul_in_a_posted_name_is_a_danish_400_and_nothing_is_saved(client, alice, teams):
    citizen = make_citizen(teams[0], alice, name="Anna Borger")
    client_for(client, alice)
    response = client.post(
        reverse("citizens:edit", args=[citizen.pk]),
        {"version": citizen.version, "first_name": "An\x00na", "last_name": "B", "cpr": citizen.masked_cpr},
    )
    assert response.status_code == 400
    assert "NUL-tegn" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.first_name == "Anna"


def _csv(rows) -> bytes:
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["cpr", "first_name", "last_name", "team", "caseworker", "target_group", "start"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_import_refuses_a_field_over_the_csv_limit_and_a_nul(
    client, ada, teams, django_capture_on_commit_callbacks
):
    huge = _csv([["0101901234", "A" * 131_073, "B", teams[0].name, "", "kh-jobparat", "2026-10-01"]])
    report = importer.check_file(huge, "liste.csv")
    assert not report.ok
    assert "131.072" in str(report.errors[0])
    nul = _csv([["0101901234", "An\x00na", "B", teams[0].name, "", "kh-jobparat", "2026-10-01"]])
    report = importer.check_file(nul, "liste.csv")
    assert not report.ok and "NUL" in str(report.errors[0])
    client_for(client, ada)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):  # the import job runs in-process here
        upload = SimpleUploadedFile("liste.csv", huge)
        response = client.post(reverse("citizens:import"), {"file": upload})
    response = client.get(response["Location"])
    assert response.status_code == 200  # the job's page, with the job's report
    assert "131.072" in response.content.decode()
    assert not Citizen.objects.exists()


# --- finding 6: the edit page saves as served --------------------------------------------------


class FormReader(HTMLParser):
    """The values a browser would submit from the page's form with method=post."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and "logout" not in (attrs.get("action") or ""):
            self.in_form = "set_language" not in (attrs.get("action") or "") and "i18n" not in (
                attrs.get("action") or ""
            )
        elif tag == "input" and self.in_form and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def served_form(response) -> dict[str, str]:
    reader = FormReader()
    reader.feed(response.content.decode())
    return reader.values


def test_edit_page_as_served_saves(client, alice, teams):
    citizen = make_citizen(teams[0], alice, name="Anna Borger")
    client_for(client, alice)
    page = client.get(reverse("citizens:edit", args=[citizen.pk]))
    values = served_form(page)
    assert values["version"] == str(citizen.version)
    assert values["first_name"] == "Anna" and values["last_name"] == "Borger"
    assert values["cpr"] == citizen.masked_cpr  # masked, never the full number
    values["first_name"] = "Anne"
    response = client.post(reverse("citizens:edit", args=[citizen.pk]), values)
    assert response.status_code == 302, response.content.decode()[:500]
    citizen.refresh_from_db()
    assert citizen.first_name == "Anne"
    assert citizen.cpr.startswith("0101")  # unchanged


# --- finding 8: a revealed CPR number never goes into a cookie ---------------------------------


def test_non_htmx_reveal_shows_the_number_without_any_cookie(client, alice, teams):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    response = client.post(reverse("citizens:reveal_cpr", args=[citizen.pk]))
    assert response.status_code == 200
    full = f"{citizen.cpr[:6]}-{citizen.cpr[6:]}"
    assert full in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for morsel in response.cookies.values():
        assert citizen.cpr[6:] not in morsel.value
    assert "messages" not in response.cookies
    # and the next page does not carry it either
    assert full not in client.get(reverse("citizens:detail", args=[citizen.pk])).content.decode()


# --- finding 9: the action forms are audited ---------------------------------------------------


@pytest.mark.parametrize("name", ["contact", "transfer", "exempt", "assign", "edit"])
def test_opening_an_action_form_is_audited(client, alice, teams, name):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    AuditEvent.objects.all().delete()
    assert client.get(reverse(f"citizens:{name}", args=[citizen.pk])).status_code == 200
    event = AuditEvent.objects.get()
    assert (event.citizen, event.user, event.action) == (citizen, alice.user, AuditEvent.Action.VIEW)


def test_an_action_form_for_a_foreign_citizen_is_404_without_audit(client, alice, bob, teams):
    foreign = make_citizen(teams[1], bob)
    client_for(client, alice)
    for name in ("contact", "transfer", "exempt", "assign", "edit"):
        assert client.get(reverse(f"citizens:{name}", args=[foreign.pk])).status_code == 404
    assert not AuditEvent.objects.filter(citizen=foreign).exists()


def test_no_inline_script_style_or_handler_in_the_pages(client, ada, alice, teams):
    citizen = make_citizen(teams[0], alice)
    client_for(client, ada)
    pages = [
        reverse("home"),
        reverse("citizens:worklist"),
        reverse("citizens:detail", args=[citizen.pk]),
        reverse("citizens:indsigt", args=[citizen.pk]),
        reverse("citizens:contact", args=[citizen.pk]) + "?from=worklist",
        reverse("catalogue:compare"),
    ]
    for url in pages:
        headers = {"HX-Request": "true"} if "from=" in url else {}
        html = client.get(url, headers=headers).content.decode()
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=|<style", html), url


def test_the_reassignment_list_is_audited(client, lea, alice, teams):
    shown = [make_citizen(teams[0], alice, name=f"Flyt Borger{i}") for i in range(2)]
    client_for(client, lea)
    AuditEvent.objects.all().delete()
    response = client.get(
        reverse("citizens:reassign"), {"from_caseworker": alice.pk, "to_caseworker": lea.pk}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert sorted(event.details["citizens"]) == sorted(c.pk for c in shown)
