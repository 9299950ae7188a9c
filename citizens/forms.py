"""Forms for caseworkers. Validation messages are Danish and shown next to their field."""

import json
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue import rulebook
from catalogue.labels import label_choices
from catalogue.models import TargetGroup
from citizens.cpr import CprError, parse_cpr
from citizens.import_file import MAX_FILE_BYTES
from citizens.models import Contact

SHORT_ABSENCE_HELP = _(
    "Kun sygedagpenge: arbejdsgiver og medarbejder forventer begge fravær under 26 uger. "
    "Så er der som udgangspunkt ingen kommunale opfølgningssamtaler (lov nr. 1750)."
)


def grouped_target_groups(queryset, empty_label="---------") -> list:
    """Target-group choices in two optgroups: the 2024 groups and the 2027 groups."""
    groups = list(queryset.order_by("generation", "name_da"))
    choices: list = [("", empty_label)] if empty_label is not None else []
    for generation, label in TargetGroup.Generation.choices:
        members = [(g.pk, g.name_da) for g in groups if g.generation == generation]
        if members:
            choices.append((label, members))
    return choices


class DesignSystemMixin:
    """Adds the DKFDS classes and ARIA wiring to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-checkbox"
                if isinstance(widget, forms.CheckboxInput)
                else ("form-select" if isinstance(widget, forms.Select) else "form-input")
            )
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].id_for_label}-error"


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class ContactForm(DesignSystemMixin, forms.Form):
    date = forms.DateField(
        label=_("Dato"),
        widget=DateInput,
        initial=timezone.localdate,
        error_messages={
            "invalid": _("Skriv en gyldig dato (dd.mm.åååå)."),
            "required": _("Vælg datoen for kontakten."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kontaktform"), choices=label_choices(rulebook.KIND_LABELS), initial="jobsamtale"
    )
    channel = forms.ChoiceField(
        label=_("Kanal"), choices=label_choices(rulebook.CHANNEL_LABELS), initial="fremmoede"
    )
    minutes = forms.IntegerField(
        label=_("Minutter"),
        min_value=1,
        max_value=600,
        initial=Contact.DEFAULT_MINUTES["fremmoede"],
        required=False,
        help_text=_("Tom: efter kanal"),
        error_messages={
            "min_value": _("Mindst 1 minut."),
            "max_value": _("Højst 600 minutter."),
            "invalid": _("Skriv et helt antal minutter."),
        },
    )
    outcome = forms.ChoiceField(label=_("Udfald"), choices=Contact.Outcome.choices, initial="held")
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Noten må højst være 4000 tegn.")},
    )
    # One key per opened form: a double submit stores one contact (services.contact_register).
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    # Shown only after the service found an identical contact the same day.
    confirm_duplicate = forms.BooleanField(
        label=_("Ja, registrér den alligevel (en ekstra kontakt samme dag)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # static/js/kontaktplan.js sets the minutes when the channel changes (until typed in).
        self.fields["channel"].widget.attrs["data-default-minutes"] = json.dumps(Contact.DEFAULT_MINUTES)

    @property
    def asks_confirmation(self) -> bool:
        return bool(self.errors.get("confirm_duplicate")) or bool(self.data.get("confirm_duplicate"))

    def clean(self):
        data = super().clean()
        if data.get("minutes") is None and data.get("channel") in Contact.DEFAULT_MINUTES:
            data["minutes"] = Contact.DEFAULT_MINUTES[data["channel"]]
        return data


class CitizenCreateForm(DesignSystemMixin, forms.Form):
    cpr = forms.CharField(label=_("CPR-nummer"), max_length=11, help_text=_("10 cifre, fx 010190-1234"))
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Efternavn"), max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    caseworker = forms.ModelChoiceField(label=_("Sagsbehandler"), queryset=None, required=False)
    target_group = forms.ModelChoiceField(label=_("Målgruppe"), queryset=None)
    start = forms.DateField(label=_("Startdato"), widget=DateInput, initial=timezone.localdate)
    short_absence = forms.BooleanField(
        label=_("Forventet fravær under 26 uger"), required=False, help_text=SHORT_ABSENCE_HELP
    )

    def __init__(self, *args, teams, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["caseworker"].queryset = caseworkers
        self.fields["target_group"].queryset = TargetGroup.objects.order_by("generation", "name_da")
        self.fields["target_group"].choices = grouped_target_groups(self.fields["target_group"].queryset)

    def clean_cpr(self):
        """Checked here too, so a wrong CPR number shows with the other fields' errors at once."""
        try:
            parse_cpr(self.cleaned_data["cpr"])
        except CprError as exc:
            raise forms.ValidationError(str(exc)) from None
        return self.cleaned_data["cpr"]


class CitizenEditForm(DesignSystemMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Efternavn"), max_length=100)
    cpr = forms.CharField(label=_("CPR-nummer"), max_length=11)


class TransferForm(DesignSystemMixin, forms.Form):
    target_group = forms.ModelChoiceField(label=_("Ny målgruppe"), queryset=None)
    start = forms.DateField(label=_("Fra dato"), widget=DateInput, initial=timezone.localdate)
    short_absence = forms.BooleanField(
        label=_("Forventet fravær under 26 uger"), required=False, help_text=SHORT_ABSENCE_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = TargetGroup.objects.order_by("generation", "name_da")
        self.fields["target_group"].choices = grouped_target_groups(self.fields["target_group"].queryset)


class ExemptForm(DesignSystemMixin, forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AssignForm(DesignSystemMixin, forms.Form):
    caseworker = forms.ModelChoiceField(label=_("Sagsbehandler"), queryset=None)

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = caseworkers


class ReassignForm(DesignSystemMixin, forms.Form):
    from_caseworker = forms.ModelChoiceField(label=_("Fra sagsbehandler"), queryset=None)
    to_caseworker = forms.ModelChoiceField(label=_("Til sagsbehandler"), queryset=None)

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_caseworker"].queryset = caseworkers
        self.fields["to_caseworker"].queryset = caseworkers

    def clean(self):
        data = super().clean()
        if data.get("from_caseworker") and data.get("from_caseworker") == data.get("to_caseworker"):
            self.add_error("to_caseworker", _("Vælg en anden sagsbehandler end den, der flyttes fra."))
        return data


class ImportForm(DesignSystemMixin, forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_("Kolonner: cpr, first_name, last_name, team, caseworker, target_group, start."),
        error_messages={"required": _("Vælg en fil.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Filen skal være CSV eller XLSX."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Filen må højst fylde 50 MB."))
        return upload
