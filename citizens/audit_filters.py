"""The audit log's search (django-filter): user, citizen name or CPR, action and a date range.

The queryset comes from ``selectors.audit_events_for`` (admins only); this only narrows it.
"""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.models import AuditEvent

_CPR_TYPED = re.compile(r"^\d{6}(-?\d{4})?$")


def cpr_query(text: str) -> str | None:
    """The digits of a CPR search (ddmmåå-xxxx, ten digits, or the first six), else None."""
    text = text.strip().replace(" ", "")
    if text.isascii() and _CPR_TYPED.match(text):
        return text.replace("-", "")
    return None


class AuditSearchForm(forms.Form):
    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # announce each error with its field
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = [attrs.get("aria-describedby", ""), f"id_{name}-error"]
                attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(filter(None, described))})

    def clean_citizen(self):
        value = (self.cleaned_data.get("citizen") or "").strip()
        digits = value.replace("-", "").replace(" ", "")
        if digits.isascii() and digits.isdigit() and cpr_query(value) is None:
            raise forms.ValidationError(
                _("Skriv et helt CPR-nummer (10 cifre, med eller uden bindestreg) eller de første 6 cifre.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Til-datoen ligger før fra-datoen."))
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type="date"> sends and shows


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(
        label=_("Bruger"), method="filter_user", help_text=_("Brugernavn eller navn")
    )
    citizen = django_filters.CharFilter(
        label=_("Borger"), method="filter_citizen", help_text=_("Navn, CPR-nummer eller de første 6 cifre")
    )
    action = django_filters.ChoiceFilter(
        label=_("Handling"), choices=AuditEvent.Action.choices, empty_label=_("Alle handlinger")
    )
    date_from = django_filters.DateFilter(
        label=_("Fra dato"), field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Til dato"), field_name="at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = AuditEvent
        form = AuditSearchForm
        fields = ["user", "citizen", "action", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "action" else "form-input")
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def filter_user(self, queryset, name, value):
        for word in value.split()[:4]:
            queryset = queryset.filter(
                Q(user__username__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
            )
        return queryset

    def filter_citizen(self, queryset, name, value):
        digits = cpr_query(value)
        if digits is not None:
            if len(digits) == 10:
                return queryset.filter(citizen__cpr=digits)
            return queryset.filter(citizen__cpr__startswith=digits)
        for word in value.split()[:4]:
            queryset = queryset.filter(
                Q(citizen__first_name__icontains=word) | Q(citizen__last_name__icontains=word)
            )
        return queryset
