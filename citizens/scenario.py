"""Run a hand-written scenario through the obligation engine (pure; used by ``rules_check``).

A scenario is a dict (usually read from JSON)::

    {"on": "2026-09-01", "rule_set": "reform-2026",
     "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01", "end": null,
                     "exempt": false, "work_obligation": false}],
     "contacts": [{"date": "2026-07-03", "kind": "jobsamtale", "channel": "fremmoede",
                   "performed_by": "kommune", "outcome": "held"}]}

``rule_set`` is optional (None = the set in force on each obligation's deadline).
``local_rule_set`` (optional) names a local rule set (lokalt serviceniveau) to layer on top;
without it only statutory rules apply. Every obligation carries ``"local": true|false``. Rules
may be rolling (``cadence``); an enrolment may set ``short_absence`` (sick benefit). Every
contact is offered to every enrolment; the engine counts only those within the enrolment's
[start, end] (transfer policy). Optional ``bookings`` (planned talks: date, kind, channel,
performed_by; future dates allowed) add ``booked_for``/``booked_late`` to each obligation
(``planning/matching.py``); they never meet one. Malformed input raises
:class:`ScenarioError` naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from catalogue.rulebook import CHANNELS, KINDS, OUTCOMES, PERFORMERS, RuleBook
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate
from planning.matching import BookingFacts, match_bookings  # pure; planned talks (issue 9)

_TOP_FIELDS = {"on", "rule_set", "enrolments", "contacts", "description", "_comment", "bookings"}
_TOP_FIELDS |= {"local_rule_set"}
_ENROLMENT_FIELDS = {"target_group", "start", "end", "exempt", "work_obligation"}
_ENROLMENT_FIELDS |= {"short_absence"}
_CONTACT_FIELDS = {"date", "kind", "channel", "performed_by", "outcome", "id"}
_BOOKING_FIELDS = {"date", "kind", "channel", "performed_by", "id"}


class ScenarioError(ValueError):
    """Malformed scenario; ``field`` is a path like ``enrolments[0].start``."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _require(obj: dict, key: str, path: str) -> Any:
    if key not in obj:
        raise ScenarioError(f"{path}.{key}" if path else key, "feltet mangler")
    return obj[key]


def _check_keys(obj: dict, allowed: set[str], path: str) -> None:
    for key in obj:
        if key not in allowed:
            raise ScenarioError(f"{path}.{key}" if path else str(key), "ukendt felt")


def _parse_date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise ScenarioError(path, f"dato skal være en tekst på formen ÅÅÅÅ-MM-DD, fik {value!r}")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(path, f"ugyldig dato '{value}'") from None


def _parse_code(value: Any, allowed: tuple[str, ...] | set[str], path: str, what: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(path, f"{what} skal være en tekst, fik {value!r}")
    if value not in allowed:
        raise ScenarioError(path, f"ukendt {what} '{value}'")
    return value


def _parse_bool(obj: dict, key: str, path: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise ScenarioError(f"{path}.{key}", f"skal være true eller false, fik {value!r}")
    return value


def _parse_list(data: dict, key: str, required: bool) -> list:
    if key not in data:
        if required:
            raise ScenarioError(key, "feltet mangler")
        return []
    value = data[key]
    if not isinstance(value, list):
        raise ScenarioError(key, "skal være en liste")
    return value


def _parse_enrolment(book: RuleBook, item: Any, path: str) -> EnrolmentFacts:
    if not isinstance(item, dict):
        raise ScenarioError(path, "skal være et objekt")
    _check_keys(item, _ENROLMENT_FIELDS, path)
    group = _require(item, "target_group", path)
    if not isinstance(group, str) or not book.has_target_group(group):
        raise ScenarioError(f"{path}.target_group", f"ukendt målgruppe {group!r}")
    start = _parse_date(_require(item, "start", path), f"{path}.start")
    end = item.get("end")
    if end is not None:
        end = _parse_date(end, f"{path}.end")
        if end < start:
            raise ScenarioError(f"{path}.end", "slutdato ligger før startdato")
    return EnrolmentFacts(
        target_group=group,
        start=start,
        end=end,
        exempt=_parse_bool(item, "exempt", path),
        work_obligation=_parse_bool(item, "work_obligation", path),
        short_absence=_parse_bool(item, "short_absence", path),
    )


def _parse_contact(item: Any, index: int, path: str) -> ContactFacts:
    if not isinstance(item, dict):
        raise ScenarioError(path, "skal være et objekt")
    _check_keys(item, _CONTACT_FIELDS, path)
    return ContactFacts(
        date=_parse_date(_require(item, "date", path), f"{path}.date"),
        kind=_parse_code(_require(item, "kind", path), KINDS, f"{path}.kind", "kontakttype"),
        channel=_parse_code(_require(item, "channel", path), CHANNELS, f"{path}.channel",
                            "kanal"),
        performed_by=_parse_code(item.get("performed_by", "kommune"), PERFORMERS,
                                 f"{path}.performed_by", "udfører"),
        outcome=_parse_code(item.get("outcome", "held"), OUTCOMES, f"{path}.outcome", "udfald"),
        id=item.get("id", index),
    )


def parse_scenario(
    book: RuleBook, data: Any
) -> tuple[date, str | None, list[EnrolmentFacts], list[ContactFacts]]:
    """Validate a scenario dict; return (on, rule_set, enrolments, contacts)."""
    if not isinstance(data, dict):
        raise ScenarioError("(rod)", "scenariet skal være et objekt")
    _check_keys(data, _TOP_FIELDS, "")
    on = _parse_date(_require(data, "on", ""), "on")
    rule_set = data.get("rule_set")
    if rule_set is not None and (not isinstance(rule_set, str) or not book.has_rule_set(rule_set)):
        raise ScenarioError("rule_set", f"ukendt regelsæt {rule_set!r}")
    raw_enrolments = _parse_list(data, "enrolments", required=True)
    if not raw_enrolments:
        raise ScenarioError("enrolments", "mindst ét forløb kræves")
    enrolments = [
        _parse_enrolment(book, item, f"enrolments[{i}]") for i, item in enumerate(raw_enrolments)
    ]
    contacts = [
        _parse_contact(item, i, f"contacts[{i}]")
        for i, item in enumerate(_parse_list(data, "contacts", required=False))
    ]
    return on, rule_set, enrolments, contacts


def parse_local_rule_set(book: RuleBook, data: Any) -> tuple[str, ...]:
    """The layered local set named by ``local_rule_set`` (none when absent)."""
    if not isinstance(data, dict) or data.get("local_rule_set") is None:
        return ()
    code = data["local_rule_set"]
    if not isinstance(code, str) or not book.has_rule_set(code):
        raise ScenarioError("local_rule_set", f"ukendt regelsæt {code!r}")
    if book.rule_set(code).kind != "local":
        raise ScenarioError("local_rule_set", f"regelsættet '{code}' er ikke et lokalt serviceniveau")
    return (code,)


def _parse_bookings(data: dict) -> list[BookingFacts]:
    """Planned talks (``bookings``): like contacts without an outcome; future dates allowed."""
    out = []
    for i, item in enumerate(_parse_list(data, "bookings", required=False)):
        path = f"bookings[{i}]"
        if not isinstance(item, dict):
            raise ScenarioError(path, "skal være et objekt")
        _check_keys(item, _BOOKING_FIELDS, path)
        out.append(BookingFacts(
            date=_parse_date(_require(item, "date", path), f"{path}.date"),
            kind=_parse_code(_require(item, "kind", path), KINDS, f"{path}.kind", "kontakttype"),
            channel=_parse_code(_require(item, "channel", path), CHANNELS, f"{path}.channel", "kanal"),
            performed_by=_parse_code(item.get("performed_by", "kommune"), PERFORMERS,
                                     f"{path}.performed_by", "udfører"),
            id=item.get("id", i),
        ))
    return out


def _rule_channels(book: RuleBook, group: str):
    """An obligation's rule channels (for booking matching); all channels if the rule is unknown."""
    def channels_of(o) -> tuple[str, ...]:
        try:
            rules = book.rules_for(book.rule_set(o.rule_set), group)
        except (KeyError, ValueError, LookupError):
            return CHANNELS
        return next((tuple(r.channels) for r in rules if r.code == o.rule), CHANNELS)
    return channels_of


def run_scenario(book: RuleBook, data: Any) -> list[dict[str, Any]]:
    """Evaluate every enrolment of the scenario; a JSON-able list of obligations."""
    on, rule_set, enrolments, contacts = parse_scenario(book, data)
    local_sets = parse_local_rule_set(book, data)
    bookings = _parse_bookings(data)
    rows: list[dict[str, Any]] = []
    for enrolment in enrolments:
        obligations = evaluate(book, enrolment, contacts, on, rule_set=rule_set, local_sets=local_sets)
        matches = match_bookings(obligations, bookings, _rule_channels(book, enrolment.target_group),
                                 start=enrolment.start, end=enrolment.end)
        for o, match in zip(obligations, matches, strict=True):
            rows.append({
                "target_group": enrolment.target_group,
                "rule": o.rule,
                "rule_set": o.rule_set,
                "kind": o.kind,
                "number": o.number,
                "of": o.of,
                "earliest": o.earliest.isoformat(),
                "latest": o.latest.isoformat(),
                "status": o.status,
                "met_by": o.met_by.date.isoformat() if o.met_by is not None else None,
                "explanation": o.explanation,
                "local": o.local,
                "booked_for": match.booked_for.date.isoformat() if match.booked_for else None,
                "booked_late": match.booked_late.date.isoformat() if match.booked_late else None,
            })
    return rows
