"""The worklist table: sorting, pagination and export happen in the database via django-tables2."""

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalogue import labels
from citizens.models import Citizen

STATUS_BADGE = {
    "overdue": "badge-error",
    "due_soon": "badge-warning",
    "open": "badge-info",
    "met": "badge-success",
}


def status_badge(status: str) -> str:
    if not status:
        return format_html('<span class="badge">{}</span>', _("Ingen åbne krav"))
    return format_html(
        '<span class="badge {}">{}</span>', STATUS_BADGE.get(status, ""), labels.status_label(status)
    )


class WorklistTable(tables.Table):
    name = tables.Column(verbose_name=_("Borger"), accessor="last_name", order_by=("last_name", "first_name"))
    cpr = tables.Column(verbose_name=_("CPR"), accessor="cpr", orderable=False, visible=False)
    target_group = tables.Column(verbose_name=_("Målgruppe"), accessor="current_target_group__name_da")
    next_label = tables.Column(verbose_name=_("Næste krav"), orderable=False)
    next_due = tables.DateColumn(verbose_name=_("Frist"), format="d.m.Y")
    next_status = tables.Column(verbose_name=_("Status"))
    days = tables.Column(
        verbose_name=_("Dage i forløb"), accessor="current_start", attrs={"td": {"class": "kp-num"}}
    )
    last_contact = tables.DateColumn(verbose_name=_("Seneste kontakt"), format="d.m.Y")
    booking = tables.Column(  # annotated by planning.selectors.with_booking
        verbose_name=_("Booket"), accessor="booking_start", orderable=False, empty_values=()
    )
    caseworker = tables.Column(
        verbose_name=_("Sagsbehandler"),
        accessor="caseworker__user__first_name",
        order_by=("caseworker__user__first_name",),
    )
    actions = tables.TemplateColumn(
        template_name="citizens/_row_actions.html",
        verbose_name=_("Handling"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Citizen
        fields = ()
        sequence = (
            "name",
            "cpr",
            "target_group",
            "next_label",
            "next_due",
            "next_status",
            "days",
            "last_contact",
            "booking",
            "caseworker",
            "actions",
        )
        order_by = ("next_due",)
        attrs = {"class": "table table--compact table--zebra kp-worklist", "id": "worklist-table"}
        row_attrs = {"id": lambda record: f"citizen-{record.pk}"}
        template_name = "citizens/_worklist_table.html"
        empty_text = _("Ingen borgere matcher filtrene.")

    def render_name(self, record):
        return format_html(
            '<a class="kp-clip" href="{}" title="{}">{}</a> <span class="kp-cpr">{}</span>',
            reverse("citizens:detail", args=[record.pk]),
            record.full_name,
            record.full_name,
            record.masked_cpr,
        )


    def value_name(self, record):
        return record.full_name

    def render_cpr(self, record):
        return record.masked_cpr

    def value_cpr(self, record):
        return record.masked_cpr  # exports are masked too

    def render_next_status(self, value, record):
        return status_badge(record.next_status)

    def value_next_status(self, record):
        return labels.status_label(record.next_status) if record.next_status else _("Ingen åbne krav")

    def render_target_group(self, value, record):
        name = labels.target_group_name(value, getattr(record.current_target_group, "name_en", ""))
        return format_html('<span class="kp-clip" title="{}">{}</span>', name, name)

    def render_next_label(self, value):
        label = labels.next_label(value)
        return format_html('<span class="kp-clip" title="{}">{}</span>', label, label)

    def value_next_label(self, value):
        return labels.next_label(value)

    def render_days(self, value):
        return (timezone.localdate() - value).days

    def value_days(self, value):
        return (timezone.localdate() - value).days if value else ""

    def value_next_due(self, value):
        return value  # a date: a real date cell in XLSX

    def value_last_contact(self, value):
        return value

    def render_booking(self, value, record):
        from planning.templatetags.planning import booking_badge

        return booking_badge(record)

    def value_booking(self, value, record):
        from planning.templatetags.planning import booking_text

        return booking_text(record)

    def render_caseworker(self, record):
        if not record.caseworker:
            return "—"
        name = str(record.caseworker)
        return format_html('<span class="kp-clip kp-clip-short" title="{}">{}</span>', name, name)

    def value_caseworker(self, record):
        return str(record.caseworker) if record.caseworker else ""

    def order_next_due(self, queryset, is_descending):
        field = F("next_due")
        return queryset.order_by(
            field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True), "last_name"
        ), True

    def order_days(self, queryset, is_descending):
        field = F("current_start")  # more days in the course = earlier start
        return queryset.order_by(
            field.asc(nulls_last=True) if is_descending else field.desc(nulls_last=True)
        ), True
