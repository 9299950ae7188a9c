from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalogue.models import TargetGroup
from citizens import services
from citizens.cpr import CprError, parse_cpr
from citizens.models import AuditEvent, Citizen
from tests.citizens.factories import make_citizen
from tests.conftest import client_for


@pytest.mark.parametrize(
    "text, digits, year",
    [
        ("0101901234", "0101901234", 1990),
        ("010190-1234", "0101901234", 1990),
        ("010105-4234", "0101054234", 2005),  # 7th digit 4, year <= 36: 2000s
        ("010185-4234", "0101854234", 1985),  # 7th digit 4, year > 36: 1900s
        ("010160-5234", "0101605234", 1860),  # 7th digit 5-8, year > 57: 1800s
        ("290200-4123", "2902004123", 2000),  # leap day in 2000
    ],
)
def test_cpr_century_rule(text, digits, year):
    parsed, born = parse_cpr(text)
    assert parsed == digits and born.year == year


@pytest.mark.parametrize(
    "text",
    ["", "123", "01019012345", "0101-901234", "abcdefghij", "3102901234", "290201-4123", "011390-1234"],
)
def test_invalid_cpr_numbers_are_refused(text):
    with pytest.raises(CprError):
        parse_cpr(text)


@pytest.fixture
def create_data(teams, alice):
    return {
        "cpr": "150385-1234",
        "first_name": "Kim",
        "last_name": "Nyborger",
        "team": teams[0].pk,
        "caseworker": alice.pk,
        "target_group": TargetGroup.objects.get(code="dagpenge").pk,
        "start": timezone.localdate().isoformat(),
    }


def test_create_citizen_and_refuse_a_duplicate_cpr(client, alice, create_data):
    client_for(client, alice)
    assert client.post(reverse("citizens:create"), create_data).status_code == 302
    citizen = Citizen.objects.get(cpr="1503851234")
    assert citizen.enrolments.get().target_group.code == "dagpenge"
    again = client.post(reverse("citizens:create"), {**create_data, "cpr": "1503851234"})
    assert again.status_code == 422
    assert "findes allerede" in " ".join(again.context["form"].errors["cpr"])
    assert Citizen.objects.filter(cpr="1503851234").count() == 1


def test_create_citizen_refuses_a_team_the_user_cannot_see(client, alice, teams, create_data):
    response = client_for(client, alice).post(
        reverse("citizens:create"), {**create_data, "team": teams[1].pk}
    )
    assert response.status_code == 422 and "team" in response.context["form"].errors
    assert not Citizen.objects.filter(cpr="1503851234").exists()


def test_second_of_two_concurrent_edits_gets_a_clear_message(client, alice, teams):
    citizen = make_citizen(teams[0], alice, name="Ole Original")
    client_for(client, alice)
    url = reverse("citizens:edit", args=[citizen.pk])
    base = {"version": citizen.version, "cpr": citizen.masked_cpr}
    first = client.post(url, {**base, "first_name": "Første", "last_name": "Redaktør"})
    second = client.post(url, {**base, "first_name": "Anden", "last_name": "Redaktør"})
    assert first.status_code == 302
    assert second.status_code == 422
    assert "ændret af en anden" in second.content.decode()
    citizen.refresh_from_db()
    assert citizen.first_name == "Første" and citizen.version == 2


def test_transfer_ends_current_enrolment_and_starts_a_new_one(alice, teams):
    citizen = make_citizen(teams[0], alice, group="kh-jobparat")
    start = timezone.localdate()
    services.enrolment_transfer(
        user=alice.user,
        citizen=citizen,
        target_group=TargetGroup.objects.get(code="kh-aktivitetsparat"),
        start=start,
    )
    old, new = citizen.enrolments.order_by("start")
    assert old.end == start - timedelta(days=1) and new.end is None
    citizen.refresh_from_db()
    assert citizen.current_target_group.code == "kh-aktivitetsparat"


def test_exemption_needs_a_reason_and_respects_the_work_obligation(alice, teams):
    citizen = make_citizen(teams[0], alice, group="kh-jobparat", work_obligation=True)
    enrolment = citizen.enrolments.get()
    # Under the work obligation it is refused at once, before any reason (issue 13 #2).
    with pytest.raises(ValidationError, match="arbejdspligt"):
        services.enrolment_mark_exempt(user=alice.user, enrolment=enrolment, reason=" ")
    eligible = make_citizen(teams[0], alice, group="kh-jobparat").enrolments.get()
    with pytest.raises(ValidationError, match="begrundelse"):
        services.enrolment_mark_exempt(user=alice.user, enrolment=eligible, reason=" ")


def test_exemption_is_refused_beyond_the_25_percent_limit(alice, teams):
    citizens = [make_citizen(teams[0], alice, group="kh-jobparat") for _ in range(4)]
    first, second = (c.enrolments.get() for c in citizens[:2])
    services.enrolment_mark_exempt(user=alice.user, enrolment=first, reason="Har job på hånden")
    with pytest.raises(ValidationError, match="ikke plads til flere"):
        services.enrolment_mark_exempt(user=alice.user, enrolment=second, reason="Også selvhjulpen")
    second.refresh_from_db()
    assert not second.exempt


def test_team_leader_reassigns_after_confirmation(client, lea, alice, teams):
    from tests.conftest import make_staff

    carl = make_staff("carl", "caseworker", teams[0])
    moving = [make_citizen(teams[0], alice, name=f"Flyt Nummer{i}") for i in range(3)]
    client_for(client, lea)
    url = reverse("citizens:reassign")
    review = client.post(
        url, {"from_caseworker": alice.pk, "to_caseworker": carl.pk, "citizens": [moving[0].pk, moving[1].pk]}
    )
    assert review.status_code == 200 and review.context["confirming"]
    assert Citizen.objects.filter(caseworker=carl).count() == 0  # nothing moves before confirming
    done = client.post(
        url,
        {
            "from_caseworker": alice.pk,
            "to_caseworker": carl.pk,
            "confirm": "yes",
            "citizens": [moving[0].pk, moving[1].pk],
        },
    )
    assert done.status_code == 302
    assert set(Citizen.objects.filter(caseworker=carl).values_list("pk", flat=True)) == {
        moving[0].pk,
        moving[1].pk,
    }
    assert AuditEvent.objects.filter(action="reassign").count() == 2


def test_audit_log_is_searchable_by_admins(client, ada, alice, teams):
    citizen = make_citizen(teams[0], alice)
    client_for(client, alice).get(reverse("citizens:detail", args=[citizen.pk]))
    client_for(client, ada)
    found = client.get(reverse("citizens:audit"), {"user": "alice", "citizen": citizen.cpr})
    assert [e.action for e in found.context["events"]] == ["view"]
    bad = client.get(reverse("citizens:audit"), {"date_from": "not-a-date"})
    assert "gyldig dato" in bad.content.decode()
