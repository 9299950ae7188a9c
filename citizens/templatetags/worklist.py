"""The worklist row's cells in one pass (``{% worklist_cells row %}``)."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def worklist_cells(row) -> str:
    """``<td>`` per visible column, as django-tables2's ``row.items`` gives them, with each column's
    per-page work done once (``WorklistTable.cell_plan``)."""
    return format_html_join(
        "",
        '<td {} data-label="{}">{}</td>',
        ((plan.td_attrs, plan.header, plan.cell(row)) for plan in row.table.cell_plan),
    )
