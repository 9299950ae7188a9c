"""The worklist renders its cells once per page (``WorklistTable.cell_plan``) instead of through
django-tables2's per-cell machinery; every column of every kind of row must come out exactly as
django-tables2's own ``BoundRow.get_cell`` renders it."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from citizens.models import Citizen
from citizens.tables import WorklistTable
from planning.models import Booking
from planning.selectors import with_booking
from tests.citizens.factories import make_citizen
from tests.conftest import client_for


def book(citizen, caseworker, day):
    start = datetime.combine(day, time(10), timezone.get_current_timezone())
    return Booking.objects.create(
        citizen=citizen,
        caseworker=caseworker,
        start=start,
        end=start + timedelta(minutes=30),
        day=day,
        minutes=30,
        kind="jobsamtale",
        channel="telefon",
    )


@pytest.fixture
def varied(teams, alice):
    today = timezone.localdate()
    overdue = make_citizen(teams[0], alice, name="Anna Overskredet", start=today - timedelta(days=60))
    fresh = make_citizen(teams[0], None, name="Bo Ny", start=today - timedelta(days=1))
    booked = make_citizen(teams[0], alice, name="Cille Booket", start=today - timedelta(days=20))
    late = make_citizen(teams[0], alice, name="Dan Sen", start=today - timedelta(days=20))
    book(booked, alice, booked.next_due)
    book(late, alice, late.next_due + timedelta(days=5))
    # No target group, no status, no deadline, no contact: every empty value and default.
    bare = Citizen.objects.create(cpr="0202021234", first_name="Eva", last_name="Tom", team=teams[0])
    return [overdue, fresh, booked, late, bare]


@pytest.mark.parametrize("language, annotated", [("da", True), ("en", True), ("da", False)])
def test_every_cell_is_what_django_tables2_renders(varied, language, annotated):
    queryset = Citizen.objects.filter(pk__in=[c.pk for c in varied]).select_related(
        "current_target_group", "caseworker__user"
    )
    if annotated:  # without: no booking_start to look up (bench_planning's baseline)
        queryset = with_booking(queryset)
    with translation.override(language):
        table = WorklistTable(queryset)
        table.columns.show("cpr")  # the hidden column too
        rows = list(table.rows)
        assert len(rows) == len(varied)
        names = [plan.name for plan in table.cell_plan]
        assert names == [column.name for column in table.columns]
        for row in rows:
            for plan in table.cell_plan:
                assert plan.cell(row) == row.get_cell(plan.name), (row.record, plan.name)
        kinds = {str(row.get_cell("booking")) for row in rows}
        assert any("fristen" in k or "deadline" in k for k in kinds) == annotated  # a late booking
        assert any(str(row.get_cell("caseworker")) == "—" for row in rows)  # a row without caseworker


def test_row_html_has_attributes_and_labels_of_each_column(client, alice, varied):
    client_for(client, alice)
    html = client.get(reverse("citizens:worklist"), {"scope": "team"}).content.decode()
    assert html.count('data-label="Dage i forløb"') == len(varied)
    assert html.count('<td class="kp-num" data-label="Dage i forløb">') == len(varied)
    assert f'id="citizen-{varied[0].pk}"' in html
    assert f'hx-get="{reverse("citizens:contact", args=[varied[0].pk])}?from=worklist"' in html
    booking = Booking.objects.get(citizen=varied[2])
    assert f'hx-get="{reverse("planning:booking", args=[booking.pk])}?from=worklist"' in html
    assert f'hx-get="{reverse("planning:book", args=[varied[0].pk])}?from=worklist"' in html


def test_empty_list_row_and_the_rows_after_a_saved_contact(client, alice, varied):
    client_for(client, alice)
    html = client.get(reverse("citizens:worklist"), {"scope": "team", "q": "Ingen Sådan"}).content.decode()
    assert '<td colspan="10">Ingen borgere matcher filtrene.</td>' in html
    from citizens.templatetags.worklist import row_html

    table = WorklistTable(with_booking(Citizen.objects.filter(pk=varied[0].pk)))
    row = list(table.rows)[0]
    opening = f'<tr id="citizen-{varied[0].pk}" class="even" hx-swap-oob="true">'
    assert row_html(row, oob=True).startswith(opening)
    assert row_html(row).count("<td ") == len(table.cell_plan) == 10
