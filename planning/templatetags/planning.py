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
