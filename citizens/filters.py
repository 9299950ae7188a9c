"""Worklist filters, evaluated in SQL on the stored next due date and status."""

from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from catalogue.models import TargetGroup
from citizens import selectors
from citizens.forms import grouped_target_groups
from citizens.models import Citizen, Obligation

# "Forfalder denne uge" is the next 7 days (today included), the same on every weekday. Every row
# due that soon carries the "Forfalder snart" badge (the engine's due_soon_days is 14), or
# "Overskredet": overdue rows stay in the list until met.
WEEK_DAYS = 7


def week_end(on: date) -> date:
    """The last day "Forfalder denne uge" covers on ``on``."""
    return on + timedelta(days=WEEK_DAYS)


class WorklistFilter(django_filters.FilterSet):
    STATUS_CHOICES = [
        ("overdue", _("Overskredet")),
        ("week", _("Forfalder denne uge")),  # the page states: the next 7 days
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
    q = django_filters.CharFilter(label=_("Søg navn eller CPR"), method="filter_search")
    # From the quota compliance report: the citizens of an at-risk cohort (pool key + "YYYY-MM").
    kvote = django_filters.CharFilter(method="filter_at_risk", widget=forms.HiddenInput)
    kohorte = django_filters.CharFilter(method="filter_at_risk", widget=forms.HiddenInput)
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
        fields = ["scope", "status", "target_group", "caseworker", "q", "booking", "source", "kvote",
                  "kohorte"]

    def __init__(self, data=None, *args, caseworkers, staff_member, today: date | None = None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "all")
        data.setdefault(
            "scope", "mine" if staff_member is not None and staff_member.role == "caseworker" else "team"
        )
        super().__init__(data, *args, **kwargs)
        self.staff_member = staff_member
        self.today = today or timezone.localdate()
        self.search: selectors.Search | None = None
        self.filters["caseworker"].queryset = caseworkers
        self.form.fields["target_group"].widget.choices = grouped_target_groups(
            TargetGroup.objects.all(), empty_label=_("Alle målgrupper")
        )
        self.form.fields["q"].widget.attrs.update(
            {"placeholder": _("Navn, CPR eller ddmmåå"), "autocomplete": "off"}
        )
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-input" if isinstance(field.widget, forms.TextInput) else "form-select"
            )

    @property
    def week_end(self) -> date:
        return week_end(self.today)

    def filter_scope(self, queryset, name, value):
        if value == "mine" and self.staff_member is not None:
            return queryset.filter(caseworker=self.staff_member)
        return queryset

    def filter_status(self, queryset, name, value):
        today = self.today
        if value == "overdue":
            return queryset.filter(next_status="overdue")
        if value == "week":
            return queryset.filter(next_due__lte=week_end(today)).exclude(next_status="")
        if value == "30":
            return queryset.filter(next_due__lte=today + timedelta(days=30)).exclude(next_status="")
        return queryset

    def filter_at_risk(self, queryset, name, value):
        if name == "kohorte":  # applied once, with the pool, by "kvote"
            return queryset
        from citizens.compliance_data import worklist_at_risk

        return worklist_at_risk(queryset, value, self.form.cleaned_data.get("kohorte") or "")

    def filter_source(self, queryset, name, value):
        """"Kun lovkrav": citizens with an open statutory obligation (local ones never hide them)."""
        if value != "statutory":
            return queryset
        statutory = Obligation.objects.filter(enrolment__citizen=OuterRef("pk"), local=False)
        return queryset.filter(Exists(statutory))

    def filter_search(self, queryset, name, value):
        self.search = selectors.search_parse(value)
        return selectors.citizen_search(queryset, self.search)

    def empty_reasons(self) -> list[str]:
        """Why the list is empty, in words (only asked when it is)."""
        if not self.form.is_valid():
            return [_g("Filtrene kunne ikke læses. Vælg dem igen.")]
        data = self.form.cleaned_data
        reasons = []
        chosen = data.get("caseworker")
        if data.get("scope") == "mine" and self.staff_member is not None:
            if chosen is not None and chosen != self.staff_member:
                reasons.append(
                    _g(
                        "»Mine borgere« viser kun dine egne borgere, så sammen med en anden "
                        "sagsbehandler (%(name)s) giver det ingen rækker. Vælg »Hele teamet« for at se "
                        "%(name)s' borgere."
                    )
                    % {"name": chosen}
                )
            elif self.search is not None:
                reasons.append(
                    _g(
                        "Søgningen gælder kun dine egne borgere. "
                        "Vælg »Hele teamet« for at søge i hele teamet."
                    )
                )
        search = self.search
        if search is not None:
            if search.kind == "invalid":
                reasons.append(
                    _g(
                        "Skriv et navn, hele CPR-nummeret (10 cifre, med eller uden bindestreg) "
                        "eller de første 6 cifre (fødselsdatoen)."
                    )
                )
            elif search.kind == "cpr":
                reasons.append(
                    _g("Ingen borger med CPR-nummeret %(cpr)s blandt de borgere, du har adgang til.")
                    % {"cpr": search.for_log}
                )
            elif search.kind == "birth":
                reasons.append(
                    _g(
                        "Ingen borger, hvis CPR-nummer begynder med %(digits)s, "
                        "blandt de borgere, du har adgang til."
                    )
                    % {"digits": search.value}
                )
            else:
                reasons.append(
                    _g("Ingen borger, hvis navn indeholder »%(text)s«, blandt de borgere, du har adgang til.")
                    % {"text": search.value}
                )
        labels = dict(self.STATUS_CHOICES)
        if data.get("status") not in ("", None, "all"):
            reasons.append(
                _g("Kun borgere med status »%(status)s« vises.") % {"status": labels[data["status"]]}
            )
        if data.get("target_group") is not None:
            reasons.append(_g("Kun målgruppen »%(group)s« vises.") % {"group": data["target_group"]})
        if not reasons:
            reasons.append(_g("Der er ingen borgere i de teams, du har adgang til."))
        return reasons

    def filter_booking(self, queryset, name, value):
        from planning.selectors import filter_booking  # planned talks live in the planning app

        return filter_booking(queryset, value)
