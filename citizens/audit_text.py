"""The audit log's details as sentences: "Sagsbehandler ændret fra Anna Holm til Bo Lund."

The services log plain dicts with ids and codes (``AuditEvent.details``); this turns them into text
for the admin's audit page, naming staff, teams and target groups instead of their ids. CPR numbers
are logged masked already; any ten-digit run that slips into a free value is masked here too.
Unknown shapes (new kinds of details) fall back to "felt: værdi" rather than a Python dict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_CPR_LIKE = re.compile(r"\b(\d{6})-?\d{4}\b")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Names:
    """What ids and codes in the details stand for (looked up once per page)."""

    staff: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)


def _field_labels() -> dict[str, str]:
    return {
        "first_name": _("Fornavn"),
        "last_name": _("Efternavn"),
        "cpr": _("CPR-nummer"),
        "caseworker": _("Sagsbehandler"),
        "team": _("Team"),
        "target_group": _("Målgruppe"),
        "start": _("Startdato"),
        "exempt": _("Fritaget"),
        "reason": _("Begrundelse"),
        "date": _("Dato"),
        "kind": _("Kontaktform"),
        "channel": _("Kanal"),
        "outcome": _("Udfald"),
        "format": _("Format"),
        "rows": _("Rækker"),
        "via": _("Via"),
    }


def _mask(text: str) -> str:
    return _CPR_LIKE.sub(r"\1-xxxx", text)


def _value(name: str, value, names: Names) -> str:
    from catalogue import rulebook

    if value is None or value == "":
        return _("ingen")
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if name == "caseworker":
        return names.staff.get(value, _("medarbejder %(id)s") % {"id": value})
    if name == "team" and isinstance(value, int):
        return names.teams.get(value, str(value))
    if name == "target_group":
        return names.groups.get(value, str(value))
    if name == "kind":
        return _(rulebook.KIND_LABELS.get(value, value))
    if name == "channel":
        return _(rulebook.CHANNEL_LABELS.get(value, value)).lower()
    if name == "outcome":
        return _(rulebook.OUTCOME_LABELS.get(value, value)).lower()
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or _("ingen")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _mask(str(value))


def _label(name: str) -> str:
    return _field_labels().get(name, name)


def _changes(before: dict, after: dict, names: Names) -> list[str]:
    sentences = []
    for key in list(dict.fromkeys([*before, *after])):
        if key not in after:
            continue
        new = _value(key, after[key], names)
        if key in before and before[key] not in (None, ""):
            sentences.append(
                _("%(field)s ændret fra %(before)s til %(after)s.")
                % {"field": _label(key), "before": _value(key, before[key], names), "after": new}
            )
        else:
            sentences.append(_("%(field)s sat til %(after)s.") % {"field": _label(key), "after": new})
    return sentences


def _generic(details: dict, names: Names) -> str:
    return "; ".join(f"{_label(k)}: {_value(k, v, names)}" for k, v in details.items())


def _via_api(details: dict) -> str:
    if "api" in details and "rows" in details:
        return _(" via API (%(api)s, %(rows)s rækker)") % {"api": details["api"], "rows": details["rows"]}
    if "api" in details or details.get("via") == "api":
        return _(" via API")
    return ""


def describe(action: str, details: dict, names: Names) -> str:
    """One or a few Danish sentences for an audit event's details; " (import)" when an import made it."""
    details = dict(details or {})
    if details.pop("via", None) == "import":
        return _describe(action, details, names) + " " + _("(ved import)")
    return _describe(action, details, names)


def _describe(action: str, details: dict, names: Names) -> str:
    if "retention" in details:
        r = details["retention"]
        return _(
            "%(n)s borgere anonymiseret: ingen forløb eller kontakter efter %(cutoff)s (%(years)s år)."
        ) % {
            "n": r.get("anonymised"),
            "cutoff": _value("date", r.get("cutoff"), names),
            "years": r.get("years"),
        }
    if details.get("import"):  # entries of imports before they went through the services (2026)
        return _describe_import(action, details, names)
    if "booking" in details:
        return _describe_booking(details, names)
    if action == "view":
        return _("Borgerens oplysninger vist%(via)s.") % {"via": _via_api(details)}
    if action == "reveal_cpr":
        return _("CPR-nummeret vist%(via)s.") % {"via": _via_api(details)}
    if action == "export":
        if details.get("kind") == "indsigt":
            return _("Indsigt udleveret%(via)s.") % {"via": _via_api(details)}
        if isinstance(details.get("citizens"), list):
            shown = len(details["citizens"])
            if details.get("page") == "worklist":
                text = ngettext(
                    "Arbejdslisten vist med %(n)s borger.", "Arbejdslisten vist med %(n)s borgere.", shown
                ) % {"n": shown}
            else:
                text = ngettext(
                    "Liste med %(n)s borger vist%(via)s.", "Liste med %(n)s borgere vist%(via)s.", shown
                ) % {"n": shown, "via": _via_api(details)}
            filters = {k: v for k, v in (details.get("filters") or {}).items() if v and k != "page"}
            if filters:
                text += " " + _("Filtre: %(filters)s.") % {"filters": _mask(_value("", filters, names))}
            return text
        if "format" in details:
            text = _("Arbejdslisten eksporteret som %(format)s, %(rows)s rækker.") % {
                "format": str(details["format"]).upper(),
                "rows": details.get("rows", "?"),
            }
            filters = {k: v for k, v in (details.get("filters") or {}).items() if v and k != "_export"}
            if filters:
                text += " " + _("Filtre: %(filters)s.") % {"filters": _mask(_value("", filters, names))}
            return text
        return _("Data hentet%(via)s.") % {"via": _via_api(details)}
    if action == "contact" and "kind" in details:
        return _("%(kind)s (%(channel)s) den %(date)s: %(outcome)s.") % {
            "kind": _value("kind", details["kind"], names),
            "channel": _value("channel", details.get("channel"), names),
            "date": _value("date", details.get("date"), names),
            "outcome": _value("outcome", details.get("outcome"), names),
        }
    before, after = details.get("before"), details.get("after")
    if isinstance(after, dict) and after.get("exempt") is True:
        return _("Fritaget efter 25 %%-reglen. Begrundelse: »%(reason)s«.") % {
            "reason": _mask(str(after.get("reason", "")))
        }
    if action == "create" and isinstance(after, dict):
        return _("Oprettet i %(team)s, målgruppe %(group)s fra %(start)s.") % {
            "team": _value("team", after.get("team"), names),
            "group": _value("target_group", after.get("target_group"), names),
            "start": _value("start", after.get("start"), names),
        }
    if isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        if "target_group" in after and "start" in after:
            start = after.pop("start")
            sentences = _changes(before, after, names)
            sentences.append(_("Nyt forløb fra %(start)s.") % {"start": _value("start", start, names)})
            return " ".join(sentences)
        return " ".join(_changes(before, after, names))
    return _generic(details, names)


def _describe_booking(details: dict, names: Names) -> str:
    if details.get("kind") == "indkaldelse":
        return _("Indkaldelse udstedt.")
    if details.get("event") == "cancelled":
        return _("Booking aflyst.")
    start = details.get("start")
    when = ""
    if isinstance(start, str) and len(start) >= 16:
        when = f"{_value('date', start[:10], names)} {start[11:16]}"
    return _("Samtale booket %(when)s (%(kind)s).") % {
        "when": when, "kind": _value("kind", details.get("kind"), names)
    }


def _describe_import(action: str, details: dict, names: Names) -> str:
    if action == "create":
        return _("Oprettet ved import.")
    if action == "contact":
        changes = details.get("contacts") or {}
        return _("Kontakter ved import: %(created)s nye, %(updated)s ændrede.") % {
            "created": len(changes.get("created", [])),
            "updated": len(changes.get("updated", [])),
        }
    before = details.get("before")
    if isinstance(before, list) and len(before) == 4:
        first, last, team, caseworker = before
        return _("Navn, team eller sagsbehandler ændret ved import. Før: %(name)s, %(team)s, %(cw)s.") % {
            "name": f"{first} {last}".strip(),
            "team": names.teams.get(_int(team), team),
            "cw": names.staff.get(_int(caseworker), _("ingen sagsbehandler")),
        }
    return _("Ændret ved import.")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def names_for(events) -> Names:
    """Look up every staff member, team and target group the events' details mention."""
    from catalogue.models import TargetGroup
    from jobcenter.models import StaffMember, Team

    staff_ids, team_ids, group_codes = set(), set(), set()
    for event in events:
        details = event.details or {}
        for part in (details.get("before"), details.get("after")):
            if isinstance(part, dict):
                if isinstance(part.get("caseworker"), int):
                    staff_ids.add(part["caseworker"])
                if isinstance(part.get("target_group"), str):
                    group_codes.add(part["target_group"])
            elif isinstance(part, list) and len(part) == 4:
                team_ids.add(_int(part[2]))
                staff_ids.add(_int(part[3]))
    staff = {
        m.pk: str(m) for m in StaffMember.objects.filter(pk__in=staff_ids - {None}).select_related("user")
    }
    teams = dict(Team.objects.filter(pk__in=team_ids - {None}).values_list("pk", "name"))
    groups = {g.code: str(g) for g in TargetGroup.objects.filter(code__in=group_codes)}
    return Names(staff=staff, teams=teams, groups=groups)
