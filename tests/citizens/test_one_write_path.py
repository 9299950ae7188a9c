"""One write path for citizens (issue 10, finding 14): the import checks with the services' rules,
writes through their bulk variants and leaves the same audit entries as the form and the API.

The file check is pure: it runs here without a database (no ``django_db`` mark, so any query fails)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalogue.models import TargetGroup
from citizens import import_check, import_file, importer, input_checks, services
from citizens.audit_text import Names, describe
from citizens.models import AuditEvent, Citizen
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen
from tests.conftest import client_for

HEADER = (
    "cpr;first_name;last_name;team;caseworker;target_group;start;"
    "contact_date;contact_kind;contact_channel;contact_performed_by;contact_outcome;contact_minutes\n"
)
ORGANISATION = {
    "teams": {"Team Nord", "Team Syd"},
    "caseworkers": {"alice": "Team Nord", "bob": "Team Syd"},
    "target_groups": {"kh-jobparat", "dagpenge", "sygedagpenge"},
}


def _check(text: str, today: date = date(2026, 11, 27)) -> import_check.Report:
    records = import_file.read_records(text.encode(), "x.csv")
    return import_check.validate(records, today=today, **ORGANISATION)


def _errors(report) -> dict[tuple[int, str], str]:
    return {(e.row, e.column): e.message for e in report.errors}


# --- the check is pure ---------------------------------------------------------------------------


def test_the_check_reads_and_validates_without_a_database():
    report = _check(
        HEADER
        + "010190-1234;Anna;Andersen;Team Nord;alice;kh-jobparat;2026-09-01;"
        + "2026-09-10;jobsamtale;telefon;;;\n"
        + "020285-2345;Bo;Berg;Team Syd;alice;dagpenge;2026-09-01;;;;;;\n"  # alice is not in Team Syd
        + "030385-3456;Cy;Carl;Team Syd;;kh-jobparat;2026-09-01;;;;;;\n"
    )
    assert [r.cpr for r in report.rows] == ["0101901234", "0303853456"]
    assert [(c.cpr, c.minutes_or_default) for c in report.contacts] == [("0101901234", 30)]
    assert _errors(report) == {(3, "caseworker"): "Sagsbehandleren hører ikke til det valgte team."}


def test_the_check_gives_the_services_messages():
    """Each message is the one the form and the API show for the same mistake."""
    today = date(2026, 11, 27)
    long_name = "x" * (input_checks.MAX_NAME + 1)
    report = _check(
        HEADER
        + f"010190-1234;{long_name};Andersen;Team Nord;;kh-jobparat;2026-09-01;"
        + "2026-12-01;jobsamtale;telefon;;;\n"
        + "020285-2345;Bo;Berg;Team Syd;;dagpenge;1999-12-31;;;;;;\n"
        + "040485-4567;Di;Dahl;Team Syd;;kh-jobparat;2026-09-01;2026-09-02;kontakt;video;;;999\n",
        today=today,
    )
    errors = _errors(report)
    assert errors[(2, "first_name")] == input_checks.name_error(long_name, "Fornavn")
    assert errors[(2, "contact_date")] == input_checks.contact_date_error(
        date(2026, 12, 1), today=today, first_start=date(2026, 9, 1)
    )
    assert errors[(3, "start")] == input_checks.start_error(date(1999, 12, 31), today)
    assert errors[(4, "contact_minutes")] == input_checks.minutes_error(999)
    assert None not in errors.values()


# --- a rule changed in one place holds everywhere ------------------------------------------------


@pytest.mark.django_db
def test_a_stricter_minutes_rule_is_enforced_by_the_service_and_the_import(monkeypatch, teams, alice):
    monkeypatch.setattr(input_checks, "MAX_MINUTES", 30)
    citizen = make_citizen(teams[0], alice)
    day = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.contact_register(user=alice.user, citizen=citizen, date=day, kind="jobsamtale",
                                  channel="fremmoede", minutes=45, outcome="held")
    expected = "Minutter skal være mellem 1 og 30."
    assert refused.value.message_dict == {"minutes": [expected]}
    start = citizen.enrolments.get().start
    row = (f"{citizen.cpr};{citizen.first_name};{citizen.last_name};Team Nord;alice;kh-jobparat;"
           f"{start.isoformat()};{day.isoformat()};jobsamtale;fremmoede;;;45\n")
    report, result = importer.run_import((HEADER + row).encode(), "x.csv", commit=True)
    assert result is None
    assert [str(e) for e in report.errors] == [f"Række 2, kolonne contact_minutes: {expected}"]
    assert not citizen.contacts.exists()


@pytest.mark.django_db
def test_a_stricter_start_rule_is_enforced_by_the_form_and_the_import(monkeypatch, client, teams, alice):
    """The rule replaced in input_checks: the form refuses the start, and so does the import's check."""
    def no_start_before_november(start, today):
        return None if start >= date(2026, 11, 1) else "Starten skal ligge i november."

    monkeypatch.setattr(input_checks, "start_error", no_start_before_november)
    response = client_for(client, alice).post(reverse("citizens:create"), {
        "cpr": "010190-1234", "first_name": "Anna", "last_name": "Andersen", "team": teams[0].pk,
        "caseworker": alice.pk, "target_group": TargetGroup.objects.get(code="kh-jobparat").pk,
        "start": "2026-10-15",
    })
    assert response.status_code == 422 and "Starten skal ligge i november." in response.content.decode()
    row = "010190-1234;Anna;Andersen;Team Nord;alice;kh-jobparat;2026-10-15;;;;;;\n"
    report, result = importer.run_import((HEADER + row).encode(), "x.csv", commit=True)
    assert result is None
    assert [str(e) for e in report.errors] == ["Række 2, kolonne start: Starten skal ligge i november."]
    assert not Citizen.objects.exists()


@pytest.mark.django_db
def test_the_import_moves_a_citizen_only_as_the_transfer_service_would(teams, alice):
    """Same group again, or a start before a stored one: refused with the API's own messages."""
    citizen = make_citizen(teams[0], alice, start=timezone.localdate() - timedelta(days=30))
    later = timezone.localdate() - timedelta(days=5)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_transfer(user=alice.user, citizen=citizen, start=later,
                                    target_group=TargetGroup.objects.get(code="kh-jobparat"))
    row = f"{citizen.cpr};Test;Borger;Team Nord;alice;kh-jobparat;{later.isoformat()};;;;;;\n"
    report, result = importer.run_import((HEADER + row).encode(), "x.csv", commit=False)
    assert result is None
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "target_group", refused.value.message_dict["target_group"][0])
    ]
    assert citizen.enrolments.count() == 1


# --- the same audit entries ----------------------------------------------------------------------


def _shape(value):
    """Keys all the way down, and the type of every leaf."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items() if key != "via"}
    return type(value).__name__


@pytest.mark.django_db
def test_a_contact_by_form_and_by_import_leave_the_same_audit_entry(client, teams, alice):
    by_form, by_import = make_citizen(teams[0], alice), make_citizen(teams[0], alice, name="Ib Import")
    day = timezone.localdate() - timedelta(days=2)
    response = client_for(client, alice).post(reverse("citizens:contact", args=[by_form.pk]), {
        "date": day.isoformat(), "kind": "jobsamtale", "channel": "telefon", "minutes": "30",
        "outcome": "held", "note": "",
    })
    assert response.status_code in (200, 302)
    start = by_import.enrolments.get().start.isoformat()
    row = (f"{by_import.cpr};Ib;Import;Team Nord;alice;kh-jobparat;{start};"
           f"{day.isoformat()};jobsamtale;telefon;;;30\n")
    report, result = importer.run_import((HEADER + row).encode(), "x.csv", user=alice.user, commit=True)
    assert result is not None and result.contacts_created == 1, report.errors
    form_entry = AuditEvent.objects.get(citizen=by_form, action=AuditEvent.Action.CONTACT)
    import_entry = AuditEvent.objects.get(citizen=by_import, action=AuditEvent.Action.CONTACT)
    assert _shape(form_entry.details) == _shape(import_entry.details)
    assert {k: v for k, v in import_entry.details.items() if k != "contact"} == {
        **{k: v for k, v in form_entry.details.items() if k != "contact"}, "via": "import"
    }
    assert import_entry.details["contact"] == by_import.contacts.get().pk
    sentence = describe("contact", form_entry.details, Names())
    assert describe("contact", import_entry.details, Names()) == f"{sentence} (ved import)"


@pytest.mark.django_db
def test_a_citizen_and_a_transfer_by_api_and_by_import_leave_the_same_audit_entries(teams, alice):
    start = timezone.localdate() - timedelta(days=20)
    api = api_for(alice)
    response = api.post("/api/v1/citizens/", {
        "cpr": "010190-1234", "first_name": "Anna", "last_name": "Andersen", "team": teams[0].pk,
        "caseworker": alice.pk, "target_group": "kh-jobparat", "start": start.isoformat(),
    }, format="json")
    assert response.status_code == 201, response.content
    row = f"020285-2345;Bo;Berg;Team Nord;alice;kh-jobparat;{start.isoformat()};;;;;;\n"
    assert importer.run_import((HEADER + row).encode(), "x.csv", user=alice.user, commit=True)[1] is not None
    anna, bo = Citizen.objects.get(cpr="0101901234"), Citizen.objects.get(cpr="0202852345")
    created = [AuditEvent.objects.get(citizen=c, action=AuditEvent.Action.CREATE).details for c in (anna, bo)]
    assert _shape(created[0]) == _shape(created[1])
    assert created[1]["via"] == "import" and created[1]["after"]["team"] == created[0]["after"]["team"]

    moved = timezone.localdate() - timedelta(days=3)
    response = api.post("/api/v1/enrolments/", {
        "citizen": anna.pk, "target_group": "kh-aktivitetsparat", "start": moved.isoformat()
    }, format="json")
    assert response.status_code == 201, response.content
    row = f"020285-2345;Bo;Berg;Team Nord;alice;kh-aktivitetsparat;{moved.isoformat()};;;;;;\n"
    report, result = importer.run_import((HEADER + row).encode(), "x.csv", user=alice.user, commit=True)
    assert result is not None and result.enrolments_ended == 1, report.errors
    update = AuditEvent.Action.UPDATE
    transfers = [AuditEvent.objects.get(citizen=c, action=update).details for c in (anna, bo)]
    assert transfers[1] == {**transfers[0], "via": "import"}


@pytest.mark.django_db
def test_minutes_left_out_default_by_channel_in_the_api_as_in_the_import(teams, alice):
    citizen = make_citizen(teams[0], alice)
    day = timezone.localdate() - timedelta(days=1)
    response = api_for(alice).post("/api/v1/contacts/", {
        "citizen": citizen.pk, "date": day.isoformat(), "kind": "jobsamtale", "channel": "telefon",
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["minutes"] == input_checks.DEFAULT_MINUTES["telefon"] == 30


@pytest.mark.django_db
def test_the_bulk_write_enforces_the_rules_itself(teams, alice):
    """Rows that did not pass the file check (another caller of services_bulk) are refused all the same."""
    start = timezone.localdate() - timedelta(days=10)
    cpr = "0101901234"
    long_name = import_check.CitizenRow(2, cpr, "Anna", "x" * 101, "Team Nord", "alice", "kh-jobparat", start)
    with pytest.raises(import_check.ImportRejected) as refused:
        importer.import_rows([long_name], commit=True)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "last_name")]
    row = import_check.CitizenRow(2, cpr, "Anna", "Andersen", "Team Nord", "alice", "kh-jobparat", start)
    contact = import_check.ContactRow(3, cpr, start - timedelta(days=1), "jobsamtale", "telefon", "kommune",
                                      None, 999)
    with pytest.raises(import_check.ImportRejected) as refused:
        importer.import_rows([row], contacts=[contact], commit=True)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "contact_date"), (3, "contact_minutes")]
    assert not Citizen.objects.exists()
