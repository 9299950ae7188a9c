from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from citizens.models import Contact
from tests.citizens.factories import make_citizen
from tests.conftest import FROZEN_TODAY, client_for


@pytest.fixture
def overdue_citizen(teams, alice):
    """Job-ready kontanthjælp, started 30 days ago, no first talk yet: the 7-day first talk is overdue."""
    return make_citizen(teams[0], alice, name="Olga Overdue")


def form(**overrides):
    data = {
        "date": timezone.localdate().isoformat(),
        "kind": "jobsamtale",
        "channel": "fremmoede",
        "minutes": "45",
        "outcome": "held",
        "note": "",
        "from": "worklist",
    }
    data.update(overrides)
    return data


def test_registering_a_contact_updates_the_row_at_once(client, alice, overdue_citizen):
    assert overdue_citizen.next_status == "overdue"
    response = client_for(client, alice).post(
        reverse("citizens:contact", args=[overdue_citizen.pk]), form(), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and f'id="citizen-{overdue_citizen.pk}"' in html
    overdue_citizen.refresh_from_db()
    assert overdue_citizen.next_status != "overdue"
    assert "Overskredet" not in html.split("<tr", 1)[1]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"date": (FROZEN_TODAY + timedelta(days=1)).isoformat()}, "date", "fremtiden"),
        (
            {"date": (FROZEN_TODAY - timedelta(days=365)).isoformat()},
            "date",
            "før forløbets start",
        ),
        ({"date": "31.02.2026"}, "date", "gyldig dato"),
        ({"date": ""}, "date", "Vælg datoen"),
        ({"minutes": "0"}, "minutes", "Mindst 1"),
        ({"minutes": "99999"}, "minutes", "Højst 600"),
        ({"channel": "brevdue"}, "channel", "gyldig valgmulighed"),
        ({"note": "x" * 5000}, "note", "4000"),
    ],
)
def test_bad_contact_input_is_refused_next_to_the_field_and_nothing_is_saved(
    client, alice, overdue_citizen, overrides, field, message
):
    response = client_for(client, alice).post(
        reverse("citizens:contact", args=[overdue_citizen.pk]), form(**overrides), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert f'id="id_{field}-error"' in response.content.decode()
    assert Contact.objects.filter(citizen=overdue_citizen).count() == 0


def test_contact_without_htmx_redirects_to_the_citizen_page(client, alice, overdue_citizen):
    response = client_for(client, alice).post(reverse("citizens:contact", args=[overdue_citizen.pk]), form())
    assert response.status_code == 302
    assert Contact.objects.filter(citizen=overdue_citizen, held_by=alice).count() == 1


def test_contact_from_the_citizen_page_reloads_it_with_a_message(client, alice, overdue_citizen):
    response = client_for(client, alice).post(
        reverse("citizens:contact", args=[overdue_citizen.pk]),
        form(**{"from": "citizen"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("citizens:detail", args=[overdue_citizen.pk])
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "er registreret" in page
