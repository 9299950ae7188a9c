"""Issue 13 (caseworker screens) and issue 10 #11 (double submit), without a browser."""

import inspect
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalogue.models import TargetGroup
from citizens import selectors, services
from citizens.filters import WEEK_DAYS, WorklistFilter, week_end
from citizens.models import AuditEvent, Citizen, Contact
from citizens.obligations import evaluate
from tests.api.conftest import api_for
from tests.citizens.factories import make_citizen
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _ids(response):
    return [row.record.pk for row in response.context["table"].rows]


# --- search by name or CPR -------------------------------------------------------------------


@pytest.fixture
def anna(teams, alice):
    citizen = make_citizen(teams[0], alice, name="Anna Andersen")
    Citizen.objects.filter(pk=citizen.pk).update(cpr="0112711234")
    return citizen


@pytest.mark.parametrize("typed", ["011271-1234", "0112711234", " 011271 1234 ", "011271"])
def test_cpr_search_in_all_three_forms(client, teams, alice, anna, typed):
    other = make_citizen(teams[0], alice, name="Bo Berg")
    Citizen.objects.filter(pk=other.pk).update(cpr="0212711234")
    response = client_for(client, alice).get(reverse("citizens:worklist"), {"q": typed, "scope": "team"})
    assert _ids(response) == [anna.pk]


def test_search_parse_kinds():
    assert selectors.search_parse("011271-1234") == selectors.Search("cpr", "0112711234")
    assert selectors.search_parse("011271") == selectors.Search("birth", "011271")
    assert selectors.search_parse("01127").kind == "invalid"
    assert selectors.search_parse("Anna  And").kind == "name"


def test_search_is_scoped_like_everything_else(client, teams, alice, bob, anna):
    response = client_for(client, bob).get(reverse("citizens:worklist"), {"q": "011271", "scope": "team"})
    assert _ids(response) == []
    assert "blandt de borgere, du har adgang til" in response.content.decode()
    # A search that finds nothing is logged too: who looked for whom.
    assert AuditEvent.objects.get(user=bob.user, details__search="birth").details["citizens"] == []


def test_search_is_audited_with_the_cpr_masked(client, alice, anna):
    client_for(client, alice).get(reverse("citizens:worklist"), {"q": "0112711234", "scope": "team"})
    event = AuditEvent.objects.get(details__search="cpr")  # the list read, naming whom it showed
    assert event.user == alice.user
    assert event.details["citizens"] == [anna.pk]
    assert "0112711234" not in str(event.details) and "011271-xxxx" in str(event.details)


def test_empty_list_says_why_for_mine_with_another_caseworker(client, teams, alice):
    from tests.conftest import make_staff

    carl = make_staff("carl", "caseworker", teams[0], first_name="Carl")
    make_citizen(teams[0], carl, name="Cia Carlsen")
    response = client_for(client, alice).get(
        reverse("citizens:worklist"), {"scope": "mine", "caseworker": carl.pk}
    )
    body = response.content.decode()
    assert _ids(response) == []
    assert "Hvorfor er listen tom?" in body and "»Mine borgere« viser kun dine egne borgere" in body


def test_empty_list_explains_a_search_that_is_not_a_cpr_number(client, alice):
    response = client_for(client, alice).get(reverse("citizens:worklist"), {"q": "0112", "scope": "team"})
    assert "hele CPR-nummeret (10 cifre" in response.content.decode()


# --- "Forfalder denne uge": the next 7 days ------------------------------------------------


@pytest.fixture
def due_dates(teams, alice):
    """Citizens due on each day from Saturday 28.11.2026 to Tuesday 08.12.2026."""
    made = {}
    for offset in range(11):
        due = date(2026, 11, 28) + timedelta(days=offset)
        citizen = make_citizen(teams[0], alice, name=f"Due {due:%d%m}")
        Citizen.objects.filter(pk=citizen.pk).update(next_due=due, next_status="due_soon")
        made[due] = citizen.pk
    return made


def _week(alice, today):
    f = WorklistFilter(
        {"status": "week", "scope": "team"},
        queryset=Citizen.objects.all(),
        caseworkers=selectors.caseworkers_visible_to(alice.user),
        staff_member=alice,
        today=today,
    )
    return set(f.qs.values_list("next_due", flat=True))


def test_this_week_on_a_sunday_is_the_next_seven_days(alice, due_dates):
    sunday = date(2026, 11, 29)
    assert sunday.isoweekday() == 7
    shown = _week(alice, sunday)
    # Overdue (Saturday) stays; Monday to next Sunday included; not the Monday after.
    assert shown == {date(2026, 11, 28) + timedelta(days=i) for i in range(9)}
    assert max(shown) == week_end(sunday) == date(2026, 12, 6)


def test_this_week_on_a_monday_is_the_next_seven_days(alice, due_dates):
    monday = date(2026, 11, 30)
    shown = _week(alice, monday)
    assert max(shown) == week_end(monday) == date(2026, 12, 7)
    assert date(2026, 12, 8) not in shown and date(2026, 11, 28) in shown


def test_this_week_agrees_with_the_due_soon_badge_and_says_so(client, alice):
    # Everything due within the week is badged "Forfalder snart" by the engine (or overdue).
    assert inspect.signature(evaluate).parameters["due_soon_days"].default >= WEEK_DAYS
    body = client_for(client, alice).get(reverse("citizens:worklist")).content.decode()
    end = (timezone.localdate() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert f"de næste 7 dage: frist til og med {end}" in body


# --- the same contact twice, and a double submit -----------------------------------------


def _contact(**extra):
    return {
        "date": timezone.localdate().isoformat(),
        "kind": "jobsamtale",
        "channel": "fremmoede",
        "minutes": "45",
        "outcome": "held",
        "note": "",
        **extra,
    }


def test_two_identical_posts_with_one_idempotency_key_store_one_contact(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    key = str(uuid.uuid4())
    client_for(client, alice)
    url = reverse("citizens:contact", args=[citizen.pk])
    first = client.post(url, _contact(idempotency_key=key, **{"from": "worklist"}), HTTP_HX_REQUEST="true")
    second = client.post(url, _contact(idempotency_key=key, **{"from": "worklist"}), HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == 200
    assert "er registreret" in second.content.decode()
    assert Contact.objects.filter(citizen=citizen).count() == 1
    assert AuditEvent.objects.filter(citizen=citizen, action=AuditEvent.Action.CONTACT).count() == 1


def test_the_form_carries_a_fresh_idempotency_key(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    keys = {
        client.get(reverse("citizens:contact", args=[citizen.pk])).context["form"]["idempotency_key"].value()
        for _ in range(2)
    }
    assert len(keys) == 2 and all(uuid.UUID(str(k)) for k in keys)


def test_a_second_identical_contact_the_same_day_asks_for_confirmation(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    url = reverse("citizens:contact", args=[citizen.pk])
    assert client.post(url, _contact(idempotency_key=str(uuid.uuid4())), HTTP_HX_REQUEST="true").status_code
    again = client.post(url, _contact(idempotency_key=str(uuid.uuid4())), HTTP_HX_REQUEST="true")
    body = again.content.decode()
    assert again.status_code == 422
    assert "allerede registreret en magen til kontakt" in body
    assert 'name="confirm_duplicate"' in body and "kp-error-summary" in body
    assert Contact.objects.filter(citizen=citizen).count() == 1
    confirmed = client.post(
        url, _contact(idempotency_key=str(uuid.uuid4()), confirm_duplicate="on"), HTTP_HX_REQUEST="true"
    )
    assert confirmed.status_code == 204  # saved; the citizen page reloads
    assert Contact.objects.filter(citizen=citizen).count() == 2


def test_a_different_channel_the_same_day_is_not_a_duplicate(teams, alice):
    citizen = make_citizen(teams[0], alice)
    today = timezone.localdate()
    args = {"user": alice.user, "citizen": citizen, "date": today, "kind": "jobsamtale", "minutes": 30}
    services.contact_register(channel="telefon", outcome="held", **args)
    services.contact_register(channel="video", outcome="held", **args)
    with pytest.raises(ValidationError) as exc:
        services.contact_register(channel="video", outcome="held", **args)
    assert "confirm_duplicate" in exc.value.message_dict


def test_api_refuses_a_duplicate_unless_confirmed(teams, alice):
    citizen = make_citizen(teams[0], alice)
    api = api_for(alice)
    payload = {"citizen": citizen.pk, "date": timezone.localdate().isoformat(), "kind": "jobsamtale",
               "channel": "telefon", "minutes": 30}
    assert api.post("/api/v1/contacts/", payload, format="json").status_code == 201
    refused = api.post("/api/v1/contacts/", payload, format="json")
    assert refused.status_code == 400 and "confirm_duplicate" in refused.json()["error"]["fields"]
    confirmed = api.post("/api/v1/contacts/", {**payload, "confirm_duplicate": True}, format="json")
    assert confirmed.status_code == 201


def test_minutes_follow_the_channel_when_left_empty(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice).post(
        reverse("citizens:contact", args=[citizen.pk]), _contact(channel="telefon", minutes="")
    )
    assert Contact.objects.get(citizen=citizen).minutes == 30
    body = client.get(reverse("citizens:contact", args=[citizen.pk])).content.decode()
    assert "data-default-minutes" in body and "&quot;telefon&quot;: 30" in body


# --- exemption only where it acts ----------------------------------------------------------


def test_exemption_before_july_2026_is_refused_not_counted_and_not_offered(client, teams, alice):
    citizen = make_citizen(teams[0], alice, start=date(2025, 7, 7))
    enrolment = citizen.enrolments.get()
    before = services.exemption_usage()
    blocker = services.exemption_blocker(enrolment, timezone.localdate())
    assert blocker is not None and "07.07.2025" in blocker
    with pytest.raises(ValidationError):
        services.enrolment_mark_exempt(user=alice.user, enrolment=enrolment, reason="Syg")
    enrolment.refresh_from_db()
    assert not enrolment.exempt and services.exemption_usage() == before
    client_for(client, alice)
    page = client.get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    assert reverse("citizens:exempt", args=[citizen.pk]) not in page
    assert "Fritagelse er ikke mulig her" in page
    # Opening the form directly says why at once, before a reason is typed.
    response = client.get(reverse("citizens:exempt", args=[citizen.pk]), follow=True)
    assert "07.07.2025" in response.content.decode()


def test_exemption_not_offered_under_the_work_obligation(client, teams, alice):
    citizen = make_citizen(teams[0], alice, work_obligation=True)
    page = client_for(client, alice).get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    assert reverse("citizens:exempt", args=[citizen.pk]) not in page
    assert "arbejdspligt" in page


def test_exemption_offered_where_it_acts_and_page_says_what_it_waived(client, teams, alice):
    citizen = make_citizen(teams[0], alice, start=timezone.localdate() - timedelta(days=20))
    for _ in range(3):  # room for one exemption (25 % of 4)
        make_citizen(teams[0], alice, start=timezone.localdate() - timedelta(days=20))
    enrolment = citizen.enrolments.get()
    waives = services.exemption_waives(enrolment, timezone.localdate())
    assert waives, "a new kh-jobparat course has exemptable talks"
    client_for(client, alice)
    assert reverse("citizens:exempt", args=[citizen.pk]) in client.get(
        reverse("citizens:detail", args=[citizen.pk])
    ).content.decode()
    services.enrolment_mark_exempt(user=alice.user, enrolment=enrolment, reason="Vurderet")
    page = client.get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    assert "Fritagelsen fritager for:" in page
    assert waives[0].latest.strftime("%d.%m.%Y") in page


# --- small things ---------------------------------------------------------------------------


def test_create_preselects_team_and_caseworker_and_links_a_duplicate_cpr(client, teams, alice):
    existing = make_citizen(teams[0], alice, name="Eva Eksisterende")
    client_for(client, alice)
    form = client.get(reverse("citizens:create")).context["form"]
    assert form["team"].value() == teams[0].pk and form["caseworker"].value() == alice.pk
    response = client.post(
        reverse("citizens:create"),
        {
            "cpr": existing.cpr,
            "first_name": "Ny",
            "last_name": "Borger",
            "team": teams[0].pk,
            "target_group": TargetGroup.objects.get(code="kh-jobparat").pk,
            "start": timezone.localdate().isoformat(),
        },
    )
    body = response.content.decode()
    assert response.status_code == 422 and "kp-error-summary" in body
    assert reverse("citizens:detail", args=[existing.pk]) in body and "Gå til Eva Eksisterende" in body


def test_duplicate_cpr_of_a_citizen_one_may_not_see_is_not_linked(client, teams, alice, bob):
    hidden = make_citizen(teams[1], bob, name="Skjult Syd")
    body = client_for(client, alice).post(
        reverse("citizens:create"),
        {
            "cpr": hidden.cpr,
            "first_name": "Ny",
            "last_name": "Borger",
            "team": teams[0].pk,
            "target_group": TargetGroup.objects.get(code="kh-jobparat").pk,
            "start": timezone.localdate().isoformat(),
        },
    ).content.decode()
    assert "allerede en borger" in body and reverse("citizens:detail", args=[hidden.pk]) not in body


def test_target_groups_are_grouped_old_and_new(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice)
    for url in (reverse("citizens:create"), reverse("citizens:worklist"),
                reverse("citizens:transfer", args=[citizen.pk])):
        body = client.get(url).content.decode()
        assert '<optgroup label="Før 2027' in body and '<optgroup label="Fra 2027' in body, url
    transfer = client.get(reverse("citizens:transfer", args=[citizen.pk])).content.decode()
    assert 'class="kp-current"' in transfer and citizen.current_target_group.name_da in transfer


def test_contact_list_numbers_the_oldest_as_one(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    for days in (3, 2):
        services.contact_register(
            user=alice.user, citizen=citizen, date=timezone.localdate() - timedelta(days),
            kind="kontakt", channel="telefon", minutes=10, outcome="held",
        )
    body = client_for(client, alice).get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    assert '<ol class="kp-timeline" reversed>' in body


def test_met_late_badge_is_not_green():
    late = render_to_string("citizens/_status.html", {"status": "met", "late": True})
    assert "Opfyldt for sent" in late and "badge-success" not in late
    assert "badge-success" in render_to_string("citizens/_status.html", {"status": "met", "late": False})


def test_indsigt_shows_rule_names_not_codes(client, teams, alice):
    citizen = make_citizen(teams[0], alice)
    body = client_for(client, alice).get(reverse("citizens:indsigt", args=[citizen.pk])).content.decode()
    rule_code = citizen.enrolments.get().obligations.first().rule
    assert "Jobsamtale 1 af" in body and rule_code not in body


def test_access_denied_is_a_danish_page_in_the_layout(client, alice):
    response = client_for(client, alice).get(reverse("reports:capacity"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Ingen adgang" in body and "Kun teamledere og administratorer" in body
    assert "Arbejdsliste" in body  # the site's navigation is there
    assert "403 Forbidden" not in body


def test_api_worklist_puts_citizens_without_a_deadline_last(teams, alice):
    due = make_citizen(teams[0], alice, name="Med Frist")
    none = make_citizen(teams[0], alice, name="Uden Frist")
    Citizen.objects.filter(pk=none.pk).update(next_due=None, next_status="")
    rows = api_for(alice).get("/api/v1/worklist/", {"scope": "team"}).json()["results"]
    assert [r["id"] for r in rows] == [due.pk, none.pk]
