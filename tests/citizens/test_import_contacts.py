"""Bulk import with contacts: one contact per row, rows of one citizen agree, upsert by natural key."""

from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from citizens import import_check, import_file
from citizens.models import AuditEvent, Citizen, Contact, Enrolment
from tests.conftest import client_for

HEADER = (
    "cpr;first_name;last_name;team;caseworker;target_group;start;"
    "contact_date;contact_kind;contact_channel;contact_performed_by;contact_outcome;contact_minutes\n"
)
ANNA = "010190-1234;Anna;Andersen;Team Nord;alice;kh-jobparat;2026-09-01;"
BO = "020285-2345;Bo;Berg;Team Syd;;dagpenge;15.10.2026;"
GOOD = (
    ANNA + "2026-09-10;jobsamtale;fremmoede;;;\n"
    + ANNA + "20.10.2026;jobsamtale;telefon;kommune;held;25\n"
    + ANNA + "2026-11-02;kontakt;digital;a-kasse;absent;\n"
    + BO + ";;;;;\n"
)
TODAY = date(2026, 11, 27)


def _validate(text, **kwargs):
    return import_check.validate(
        import_file.read_records(text.encode(), "x.csv"),
        teams={"Team Nord", "Team Syd"},
        caseworkers={"alice": "Team Nord", "bob": "Team Syd"},
        target_groups={"kh-jobparat", "dagpenge"},
        today=kwargs.pop("today", TODAY),
    )


def _found(report):
    return {(e.row, e.column) for e in report.errors}


def test_contacts_are_parsed_with_defaults_one_citizen_per_cpr():
    report = _validate(HEADER + GOOD)
    assert report.ok, report.errors
    assert report.lines == 4
    assert [r.cpr for r in report.rows] == ["0101901234", "0202852345"]
    first, second, third = report.contacts
    assert (first.row, first.date, first.kind, first.channel, first.performed_by) == (
        2, date(2026, 9, 10), "jobsamtale", "fremmoede", "kommune"
    )
    assert (first.outcome, first.minutes, first.outcome_or_default, first.minutes_or_default) == (
        None, None, "held", 45
    )
    assert (second.date, second.minutes, second.minutes_or_default) == (date(2026, 10, 20), 25, 25)
    assert (third.performed_by, third.outcome_or_default, third.minutes_or_default) == (
        "a-kasse", "absent", 20
    )


def test_each_bad_contact_is_reported_on_its_row_and_column():
    text = HEADER + (
        ANNA + "2026-09-10;samtale;fremmoede;;;\n"  # 2 unknown kind
        + ANNA + "2026-09-11;jobsamtale;brev;naboen;gik godt;\n"  # 3 channel, performer, outcome
        + ANNA + "2026-12-01;jobsamtale;telefon;;;\n"  # 4 in the future
        + ANNA + "2026-08-31;jobsamtale;telefon;;;\n"  # 5 before the enrolment start
        + ANNA + "31-02-2026x;jobsamtale;telefon;;;\n"  # 6 malformed date
        + ANNA + "2026-09-12;;telefon;;;\n"  # 7 partial: kind missing
        + ANNA + ";;;;held;\n"  # 8 partial: only an outcome
        + ANNA + "2026-09-13;kontakt;video;;;0\n"  # 9 minutes out of range
        + ANNA + "2026-09-14;kontakt;video;;;en halv\n"  # 10 minutes not a number
    )
    report = _validate(text)
    assert _found(report) == {
        (2, "contact_kind"),
        (3, "contact_channel"), (3, "contact_performed_by"), (3, "contact_outcome"),
        (4, "contact_date"),
        (5, "contact_date"),
        (6, "contact_date"),
        (7, "contact_kind"),
        (8, "contact_date"), (8, "contact_kind"), (8, "contact_channel"),
        (9, "contact_minutes"),
        (10, "contact_minutes"),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(2, "contact_kind")].startswith(
        "Kontaktformen 'samtale' findes ikke. Tilladte: jobsamtale"
    )
    assert "fremtiden" in messages[(4, "contact_date")]
    assert messages[(5, "contact_date")] == "Kontakten ligger før forløbets start (01.09.2026)."
    assert messages[(7, "contact_kind")] == "Kontakten er kun delvist udfyldt: kontaktform mangler."
    assert str(report.errors[0]).startswith("Række 2, kolonne contact_kind:")


def test_rows_of_one_citizen_must_agree_and_repeat_only_with_a_contact():
    text = HEADER + (
        ANNA + "2026-09-10;jobsamtale;fremmoede;;;\n"
        + "010190-1234;Anna;Andersen;Team Nord;;kh-jobparat;2026-09-02;2026-09-11;kontakt;telefon;;\n"
        + ANNA + ";;;;;\n"  # 4 a repeat without a contact
        + ANNA + "10.09.2026;jobsamtale;fremmoede;kommune;absent;\n"  # 5 the same contact as row 2
    )
    report = _validate(text)
    assert _found(report) == {(3, "caseworker"), (3, "start"), (4, "cpr"), (5, "contact_date")}
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(3, "start")].startswith(
        "Borgeren står også i række 2 med start 01.09.2026, her 02.09.2026."
    )
    assert messages[(3, "caseworker")].startswith(
        "Borgeren står også i række 2 med sagsbehandler 'alice', her (tom)."
    )
    assert "række 2" in messages[(4, "cpr")] and "række 2" in messages[(5, "contact_date")]


def test_contact_columns_come_together_in_the_header():
    report = _validate("cpr;first_name;last_name;team;caseworker;target_group;start;contact_date\n")
    assert _found(report) == {(1, "contact_kind"), (1, "contact_channel")}


def _snapshot():
    return (
        list(Citizen.objects.order_by("pk").values_list(
            "pk", "version", "next_due", "next_label", "last_contact"
        )),
        list(Enrolment.objects.order_by("pk").values_list("pk", "start", "end")),
        list(Contact.objects.order_by("pk").values_list(
            "pk", "date", "kind", "channel", "outcome", "minutes"
        )),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def csv_file(tmp_path, alice, bob):
    path = tmp_path / "stamme.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_contacts_are_imported_obligations_reflect_them_and_reimport_changes_nothing(csv_file):
    out = StringIO()
    call_command("import_caseload", str(csv_file), stdout=out)
    assert "Prøvekørsel (intet gemt): 4 rækker, 2 nye borgere" in out.getvalue()
    assert "3 nye kontakter" in out.getvalue()
    assert not Contact.objects.exists()

    out = StringIO()
    call_command("import_caseload", str(csv_file), "--commit", stdout=out)
    assert "4 rækker, 2 nye borgere, 0 ændrede, 0 uændrede, 2 nye forløb" in out.getvalue()
    assert "3 nye kontakter, 0 ændrede kontakter, 0 uændrede kontakter" in out.getvalue()
    anna = Citizen.objects.get(cpr="0101901234")
    stored = anna.contacts.order_by("date").values_list("kind", "channel", "performed_by", "outcome",
                                                        "minutes")
    assert list(stored) == [
        ("jobsamtale", "fremmoede", "kommune", "held", 45),
        ("jobsamtale", "telefon", "kommune", "held", 25),
        ("kontakt", "digital", "a-kasse", "absent", 20),
    ]
    # Two held job talks meet the first talk and one of three; without them the first was overdue.
    assert (anna.next_label, anna.next_status, anna.next_due, anna.last_contact) == (
        "Jobsamtale 2 af 3", "open", date(2027, 2, 28), date(2026, 10, 20)
    )
    # One entry per contact, as the contact form writes it (services.contact_register), marked as imported.
    logged = AuditEvent.objects.filter(citizen=anna, action=AuditEvent.Action.CONTACT).order_by("pk")
    assert [(e.details["date"], e.details["kind"], e.details["via"]) for e in logged] == [
        ("2026-09-10", "jobsamtale", "import"), ("2026-10-20", "jobsamtale", "import"),
        ("2026-11-02", "kontakt", "import"),
    ]
    assert Citizen.objects.get(cpr="0202852345").contacts.count() == 0

    snapshot = _snapshot()
    out = StringIO()
    call_command("import_caseload", str(csv_file), "--commit", stdout=out)
    assert "0 nye borgere, 0 ændrede, 2 uændrede, 0 nye forløb" in out.getvalue()
    assert "0 nye kontakter, 0 ændrede kontakter, 3 uændrede kontakter" in out.getvalue()
    assert _snapshot() == snapshot


@pytest.mark.django_db
def test_reimport_upserts_stated_outcome_and_keeps_what_the_file_leaves_empty(tmp_path, csv_file):
    call_command("import_caseload", str(csv_file), "--commit", stdout=StringIO())
    first = Contact.objects.get(date=date(2026, 9, 10))
    first.outcome, first.minutes = "absent", 50  # corrected by hand after the import
    first.save()
    changed = tmp_path / "changed.csv"
    changed.write_text(
        HEADER
        + ANNA + "2026-09-10;jobsamtale;fremmoede;;;\n"  # outcome, minutes empty: the stored stay
        + ANNA + "20.10.2026;jobsamtale;telefon;kommune;cancelled;25\n"  # outcome stated: updated
        + ANNA + "2026-11-20;jobsamtale;video;;;\n",  # new
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_caseload", str(changed), "--commit", stdout=out)
    assert "1 nye kontakter, 1 ændrede kontakter, 1 uændrede kontakter" in out.getvalue()
    anna = Citizen.objects.get(cpr="0101901234")
    assert list(anna.contacts.order_by("date").values_list("outcome", "minutes")) == [
        ("absent", 50), ("cancelled", 25), ("absent", 20), ("held", 30)
    ]
    assert anna.last_contact == date(2026, 11, 20)


@pytest.mark.django_db
def test_one_bad_contact_row_rejects_the_whole_file(tmp_path, alice, bob):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + BO + "2026-10-01;jobsamtale;telefon;;;\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="1 fejl"):
        call_command("import_caseload", str(path), "--commit", stdout=out)
    expected = "Række 6, kolonne contact_date: Kontakten ligger før forløbets start (15.10.2026)."
    assert expected in out.getvalue()
    assert not Citizen.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db
def test_rows_of_one_citizen_that_disagree_reject_the_file(tmp_path, alice, bob):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + GOOD + "020285-2345;Bo;Berg;Team Syd;;kh-jobparat;15.10.2026;2026-11-01;kontakt;telefon;;\n",
        encoding="utf-8",
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 fejl"):
        call_command("import_caseload", str(path), "--commit", stdout=out)
    expected = "Række 6, kolonne target_group: Borgeren står også i række 5 med målgruppe 'dagpenge'"
    assert expected in out.getvalue()
    assert not Citizen.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db
def test_xlsx_contacts_with_dates_and_numbers(tmp_path, alice):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(";"))
    base = [101901234, "Anna", "Andersen", "Team Nord", "alice", "kh-jobparat", date(2026, 9, 1)]
    sheet.append([*base, date(2026, 9, 10), "Jobsamtale", "fremmoede", None, None, 40.0])
    sheet.append([*base, date(2026, 10, 1), "kontakt", "telefon", "kommune", "held", None])
    path = tmp_path / "stamme.xlsx"
    book.save(path)
    call_command("import_caseload", str(path), "--commit", stdout=StringIO())
    assert list(Contact.objects.order_by("date").values_list("kind", "minutes")) == [
        ("jobsamtale", 40), ("kontakt", 30)
    ]


@pytest.mark.django_db
def test_upload_page_reports_contacts_in_the_dry_run(
    client, ada, alice, bob, django_capture_on_commit_callbacks
):
    client = client_for(client, ada)
    upload = SimpleUploadedFile("stamme.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/borgere/import/", {"file": upload})
    page = client.get(response["Location"])
    expected = "4 rækker: 2 nye borgere, 0 ændrede, 0 uændrede, 2 nye forløb, 3 nye kontakter"
    assert expected in page.content.decode()
    assert not Contact.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{response['Location']}bekraeft/").status_code == 302
    assert Contact.objects.count() == 3
