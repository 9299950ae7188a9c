"""The rulebook's Danish labels in the user's language (Django side of ``catalogue.rulebook``).

The rulebook is pure and keeps Danish strings (marked for ``makemessages``); everything shown
goes through here. Stored summaries stay Danish in the database (``Citizen.next_label`` is
"Jobsamtale 3 af 3") and are translated when shown.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from catalogue import rulebook


def label_choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    """Model and form choices whose labels follow the active language."""
    return [(code, gettext_lazy(text)) for code, text in labels.items()]  # type: ignore[misc]


def translate(text: str) -> str:
    """A label from the rulebook in the active language."""
    return _(text) if text else text


def kind_label(kind: str) -> str:
    return translate(rulebook.KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return translate(rulebook.STATUS_LABELS.get(status, status))


_NEXT_LABEL = re.compile(r"^(?P<label>.+) (?P<n>\d+) af (?P<of>\d+)$")
_KIND_BY_LABEL = {label: kind for kind, label in rulebook.KIND_LABELS.items()}


def next_label(stored: str) -> str:
    """``Citizen.next_label`` as stored by the refresh ("Jobsamtale 3 af 3") in the active language."""
    match = _NEXT_LABEL.match(stored or "")
    if match is None or match["label"] not in _KIND_BY_LABEL:
        return stored
    return _("%(kind)s %(n)s af %(of)s") % {
        "kind": kind_label(_KIND_BY_LABEL[match["label"]]),
        "n": match["n"],
        "of": match["of"],
    }


def target_group_name(name_da: str, name_en: str = "") -> str:
    """A target group's name: the English one in English, when there is one."""
    return name_en if name_en and (get_language() or "").startswith("en") else name_da
