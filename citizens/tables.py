"""The worklist table: sorting, pagination and export happen in the database via django-tables2."""

from functools import cached_property, lru_cache

import django_tables2 as tables
from django.db.models import F
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogue import labels
from catalogue.models import TargetGroup
from citizens.models import Citizen
from citizens.worklist_order import GroupedPages, Pages, unwrap
from jobcenter.models import StaffMember
from jobcenter.tables_speed import ColumnPlan
from planning.templatetags.planning import booking_action, booking_badge, booking_text

STATUS_BADGE = {
    "overdue": "badge-error",
    "due_soon": "badge-warning",
    "open": "badge-info",
    "met": "badge-success",
}


_PK_MARK = 987654321


@lru_cache(maxsize=64)
def _url_halves(name: str, prefix: str, urlconf) -> tuple[str, str]:
    before, _mark, after = reverse(name, args=[_PK_MARK]).partition(str(_PK_MARK))
    return before, after


def url_for(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for a pattern with one id: reversed once, not once per row."""
    before, after = _url_halves(name, get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"


def status_badge(status: str) -> str:
    if not status:
        return format_html('<span class="badge">{}</span>', gettext("Ingen åbne krav"))
    return format_html(
        '<span class="badge {}">{}</span>', STATUS_BADGE.get(status, ""), labels.status_label(status)
    )


class CellPlan(ColumnPlan):
    """One column's cells on the page (``BoundRow.get_cell``, see ColumnPlan), with the ``<td>``
    attributes and the header used as ``data-label`` worked out once per page too."""

    def __init__(self, bound_column, table):
        super().__init__(bound_column, table, render=True)
        self.td_attrs = bound_column.attrs["td"].as_html()
        self.header = str(bound_column.header)


class WorklistTable(tables.Table):
    name = tables.Column(verbose_name=_("Borger"), accessor="last_name", order_by=("last_name", "first_name"))
    cpr = tables.Column(verbose_name=_("CPR"), accessor="cpr", orderable=False, visible=False)
    target_group = tables.Column(verbose_name=_("Målgruppe"), accessor="current_target_group__name_da")
    next_label = tables.Column(verbose_name=_("Næste krav"), orderable=False)
    next_due = tables.Column(verbose_name=_("Frist"))
    next_status = tables.Column(verbose_name=_("Status"))
    days = tables.Column(
        verbose_name=_("Dage i forløb"), accessor="current_start", attrs={"td": {"class": "kp-num"}}
    )
    last_contact = tables.Column(verbose_name=_("Seneste kontakt"))
    booking = tables.Column(  # annotated by planning.selectors.with_booking
        verbose_name=_("Booket"), accessor="booking_start", orderable=False, empty_values=()
    )
    caseworker = tables.Column(
        verbose_name=_("Sagsbehandler"),
        accessor="caseworker__user__first_name",
        order_by=("caseworker__user__first_name",),
    )
    actions = tables.Column(
        verbose_name=_("Handling"), accessor="pk", orderable=False, exclude_from_export=True, empty_values=()
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

    @cached_property
    def cell_plan(self) -> list[CellPlan]:
        """How each visible column's cells are rendered, worked out once per page (see CellPlan)."""
        return [CellPlan(bound_column, self) for bound_column in self.columns]

    def render_name(self, record):
        return format_html(
            '<a class="kp-clip" href="{}" title="{}">{}</a> <span class="kp-cpr">{}</span>',
            url_for("citizens:detail", record.pk),
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

    def value_target_group(self, value, record):
        return labels.target_group_name(value, getattr(record.current_target_group, "name_en", ""))

    def render_next_label(self, value):
        label = labels.next_label(value)
        return format_html('<span class="kp-clip" title="{}">{}</span>', label, label)

    def value_next_label(self, value):
        return labels.next_label(value)

    def render_days(self, value):
        return (timezone.localdate() - value).days

    def value_days(self, value):
        return (timezone.localdate() - value).days if value else ""

    def render_next_due(self, value):
        return f"{value:%d.%m.%Y}"  # a plain function, not DateColumn's template per cell

    def render_last_contact(self, value):
        return f"{value:%d.%m.%Y}"

    def value_next_due(self, value):
        return value  # a date: a real date cell in XLSX

    def value_last_contact(self, value):
        return value

    def render_booking(self, value, record):
        return booking_badge(record)

    def value_booking(self, value, record):
        return booking_text(record)

    def render_actions(self, record):
        contact = format_html(
            '<button type="button" class="button button-secondary button-small" hx-get="{}?from=worklist" '
            'hx-target="#contact-panel" hx-swap="innerHTML" aria-controls="contact-panel">'
            '<span class="sr-only">{} </span>{}<span class="sr-only"> {} {}</span></button>',
            url_for("citizens:contact", record.pk),
            gettext("Registrér"),
            gettext("Kontakt"),
            gettext("for"),
            record.full_name,
        )
        return format_html("{}{}", contact, booking_action(record, url_for))

    def render_caseworker(self, record):
        if not record.caseworker:
            return "—"
        name = str(record.caseworker)
        return format_html('<span class="kp-clip kp-clip-short" title="{}">{}</span>', name, name)

    def value_caseworker(self, record):
        return str(record.caseworker) if record.caseworker else ""

    # Every order ends in the id, so that pages never overlap or skip rows with equal values; each
    # is read from a partial index of one team (citizens.models), also backwards where the
    # descending order is the exact reverse (name, status, last contact).

    def order_name(self, queryset, is_descending):
        fields = ("last_name", "first_name", "id")
        return ordered(queryset, *(f"-{f}" if is_descending else f for f in fields))

    def order_next_due(self, queryset, is_descending):
        field = F("next_due")  # citizens without a deadline last, both ways
        due = field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True)
        return ordered(queryset, due, "last_name", "id")

    def order_next_status(self, queryset, is_descending):
        if is_descending:
            return ordered(queryset, "-next_status", F("next_due").desc(nulls_first=True), "-id")
        return ordered(queryset, "next_status", F("next_due").asc(nulls_last=True), "id")

    def order_days(self, queryset, is_descending):
        field = F("current_start")  # more days in the course = earlier start; no course last
        start = field.asc(nulls_last=True) if is_descending else field.desc(nulls_last=True)
        return ordered(queryset, start, "id")

    def order_last_contact(self, queryset, is_descending):
        field = F("last_contact")
        if is_descending:
            return ordered(queryset, field.desc(nulls_first=True), "-id")
        return ordered(queryset, field.asc(nulls_last=True), "id")

    def order_target_group(self, queryset, is_descending):
        return grouped(queryset, "current_target_group", target_group_labels, is_descending), True

    def order_caseworker(self, queryset, is_descending):
        return grouped(queryset, "caseworker", caseworker_labels, is_descending), True


DEFAULT_ORDER = (F("next_due").asc(nulls_last=True), "last_name", "id")


def ordered(queryset, *order) -> tuple[Pages, bool]:
    """The rows in this order, paged from the sort's index (citizens.worklist_order)."""
    return Pages(unwrap(queryset).order_by(*order)), True


def grouped(queryset, field: str, labels, descending: bool) -> GroupedPages:
    """Ordered by a joined column's label, within one value as the default order (see
    citizens.worklist_order)."""
    return GroupedPages(unwrap(queryset), field, labels, descending=descending, within=DEFAULT_ORDER)


def target_group_labels(ids: list) -> dict:
    """The target groups' names as the column shows them (in the active language)."""
    return {
        pk: labels.target_group_name(name_da, name_en)
        for pk, name_da, name_en in TargetGroup.objects.filter(pk__in=ids).values_list(
            "pk", "name_da", "name_en"
        )
    }


def caseworker_labels(ids: list) -> dict:
    """The caseworkers' names as the column shows them."""
    return {m.pk: str(m) for m in StaffMember.objects.filter(pk__in=ids).select_related("user")}
