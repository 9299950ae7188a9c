"""The audit log page: details read as sentences with names, search with django-filter."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from catalogue.models import TargetGroup
from citizens import services
from citizens.models import AuditEvent
from tests.citizens.factories import make_citizen
from tests.conftest import client_for, make_staff

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db


def found(client, **params) -> list[AuditEvent]:
    response = client.get(reverse("citizens:audit"), params)
    assert response.status_code == 200
    return list(response.context["events"])


@pytest.fixture
def logged(alice, bob, ada, teams):
    """Two citizens with events by alice and bob on known days."""
    anna = make_citizen(teams[0], alice, name="Anna Holm", start=date(2026, 9, 1))
    bent = make_citizen(teams[1], bob, name="Bent Lund", start=date(2026, 9, 1))
    for citizen, cpr in ((anna, "1507851234"), (bent, "1507852345")):  # born the same day
        citizen.cpr = cpr
        citizen.save(update_fields=["cpr"])
    services.audit_log(user=alice.user, citizen=anna, action=AuditEvent.Action.VIEW)
    services.audit_log(user=bob.user, citizen=bent, action=AuditEvent.Action.REVEAL_CPR)
    services.audit_log(user=bob.user, citizen=bent, action=AuditEvent.Action.VIEW)
    days = {
        "view": datetime(2026, 10, 5, 9, 0, tzinfo=CPH),
        "reveal_cpr": datetime(2026, 10, 20, 23, 30, tzinfo=CPH),
    }
    for action, at in days.items():
        AuditEvent.objects.filter(action=action).update(at=at)
    bobs_view = AuditEvent.objects.filter(action="view", user=bob.user)
    bobs_view.update(at=datetime(2026, 11, 2, 0, 15, tzinfo=CPH))
    return anna, bent


def test_search_by_user_username_or_name(client, logged, ada, alice):
    client_for(client, ada)
    assert {e.user.username for e in found(client, user="alice")} == {"alice"}
    assert {e.user.username for e in found(client, user=alice.user.first_name)} == {"alice"}
    assert {e.user.username for e in found(client, user="bo")} == {"bob"}


def test_search_by_citizen_name_or_cpr(client, logged, ada):
    anna, bent = logged
    client_for(client, ada)
    assert {e.citizen for e in found(client, citizen="holm")} == {anna}
    assert {e.citizen for e in found(client, citizen="Bent Lund")} == {bent}
    dashed = f"{bent.cpr[:6]}-{bent.cpr[6:]}"
    assert {e.citizen for e in found(client, citizen=bent.cpr)} == {bent}
    assert {e.citizen for e in found(client, citizen=dashed)} == {bent}
    assert {e.citizen for e in found(client, citizen=f"  {dashed} ")} == {bent}
    # The first six digits (the birth date) match everyone born that day.
    assert {e.citizen for e in found(client, citizen="150785")} == {anna, bent}
    assert found(client, citizen="160785") == []


def test_a_malformed_cpr_search_is_explained(client, logged, ada):
    client_for(client, ada)
    response = client.get(reverse("citizens:audit"), {"citizen": "01010112"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skriv et helt CPR-nummer" in page
    assert 'aria-invalid="true"' in page


def test_search_by_action(client, logged, ada):
    client_for(client, ada)
    assert [e.action for e in found(client, action="reveal_cpr")] == ["reveal_cpr"]
    assert {e.action for e in found(client, action="view")} == {"view"}


def test_search_by_date_range_in_copenhagen_time(client, logged, ada):
    client_for(client, ada)
    assert [e.action for e in found(client, date_from="2026-10-20", date_to="2026-10-20")] == ["reveal_cpr"]
    # 00:15 on 2 November in Copenhagen is still 1 November in UTC: the local day counts.
    assert [e.user.username for e in found(client, date_from="2026-11-02")] == ["bob"]
    assert len(found(client, date_to="2026-10-31")) == 2
    assert len(found(client, date_from="2026-10-01", date_to="2026-11-30")) == 3


def test_bad_dates_are_explained_and_nothing_is_hidden(client, logged, ada):
    client_for(client, ada)
    response = client.get(reverse("citizens:audit"), {"date_from": "not-a-date"})
    assert "Indtast en gyldig dato" in response.content.decode()
    reversed_range = client.get(
        reverse("citizens:audit"), {"date_from": "2026-11-02", "date_to": "2026-10-01"}
    )
    assert "Til-datoen ligger før fra-datoen" in reversed_range.content.decode()


def test_combined_filters(client, logged, ada):
    anna, bent = logged
    client_for(client, ada)
    assert [e.citizen for e in found(client, user="bob", citizen="lund", action="view")] == [bent]
    assert found(client, user="alice", citizen="lund") == []


def test_details_read_as_sentences_with_names(client, ada, alice, teams):
    carl = make_staff("carl", "caseworker", teams[0], first_name="Carl")
    citizen = make_citizen(teams[0], alice, name="Anna Holm", start=date(2026, 9, 1))
    services.caseload_reassign(user=ada.user, citizens=[citizen], to=carl)
    services.enrolment_transfer(
        user=ada.user,
        citizen=citizen,
        target_group=TargetGroup.objects.get(code="kh-aktivitetsparat"),
        start=date(2026, 10, 1),
    )
    citizen.refresh_from_db()
    services.citizen_update(user=ada.user, citizen=citizen, version=citizen.version, cpr="0102034055")
    client_for(client, ada)
    page = client.get(reverse("citizens:audit")).content.decode()
    jobparat = str(TargetGroup.objects.get(code="kh-jobparat"))
    aktivitetsparat = str(TargetGroup.objects.get(code="kh-aktivitetsparat"))
    assert "Sagsbehandler ændret fra Alice til Carl." in page
    assert f"Målgruppe ændret fra {jobparat} til {aktivitetsparat}. Nyt forløb fra 01.10.2026." in page
    assert "CPR-nummer ændret fra" in page and "til 010203-xxxx." in page
    assert "0102034055" not in page and citizen.cpr not in page.replace(citizen.masked_cpr, "")
    assert "{&#x27;" not in page and "{'" not in page  # no raw dicts
    assert "Anna Holm" in page


def test_unknown_details_fall_back_to_labelled_values_and_mask_cpr(client, ada, alice, teams):
    citizen = make_citizen(teams[0], alice)
    services.audit_log(
        user=alice.user, citizen=citizen, action=AuditEvent.Action.VIEW, details={"search": "0101011234"}
    )
    from citizens.audit_text import Names, describe

    assert describe("view", {"search": "0101011234"}, Names()) == "Borgerens oplysninger vist."
    assert describe("update", {"search": "0101011234"}, Names()) == "search: 010101-xxxx"
