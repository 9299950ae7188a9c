"""Admin pages of the catalogue outside the Django admin: compare two rule sets."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogue.compare import CHANGED, NEW, REMOVED, compare_rule_sets
from catalogue.rulebook import RULE_SET_STATUS_LABELS
from catalogue.selectors import current_rulebook
from jobcenter.perms import is_admin

DEFAULT_LEFT, DEFAULT_RIGHT = "lab-2024", "reform-2026"


class CompareForm(forms.Form):
    left = forms.ChoiceField(label=_("Sammenlign regelsæt"))
    right = forms.ChoiceField(label=_("med regelsæt"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("left", "right"):
            self.fields[name].choices = choices
            self.fields[name].widget.attrs["class"] = "form-select"


def compare(request):
    if not is_admin(request.user):
        raise PermissionDenied
    book = current_rulebook()
    sets = sorted(book.rule_sets, key=lambda rs: (rs.valid_from, rs.code))
    status = {code: gettext(label).lower() for code, label in RULE_SET_STATUS_LABELS.items()}
    choices = [(rs.code, f"{rs.name} ({rs.code}, {status.get(rs.status, rs.status)})") for rs in sets]
    codes = [rs.code for rs in sets]
    initial = {
        "left": DEFAULT_LEFT if DEFAULT_LEFT in codes else (codes[0] if codes else None),
        "right": DEFAULT_RIGHT if DEFAULT_RIGHT in codes else (codes[-1] if codes else None),
    }
    bound = "left" in request.GET or "right" in request.GET
    form = CompareForm({**initial, **request.GET.dict()} if bound else initial, choices=choices)
    groups, left, right = [], None, None
    if form.is_valid():
        left = book.rule_set(form.cleaned_data["left"])
        right = book.rule_set(form.cleaned_data["right"])
        groups = compare_rule_sets(book, left, right)
    return render(
        request,
        "catalogue/compare.html",
        {
            "form": form,
            "left": left,
            "right": right,
            "groups": groups,
            "changed": CHANGED,
            "new": NEW,
            "removed": REMOVED,
        },
        status=200 if form.is_valid() or not bound else 400,
    )
