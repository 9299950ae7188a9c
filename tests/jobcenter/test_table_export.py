"""jobcenter.table_export.table_values gives exactly what django-tables2's Table.as_values() gives,
for the worklist and for a table with every kind of column it has to mirror or leave to the
library (choices, relations that may be None, value_/render_ methods, defaults, links, callables,
rows that are dicts)."""

from datetime import date, timedelta

import django_tables2 as tables
import pytest
from django.utils.html import format_html

from citizens.models import Citizen, Contact
from citizens.tables import WorklistTable
from jobcenter.table_export import table_values
from planning.selectors import with_booking
from tests.citizens.factories import make_citizen


class ContactTable(tables.Table):
    outcome = tables.Column()  # choices: get_outcome_display()
    kind = tables.Column(accessor="kind")
    citizen_name = tables.Column(accessor="citizen__first_name")
    holder = tables.Column(accessor="held_by__user__first_name", default="nobody")  # may be None
    holder_team = tables.Column(accessor="held_by__team__name", empty_values=())
    day = tables.Column(accessor="date")
    note = tables.Column()
    minutes = tables.Column()
    html_only = tables.Column(accessor="note")
    link = tables.LinkColumn("citizens:detail", args=[tables.A("citizen_id")], accessor="citizen__last_name")
    method = tables.Column(accessor="get_channel_display")  # a callable on the path
    hidden = tables.Column(accessor="channel", visible=False)
    skipped = tables.Column(accessor="channel", exclude_from_export=True)
    everything = tables.Column(accessor="pk")

    class Meta:
        model = Contact
        fields = ()
        sequence = ("outcome", "kind", "citizen_name", "holder", "holder_team", "day", "note", "minutes",
                    "html_only", "link", "method", "hidden", "skipped", "everything")

    def value_note(self, value, record):
        return f"{value}|{record.pk}"

    def render_html_only(self, value):
        return format_html("<b>{}</b>", value)

    def render_minutes(self, value, bound_row, table, column, bound_column):
        return f"{value} min ({bound_row.record.pk}, {type(table).__name__}, {bound_column.name})"

    def value_everything(self, **kwargs):
        return sorted(kwargs)


@pytest.fixture
def contacts(teams, alice, bob):
    nora = make_citizen(teams[0], alice, name="Nora Nord")
    lone = make_citizen(teams[0], None, name="Lone Alene")
    made = [
        Contact.objects.create(citizen=nora, date=date(2026, 11, 2), kind="jobsamtale", channel="fremmoede",
                               held_by=alice, minutes=30, outcome="held", note="=1+1"),
        Contact.objects.create(citizen=nora, date=date(2026, 11, 3), kind="kontakt", channel="telefon",
                               held_by=None, minutes=10, outcome="no_show", note=""),
        Contact.objects.create(citizen=lone, date=date(2026, 11, 4), kind="jobsamtale", channel="digital",
                               held_by=bob, minutes=0, outcome="held", note="Æ ø å"),
    ]
    bob.team = None
    bob.save()
    return made


def test_a_table_of_every_kind_of_column_gives_what_the_library_gives(contacts):
    contacts = Contact.objects.select_related("citizen", "held_by__user", "held_by__team").order_by("pk")
    table = ContactTable(contacts)
    assert list(table_values(table)) == list(table.as_values())
    assert list(table_values(table, ["note", "link"])) == list(table.as_values(["note", "link"]))


def test_rows_that_are_not_model_instances_are_left_to_the_library():
    class Plain(tables.Table):
        name = tables.Column()
        nested = tables.Column(accessor="a__b")

    table = Plain([{"name": "x", "a": {"b": 1}}, {"name": "", "a": None}, {"a__b": 2}])
    assert list(table_values(table)) == list(table.as_values())


def test_the_worklist_export_gives_what_the_library_gives(client, teams, alice, bob):
    today = date(2026, 12, 2)
    for n, group in enumerate(["kh-jobparat", "kh-aktivitetsparat", "jobsoegning", "kh-jobparat"]):
        start = today - timedelta(days=40 * n + 1)
        name = f"Borger{n} Efternavn{n}"
        make_citizen(teams[0], alice if n % 2 else None, group=group, start=start, name=name)
    Citizen.objects.create(cpr="0101901234", first_name="Uden", last_name="Forløb", team=teams[0])
    queryset = with_booking(Citizen.objects.all()).select_related("current_target_group", "caseworker__user")
    table = WorklistTable(queryset.order_by("pk"))
    rows = list(table_values(table))
    assert rows == list(table.as_values())
    assert len(rows) == 6
    assert all("<" not in str(cell) for row in rows for cell in row)  # plain values, no HTML
    assert "Jobparate kontanthjælpsmodtagere" in [row[2] for row in rows]  # the target group's name
