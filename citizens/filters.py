"""Worklist filters, evaluated in SQL on the stored next due date and status."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import TargetGroup
from citizens.models import Citizen, Obligation


class WorklistFilter(django_filters.FilterSet):
    STATUS_CHOICES = [
        ("overdue", _("Overskredet")),
        ("week", _("Forfalder denne uge")),
        ("30", _("Forfalder inden for 30 dage")),
        ("all", _("Alle")),
    ]
    SCOPE_CHOICES = [("mine", _("Mine borgere")), ("team", _("Hele teamet"))]

    scope = django_filters.ChoiceFilter(
        label=_("Vis"), choices=SCOPE_CHOICES, method="filter_scope", empty_label=None
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("Målgruppe"),
        field_name="current_target_group",
        queryset=TargetGroup.objects.all(),
        empty_label=_("Alle målgrupper"),
    )
    caseworker = django_filters.ModelChoiceFilter(
        label=_("Sagsbehandler"), queryset=None, empty_label=_("Alle sagsbehandlere")
    )
    q = django_filters.CharFilter(label=_("Søg navn"), method="filter_name")
    booking = django_filters.ChoiceFilter(
        label=_("Booking"),
        choices=[("none", _("Ikke booket")), ("booked", _("Booket"))],
        method="filter_booking",
        empty_label=_("Alle"),
    )
    SOURCE_CHOICES = [("all", _("Lovkrav og lokalt serviceniveau")), ("statutory", _("Kun lovkrav"))]
    source = django_filters.ChoiceFilter(
        label=_("Krav"), choices=SOURCE_CHOICES, method="filter_source", empty_label=None
    )

    class Meta:
        model = Citizen
        fields = ["scope", "status", "target_group", "caseworker", "q", "booking", "source"]

    def __init__(self, data=None, *args, caseworkers, staff_member, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "all")
        data.setdefault(
            "scope", "mine" if staff_member is not None and staff_member.role == "caseworker" else "team"
        )
        super().__init__(data, *args, **kwargs)
        self.staff_member = staff_member
        self.filters["caseworker"].queryset = caseworkers
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-input" if isinstance(field.widget, forms.TextInput) else "form-select"
            )

    def filter_scope(self, queryset, name, value):
        if value == "mine" and self.staff_member is not None:
            return queryset.filter(caseworker=self.staff_member)
        return queryset

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(next_status="overdue")
        if value == "week":
            end_of_week = today + timedelta(days=6 - today.weekday())
            return queryset.filter(next_due__lte=end_of_week).exclude(next_status="")
        if value == "30":
            return queryset.filter(next_due__lte=today + timedelta(days=30)).exclude(next_status="")
        return queryset

    def filter_source(self, queryset, name, value):
        """"Kun lovkrav": citizens with an open statutory obligation (local ones never hide them)."""
        if value != "statutory":
            return queryset
        statutory = Obligation.objects.filter(enrolment__citizen=OuterRef("pk"), local=False)
        return queryset.filter(Exists(statutory))

    def filter_booking(self, queryset, name, value):
        from planning.selectors import filter_booking  # planned talks live in the planning app

        return filter_booking(queryset, value)

    def filter_name(self, queryset, name, value):
        for word in value.split()[:4]:
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset
