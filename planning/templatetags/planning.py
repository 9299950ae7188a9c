"""How a citizen's planned talk reads on the worklist: "Booket dd.mm. kl. hh:mm" or late."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def booking_text(record) -> str:
    start = getattr(record, "booking_start", None)
    if start is None:
        return ""
    local = timezone.localtime(start)
    text = _("Booket %(day)s kl. %(time)s") % {"day": f"{local:%d.%m.}", "time": f"{local:%H:%M}"}
    if record.next_due and local.date() > record.next_due:
        text += " – " + _("booket efter fristen")
    return text


@register.simple_tag
def booking_badge(record) -> str:
    start = getattr(record, "booking_start", None)
    if start is None:
        return format_html('<span class="kp-note">{}</span>', _("Ikke booket")) if record.next_status else ""
    local = timezone.localtime(start)
    label = _("Booket %(day)s kl. %(time)s") % {"day": f"{local:%d.%m.}", "time": f"{local:%H:%M}"}
    if record.next_due and local.date() > record.next_due:
        return format_html(
            '{}<br><span class="badge badge-warning">{}</span>', label, _("booket efter fristen")
        )
    return format_html("{}", label)


def booking_action(record, url_for) -> str:
    """The worklist row's planning button: the planned talk, or "Book" while something is open.
    ``url_for(name, pk)`` builds the URL (the table reverses each pattern once per page)."""
    booking_id = getattr(record, "booking_id", None)
    if booking_id:
        return format_html(
            '<button type="button" class="button button-secondary button-small" hx-get="{}?from=worklist" '
            'hx-target="#contact-panel" hx-swap="innerHTML" aria-controls="contact-panel">{}'
            '<span class="sr-only"> {} {}</span></button>',
            url_for("planning:booking", booking_id),
            _("Samtale"),
            _("med"),
            record.full_name,
        )
    if record.next_status:
        return format_html(
            '<button type="button" class="button button-secondary button-small" hx-get="{}?from=worklist" '
            'hx-target="#contact-panel" hx-swap="innerHTML" aria-controls="contact-panel">{}'
            '<span class="sr-only"> {} {}</span></button>',
            url_for("planning:book", record.pk),
            _("Book"),
            _("samtale med"),
            record.full_name,
        )
    return ""


@register.inclusion_tag("planning/_citizen_bookings.html", takes_context=True)
def citizen_bookings(context, citizen):
    """The citizen page's planned talks and summons letters (the page's access check applies)."""
    from planning.models import Booking

    bookings = list(
        Booking.objects.filter(citizen=citizen)
        .select_related("caseworker__user", "room")
        .order_by("-start")[:20]
    )
    return {"citizen": citizen, "bookings": bookings, "request": context.get("request")}
