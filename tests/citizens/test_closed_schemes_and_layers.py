"""Issue 11 through the write paths: closed schemes refused (UI/API services and import), the
sick-benefit flag, local service levels stored with ``local`` and switched off per team, and the
worklist's "statutory only" filter. Every date is explicit."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from catalogue import services as catalogue_services
from catalogue.models import RuleSet, TargetGroup
from citizens import services
from citizens.filters import WorklistFilter
from citizens.importer import run_import
from citizens.models import Citizen, Contact, Enrolment, Obligation
from citizens.refresh import refresh_citizens
from jobcenter.models import StaffMember

D = date
LOCAL_SET = "lokal-jobparat-3-mdr"


def group(code: str) -> TargetGroup:
    return TargetGroup.objects.get(code=code)


def create(ada, teams, code: str, start: date, cpr: str = "0101901234", **kw) -> Citizen:
    return services.citizen_create(
        user=ada.user, cpr=cpr, first_name="Test", last_name="Borger", team=teams[0], caseworker=None,
        target_group=group(code), start=start, **kw,
    )


def stored(citizen: Citizen):
    return list(Obligation.objects.filter(enrolment__citizen=citizen).order_by("latest", "rule", "number"))


# --- Closed schemes -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_ressourceforloeb_after_commencement_is_refused(ada, teams):
    with pytest.raises(ValidationError) as exc:
        create(ada, teams, "ressourceforloeb", D(2026, 3, 2))
    message = exc.value.message_dict["target_group"][0]
    assert "er lukket for nye forløb fra 01.02.2026" in message and "02.03.2026" in message
    assert "lov nr. 1750" in message
    assert not Citizen.objects.exists()  # nothing half-saved


@pytest.mark.django_db
@pytest.mark.parametrize("code, start", [
    ("revalidering", D(2026, 2, 1)),
    ("jobafklaring", D(2027, 1, 4)),
    ("kh-jobparat", D(2027, 1, 4)),
    ("dagpenge", D(2027, 1, 1)),
])
def test_transfer_into_a_closed_scheme_is_refused(ada, teams, code, start):
    citizen = create(ada, teams, "jobsoegning" if start.year == 2027 else "kh-jobparat", D(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        services.enrolment_transfer(user=ada.user, citizen=citizen, target_group=group(code), start=start)
    assert "lukket for nye forløb" in exc.value.message_dict["target_group"][0]
    assert citizen.enrolments.count() == 1 and citizen.enrolments.get().end is None


@pytest.mark.django_db
def test_open_schemes_are_accepted_on_either_side_of_the_dates(ada, teams):
    create(ada, teams, "ressourceforloeb", D(2026, 1, 31), cpr="0101901234")  # the day before
    create(ada, teams, "jobsoegning", D(2027, 1, 4), cpr="0202901234")
    create(ada, teams, "kh-jobparat", D(2026, 12, 31), cpr="0303901234")
    assert Citizen.objects.count() == 3


@pytest.mark.django_db
def test_running_ressourceforloeb_keeps_its_obligations(teams):
    citizen = Citizen.objects.create(cpr="0101901234", first_name="A", last_name="B", team=teams[0])
    Enrolment.objects.create(citizen=citizen, target_group=group("ressourceforloeb"), start=D(2025, 5, 5))
    refresh_citizens([citizen.pk], on=D(2026, 7, 2))
    assert [(o.rule, o.status) for o in stored(citizen)] == [
        ("ressourceforloeb.jobsamtaler-0-6-mdr", "overdue")] * 4


@pytest.mark.django_db
def test_import_refuses_a_new_enrolment_in_a_closed_scheme(ada, teams):
    rows = ("cpr,first_name,last_name,team,caseworker,target_group,start\n"
            f"0101901234,Anna,Andersen,{teams[0].name},,ressourceforloeb,2026-03-02\n"
            f"0202901234,Bo,Berg,{teams[0].name},,kh-jobparat,2026-03-02\n")
    report, result = run_import(rows.encode(), "fil.csv", user=ada.user, commit=True)
    assert result is None
    assert [(e.row, e.column) for e in report.errors] == [(2, "target_group")]
    assert "lukket for nye forløb fra 01.02.2026" in report.errors[0].message
    assert not Citizen.objects.exists()


# --- Sick benefit ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_short_absence_flag_set_on_create_and_changed_later(ada, teams, monkeypatch):
    monkeypatch.setattr("citizens.refresh.today", lambda: D(2026, 7, 10))
    citizen = create(ada, teams, "sygedagpenge", D(2026, 7, 6), short_absence=True)
    enrolment = citizen.enrolments.get()
    assert enrolment.short_absence and stored(citizen) == []  # no municipal follow-up talks
    services.enrolment_set_short_absence(user=ada.user, enrolment=enrolment, short_absence=False)
    assert [o.rule for o in stored(citizen)] == ["sygedagpenge.opfoelgningssamtale-0-6-mdr"]
    assert citizen.audit_events.filter(details__after__short_absence=False).exists()


@pytest.mark.django_db
def test_short_absence_only_for_sick_benefit(ada, teams):
    with pytest.raises(ValidationError) as exc:
        create(ada, teams, "kh-jobparat", D(2026, 7, 6), short_absence=True)
    assert "kun sygedagpengemodtagere" in exc.value.message_dict["short_absence"][0]


@pytest.mark.django_db
def test_import_sets_the_short_absence_flag(ada, teams):
    rows = ("cpr,first_name,last_name,team,caseworker,target_group,start,short_absence\n"
            f"0101901234,Anna,Andersen,{teams[0].name},,sygedagpenge,2026-07-06,ja\n")
    report, result = run_import(rows.encode(), "fil.csv", user=ada.user, commit=True)
    assert report.ok and result is not None
    assert Enrolment.objects.get().short_absence is True
    bad = rows.replace(",ja\n", ",måske\n")
    report, result = run_import(bad.encode(), "fil.csv", user=ada.user, commit=False)
    assert [(e.row, e.column) for e in report.errors] == [(2, "short_absence")]


# --- Local service levels -------------------------------------------------------------------------


def _citizen(team, cpr: str, contacts=()) -> Citizen:
    citizen = Citizen.objects.create(cpr=cpr, first_name="A", last_name="B", team=team)
    Enrolment.objects.create(citizen=citizen, target_group=group("kh-jobparat"), start=D(2026, 7, 1))
    for day, channel in contacts:
        Contact.objects.create(citizen=citizen, date=day, kind="jobsamtale", channel=channel)
    return citizen


@pytest.mark.django_db
def test_local_obligations_are_stored_labelled_and_switched_off_per_team(ada, teams,
                                                                        django_capture_on_commit_callbacks):
    a = _citizen(teams[0], "0101901234")
    b = _citizen(teams[1], "0202901234")
    refresh_citizens([a.pk, b.pk], on=D(2026, 12, 1))
    for citizen in (a, b):
        assert [(o.rule_set, o.latest) for o in stored(citizen) if o.local] == [(LOCAL_SET, D(2027, 4, 1))]
    statutory_before = [(o.rule, o.number, o.latest, o.status) for o in stored(b) if not o.local]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        catalogue_services.rule_set_set_teams_off(
            rule_set=RuleSet.objects.get(code=LOCAL_SET), teams=[teams[1]], user=ada.user)
    assert len(callbacks) == 1  # the refresh after commit
    refresh_citizens([a.pk, b.pk], on=D(2026, 12, 1))
    assert any(o.local for o in stored(a))
    assert not any(o.local for o in stored(b))
    assert [(o.rule, o.number, o.latest, o.status) for o in stored(b)] == statutory_before


@pytest.mark.django_db
def test_statutory_sets_cannot_be_switched_off_per_team(ada, teams):
    with pytest.raises(ValidationError):
        catalogue_services.rule_set_set_teams_off(
            rule_set=RuleSet.objects.get(code="lab-2027"), teams=[teams[0]], user=ada.user)


@pytest.mark.django_db
def test_worklist_filter_statutory_only(teams):
    owes_law = _citizen(teams[0], "0101901234")
    owes_local_only = _citizen(teams[0], "0202901234", contacts=[
        (D(2026, 7, 2), "fremmoede"), (D(2026, 7, 10), "telefon"), (D(2026, 8, 10), "telefon"),
        (D(2026, 9, 10), "telefon")])
    refresh_citizens([owes_law.pk, owes_local_only.pk], on=D(2026, 12, 1))
    assert [o.local for o in stored(owes_local_only)] == [True]

    def listed(source):
        f = WorklistFilter({"source": source, "scope": "team"}, queryset=Citizen.objects.all(),
                           caseworkers=StaffMember.objects.all(), staff_member=None)
        return set(f.qs.values_list("pk", flat=True))

    assert listed("all") == {owes_law.pk, owes_local_only.pk}
    assert listed("statutory") == {owes_law.pk}


@pytest.mark.django_db
def test_local_set_copy_as_draft_and_activation_checks(ada):
    local = RuleSet.objects.get(code=LOCAL_SET)
    draft = catalogue_services.rule_set_copy_as_draft(rule_set=local, user=ada.user)
    assert (draft.kind, draft.status, draft.based_on_id) == ("local", "draft", local.pk)
    assert draft.illustrative
    assert draft.rules.count() == local.rules.count()
    with pytest.raises(ValidationError) as exc:  # the same local rules twice would count twice
        catalogue_services.rule_set_activate(rule_set=draft, user=ada.user)
    assert LOCAL_SET in " ".join(exc.value.messages)
    catalogue_services.rule_set_retire(rule_set=local, user=ada.user)
    catalogue_services.rule_set_activate(rule_set=draft, user=ada.user)
    draft.refresh_from_db()
    assert draft.status == "active"
    assert draft.history.count() >= 2  # history as for statutory sets


# --- UI and API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_citizen_page_labels_statutory_and_local_obligations(client, alice, teams):
    from django.urls import reverse

    from tests.conftest import client_for

    citizen = _citizen(teams[0], "0101901234")
    citizen.caseworker = alice
    citizen.save()
    html = client_for(client, alice).get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    assert '<span class="badge badge-info">Lokalt serviceniveau</span>' in html
    assert '<span class="badge">Lovkrav</span>' in html


@pytest.mark.django_db
def test_api_short_absence_action_and_statutory_filter(alice, teams):
    from tests.api.conftest import api_for
    from tests.citizens.factories import make_citizen

    sick = make_citizen(teams[0], alice, group="sygedagpenge", start=D(2026, 10, 5), name="Syg Sygesen")
    ready = make_citizen(teams[0], alice, group="kh-jobparat", start=D(2026, 10, 5), name="Klar Klarsen")
    api = api_for(alice)
    url = f"/api/v1/enrolments/{sick.enrolments.get().pk}/short-absence/"
    response = api.post(url, {"short_absence": True}, format="json")
    assert response.status_code == 200 and response.json()["short_absence"] is True
    refused = api.post(f"/api/v1/enrolments/{ready.enrolments.get().pk}/short-absence/",
                       {"short_absence": True}, format="json")
    assert refused.status_code == 400 and "short_absence" in refused.json()["error"]["fields"]
    assert api.get("/api/v1/worklist/?source=statutory&scope=team").status_code == 200
    assert api.get("/api/v1/worklist/?source=bogus").status_code == 400
