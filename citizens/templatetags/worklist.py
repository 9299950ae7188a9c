"""The worklist's rows, rendered in one Python pass (``{% worklist_rows table %}``) instead of a
template include per row, with each column's per-page work done once (``WorklistTable.cell_plan``).

Besides the include's own cost: on CPython 3.11 a call stack that keeps crossing the edge of a
frame-stack chunk maps and unmaps that chunk on every crossing (``_PyThreadState_PopFrame`` frees
a chunk as soon as it is empty). Rendering 50 rows through nested includes at the page's depth did
so thousands of times per page (about 3,900 page faults, 30-35 ms of the page's CPU on the
development machine); a flat loop swings the stack over far fewer frames per row."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

OOB = mark_safe(' hx-swap-oob="true"')


def row_html(row, oob: bool = False) -> SafeString:
    """``<tr>`` with a ``<td>`` per visible column, as django-tables2's ``row.items`` gives them,
    each with its column's attributes and header (``data-label``, for the narrow layout)."""
    cells = format_html_join(
        "",
        '<td {} data-label="{}">{}</td>',
        ((plan.td_attrs, plan.header, plan.cell(row)) for plan in row.table.cell_plan),
    )
    return format_html("<tr {}{}>\n  {}\n</tr>", row.attrs.as_html(), OOB if oob else "", cells)


@register.simple_tag
def worklist_row(row, oob=False) -> SafeString:
    return row_html(row, bool(oob))


@register.simple_tag
def worklist_rows(table) -> SafeString:
    rows = [row_html(row) for row in table.paginated_rows]
    if rows:
        return mark_safe("\n".join(rows))
    if table.empty_text:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text)
    return mark_safe("")
