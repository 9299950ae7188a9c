"""Danish number formats for the reports: 1.234.567 kr., 1.234,5 and dd.mm.åååå."""

from datetime import date

from django import template

register = template.Library()


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "–"
    text = f"{float(value):,.{decimals}f}"  # 1,234,567.89
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


@register.filter
def num(value, decimals=0):
    return format_number(value, int(decimals))


@register.filter
def kr(value):
    if value is None or value == "":
        return "–"
    return f"{format_number(round(float(value)))} kr."


@register.filter
def mkr(value):
    """Millions: 23,1 mio. kr."""
    if value is None or value == "":
        return "–"
    return f"{format_number(float(value) / 1_000_000, 1)} mio. kr."


@register.filter
def dkdate(value):
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day:02d}.{value.month:02d}.{value.year}" if value else "–"


MONTHS_DA = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


@register.filter
def dkmonth(value):
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{MONTHS_DA[value.month - 1]} {value.year}"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def dkdatetime(value):
    """An ISO timestamp (or datetime) as dd.mm.åååå tt:mm in Copenhagen time."""
    from datetime import datetime

    from django.utils import timezone

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not value:
        return "–"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{dkdate(local.date())} {local:%H:%M}"


@register.filter
def label(code, vocabulary):
    """The label of a stable code in the user's language: {{ o.status|label:"status" }}."""
    from catalogue import rulebook

    labels = {
        "status": rulebook.STATUS_LABELS,
        "kind": rulebook.KIND_LABELS,
        "channel": rulebook.CHANNEL_LABELS,
        "outcome": rulebook.OUTCOME_LABELS,
        "performer": rulebook.PERFORMER_LABELS,
    }[vocabulary]
    from catalogue.labels import translate

    return translate(labels.get(code, code))


@register.filter
def obligation_label(stored):
    """A stored "Jobsamtale 3 af 3" in the user's language."""
    from catalogue.labels import next_label

    return next_label(stored)


@register.filter
def pct(value, decimals=0):
    """A share (0.123) as a Danish percentage: 12 %."""
    if value is None or value == "":
        return "–"
    return f"{format_number(float(value) * 100, int(decimals))} %"


@register.filter
def index(sequence, i):
    try:
        return sequence[int(i)]
    except (IndexError, TypeError, ValueError):
        return None


@register.filter
def sub(a, b):
    try:
        return float(a) - float(b)
    except (TypeError, ValueError):
        return None
