"""Contact rules as plain data: vocabulary, frozen specs and a JSON loader.

Pure module (no Django). The admin's models mirror these specs; the obligation engine
(``citizens.obligations``) and the forecast consume them. The shipped rules live in
``catalogue/data/rules.json`` and are sourced in ``shared/domain/reform-rules.md``:

- ``lab-2024``: LAB, lovbekendtgørelse nr. 280 af 1. marts 2024 (Part B §2.2);
- ``reform-2026``: lov nr. 1750 af 29. december 2025, in force 1 July 2026 (Part B §1.3, §2.3);
- ``lab-2027``: the expected new main act from 1 January 2027 (Part B §1.2; provisional).

Facts tagged NOT CONFIRMED or PARTLY in the domain document carry ``provisional=True`` so the
UI can flag them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

# --- Vocabulary: stable codes (data, API, imports) and their Danish labels -----------------


def gettext_noop(text: str) -> str:
    """Marks a Danish label for ``makemessages``; it is translated where it is shown
    (``catalogue.labels``), so this module stays free of Django."""
    return text


KINDS = ("jobsamtale", "opfoelgningssamtale", "kontakt")
CHANNELS = ("fremmoede", "telefon", "video", "digital")
PERFORMERS = ("kommune", "a-kasse")
OUTCOMES = ("held", "absent", "cancelled")
STATUSES = ("met", "open", "due_soon", "overdue", "waived", "not_municipal")
GENERATIONS = ("pre-2027", "2027")
RULE_SET_STATUSES = ("draft", "active", "retired")
RULE_SET_KINDS = ("statutory", "local")
# How a rule counts (the admin picks one per rule): ``window`` = ``count`` contacts inside a
# window from the start; ``fixed`` = ``count`` per fixed period of N months from the window
# start; ``rolling`` = at most N months between two contacts that count, measured from the last
# one (or from the window start when there is none).
CADENCES = ("window", "fixed", "rolling")
# Which enrolments a rule applies to, by the sick-benefit flag "forventet fravær under 26 uger".
APPLIES_WHEN = ("always", "short_absence", "not_short_absence")
# What happens at the start of a statutory set to courses already running (provisional policy,
# editable by the admin; shared/domain/reform-rules.md leaves the details NOT CONFIRMED).
TRANSITIONS = ("deadline", "window_start", "restart")

KIND_LABELS = {
    "jobsamtale": gettext_noop("Jobsamtale"),
    "opfoelgningssamtale": gettext_noop("Opfølgningssamtale"),
    "kontakt": gettext_noop("Kontakt"),
}
CHANNEL_LABELS = {
    "fremmoede": gettext_noop("Fremmøde"),
    "telefon": gettext_noop("Telefon"),
    "video": gettext_noop("Video"),
    "digital": gettext_noop("Digital"),
}
PERFORMER_LABELS = {"kommune": gettext_noop("Kommunen"), "a-kasse": gettext_noop("A-kassen")}
OUTCOME_LABELS = {
    "held": gettext_noop("Afholdt"),
    "absent": gettext_noop("Udeblevet"),
    "cancelled": gettext_noop("Aflyst"),
}
STATUS_LABELS = {
    "met": gettext_noop("Opfyldt"),
    "open": gettext_noop("Åben"),
    "due_soon": gettext_noop("Forfalder snart"),
    "overdue": gettext_noop("Overskredet"),
    "waived": gettext_noop("Fritaget"),
    "not_municipal": gettext_noop("A-kassens ansvar"),
}
RULE_SET_STATUS_LABELS = {
    "draft": gettext_noop("Kladde"),
    "active": gettext_noop("Aktiv"),
    "retired": gettext_noop("Udgået"),
}
RULE_SET_KIND_LABELS = {"statutory": gettext_noop("Lovkrav"), "local": gettext_noop("Lokalt serviceniveau")}
CADENCE_LABELS = {
    "window": gettext_noop("Antal inden for et vindue"),
    "fixed": gettext_noop("Faste perioder fra start"),
    "rolling": gettext_noop("Rullende: højst N måneder mellem to kontakter"),
}
APPLIES_WHEN_LABELS = {
    "always": gettext_noop("Alle i målgruppen"),
    "short_absence": gettext_noop("Kun ved forventet fravær under 26 uger"),
    "not_short_absence": gettext_noop("Ikke ved forventet fravær under 26 uger"),
}
TRANSITION_LABELS = {
    "deadline": gettext_noop("Fristen afgør: reglerne i kraft på fristen gælder"),
    "window_start": gettext_noop("Påbegyndte vinduer afsluttes efter de hidtidige regler"),
    "restart": gettext_noop("Nyt forløb fra skæringsdatoen for borgere, der overgår til en ny målgruppe"),
}

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "rules.json"


class RuleBookError(ValueError):
    """The rule data is malformed or self-contradicting; ``errors`` lists Danish messages."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- Specs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One contact rule: ``count`` contacts of ``kind`` inside a window from the enrolment start.

    Windows are in calendar months from the enrolment start; ``window_to_months=None`` is
    open-ended and only meaningful with ``recurring_every_months``. ``cadence`` says how the rule
    counts (``CADENCES``; None = derived: ``fixed`` with a recurrence, else ``window``);
    ``recurring_every_months`` is the period (fixed) or the longest gap (rolling).
    """

    code: str
    target_group: str
    kind: str
    count: int
    window_from_months: int
    window_to_months: int | None
    first_deadline_days: int | None = None
    recurring_every_months: int | None = None
    performed_by: str = "kommune"
    channels: tuple[str, ...] = CHANNELS
    quota_pct: int = 100
    exemptable: bool = False
    legal_reference: str = ""
    note: str = ""
    provisional: bool = False
    cadence: str | None = None
    applies_when: str = "always"

    @property
    def mode(self) -> str:
        """The effective cadence (``window``, ``fixed`` or ``rolling``)."""
        if self.cadence:
            return self.cadence
        return "window" if self.recurring_every_months is None else "fixed"


# The fields a rule shares with its database row (all but code and target group, which are keys).
RULE_VALUE_FIELDS = (
    "kind", "count", "window_from_months", "window_to_months", "first_deadline_days",
    "recurring_every_months", "performed_by", "channels", "quota_pct", "exemptable",
    "legal_reference", "note", "provisional", "cadence", "applies_when",
)


@dataclass(frozen=True, slots=True)
class TargetGroupSpec:
    code: str
    name_da: str
    name_en: str
    description: str = ""
    legal_basis: str = ""
    benefits: str = ""
    generation: str = "pre-2027"
    provisional: bool = False
    # New enrolments starting on or after this date are refused (closed scheme); running ones go on.
    closed_from: date | None = None
    closed_note: str = ""

    def closed_on(self, start: date) -> bool:
        return self.closed_from is not None and start >= self.closed_from


@dataclass(frozen=True, slots=True)
class RuleSetSpec:
    code: str
    name: str
    status: str
    kind: str
    valid_from: date
    valid_to: date | None
    rules: tuple[RuleSpec, ...] = ()
    note: str = ""
    provisional: bool = False
    # Statutory sets: the transition policy at ``valid_from`` (``TRANSITIONS``) and its text.
    transition: str = "deadline"
    transition_note: str = ""
    # Local sets: teams (ids) for which the admin has switched this service level off.
    teams_off: frozenset = frozenset()
    illustrative: bool = False

    @property
    def local(self) -> bool:
        return self.kind == "local"

    def contains(self, on: date) -> bool:
        """True when ``on`` lies in [valid_from, valid_to] (valid_to None = open-ended)."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True, eq=False)
class RuleBook:
    """All rule sets, target groups and the pre-2027 -> 2027 group mapping.

    Compared and hashed by identity: a book is loaded once and caches key on it.
    """

    rule_sets: tuple[RuleSetSpec, ...]
    target_groups: tuple[TargetGroupSpec, ...]
    group_mapping: dict[str, str]
    # Lookup indexes, built once (the book is immutable).
    _sets: dict[str, RuleSetSpec] = field(init=False, repr=False, compare=False)
    _groups: dict[str, TargetGroupSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sets", {rs.code: rs for rs in self.rule_sets})
        object.__setattr__(self, "_groups", {g.code: g for g in self.target_groups})

    def rule_set(self, code: str) -> RuleSetSpec:
        try:
            return self._sets[code]
        except KeyError:
            raise KeyError(f"Ukendt regelsæt '{code}'.") from None

    def target_group(self, code: str) -> TargetGroupSpec:
        try:
            return self._groups[code]
        except KeyError:
            raise KeyError(f"Ukendt målgruppe '{code}'.") from None

    def has_rule_set(self, code: str) -> bool:
        return code in self._sets

    def has_target_group(self, code: str) -> bool:
        return code in self._groups

    def statutory_sets(self) -> tuple[RuleSetSpec, ...]:
        """Active statutory sets, oldest first."""
        sets = [rs for rs in self.rule_sets if rs.status == "active" and rs.kind == "statutory"]
        return tuple(sorted(sets, key=lambda rs: rs.valid_from))

    def local_sets(self) -> tuple[RuleSetSpec, ...]:
        """Active local sets (lokalt serviceniveau), oldest first; layered on the statutory sets."""
        sets = [rs for rs in self.rule_sets if rs.status == "active" and rs.kind == "local"]
        return tuple(sorted(sets, key=lambda rs: (rs.valid_from, rs.code)))

    def in_force(self, on: date) -> RuleSetSpec | None:
        """The active statutory set whose validity contains ``on`` (newest wins on overlap)."""
        found = None
        for rs in self.statutory_sets():
            if rs.contains(on):
                found = rs
        return found

    def generation_of(self, rule_set: RuleSetSpec) -> str | None:
        """The generation of the groups a set's rules address (None for an empty set)."""
        for rule in rule_set.rules:
            group = self._groups.get(rule.target_group)
            if group is not None:
                return group.generation
        return None

    def rules_for(self, rule_set: RuleSetSpec | str, group_code: str) -> tuple[RuleSpec, ...]:
        """The rules of ``rule_set`` that apply to an enrolment in ``group_code``.

        A pre-2027 group under a set written for the 2027 groups uses its mapped group's
        rules (Part B §1.2). There is no reverse mapping (it is many-to-one), so a 2027 group
        under a pre-2027 set gets no rules.
        """
        rs = self.rule_set(rule_set) if isinstance(rule_set, str) else rule_set
        group = self._groups.get(group_code)
        if group is None:
            return ()
        own = tuple(r for r in rs.rules if r.target_group == group_code)
        if own:  # a (local) set may address both generations; a group's own rules come first
            return own
        code = group_code
        set_generation = self.generation_of(rs)
        if set_generation is not None and set_generation != group.generation:
            if group.generation == "pre-2027" and set_generation == "2027":
                code = self.group_mapping.get(group_code, "")
            else:
                return ()
        return tuple(r for r in rs.rules if r.target_group == code)


# --- Validation -----------------------------------------------------------------------------


def rule_field_errors(rule: RuleSpec) -> list[tuple[str, str]]:
    """``(field, Danish message)`` for each self-contradiction of a rule (field = RuleSpec field)."""
    errors: list[tuple[str, str]] = []
    label = f"Regel '{rule.code}'"
    if rule.count < 1:
        errors.append(("count", f"{label}: antal kontakter skal være mindst 1 (fik {rule.count})."))
    if rule.window_from_months < 0:
        errors.append(("window_from_months", f"{label}: vinduet kan ikke starte før forløbets start."))
    if rule.window_to_months is None:
        if rule.recurring_every_months is None:
            errors.append(("window_to_months", f"{label}: et vindue uden slutning kræver en gentagelse."))
    elif rule.window_to_months <= rule.window_from_months:
        errors.append((
            "window_to_months",
            f"{label}: vinduets slutning ({rule.window_to_months} mdr.) ligger ikke efter "
            f"dets start ({rule.window_from_months} mdr.).",
        ))
    if rule.recurring_every_months is not None and rule.recurring_every_months < 1:
        errors.append(("recurring_every_months", f"{label}: gentagelse skal være mindst hver 1. måned."))
    mode = rule.mode
    if mode not in CADENCES:
        errors.append(("cadence", f"{label}: ukendt opgørelse '{rule.cadence}'."))
    elif mode == "window" and rule.recurring_every_months is not None:
        errors.append((
            "cadence",
            f"{label}: et antal inden for et vindue gentages ikke; vælg faste perioder eller rullende.",
        ))
    elif mode != "window" and rule.recurring_every_months is None:
        errors.append((
            "recurring_every_months",
            f"{label}: faste perioder og rullende regler kræver et antal måneder.",
        ))
    if mode == "rolling":
        if rule.count != 1:
            errors.append(("count", f"{label}: en rullende regel gælder én kontakt ad gangen (antal 1)."))
        if rule.first_deadline_days is not None:
            errors.append((
                "first_deadline_days",
                f"{label}: en rullende regel har ingen særskilt frist for første kontakt.",
            ))
    if rule.applies_when not in APPLIES_WHEN:
        errors.append(("applies_when", f"{label}: ukendt afgrænsning '{rule.applies_when}'."))
    if rule.first_deadline_days is not None:
        if rule.first_deadline_days < 0:
            errors.append(
                ("first_deadline_days", f"{label}: fristen for første kontakt kan ikke være negativ.")
            )
        if rule.window_from_months != 0:
            errors.append((
                "first_deadline_days",
                f"{label}: frist for første kontakt kræver, at vinduet starter ved 0.",
            ))
    if not 0 <= rule.quota_pct <= 100:
        errors.append(
            ("quota_pct", f"{label}: kvoten skal ligge mellem 0 og 100 % (fik {rule.quota_pct}).")
        )
    if rule.kind not in KINDS:
        errors.append(("kind", f"{label}: ukendt kontakttype '{rule.kind}'."))
    if rule.performed_by not in PERFORMERS:
        errors.append(("performed_by", f"{label}: ukendt udfører '{rule.performed_by}'."))
    if not rule.channels:
        errors.append(("channels", f"{label}: mindst én kanal skal tælle med."))
    for channel in rule.channels:
        if channel not in CHANNELS:
            errors.append(("channels", f"{label}: ukendt kanal '{channel}'."))
    if not rule.legal_reference.strip():
        errors.append(("legal_reference", f"{label}: mangler lovhenvisning."))
    return errors


def validate_rule(rule: RuleSpec) -> list[str]:
    """Danish messages for a self-contradicting rule; empty when the rule is usable."""
    return [message for _field, message in rule_field_errors(rule)]


def validate_rule_set(rule_set: RuleSetSpec, group_codes: set[str] | None = None) -> list[str]:
    """Messages for the set itself plus every rule in it (used before activation)."""
    errors: list[str] = []
    label = f"Regelsæt '{rule_set.code}'"
    if rule_set.status not in RULE_SET_STATUSES:
        errors.append(f"{label}: ukendt status '{rule_set.status}'.")
    if rule_set.kind not in RULE_SET_KINDS:
        errors.append(f"{label}: ukendt art '{rule_set.kind}'.")
    if rule_set.valid_to is not None and rule_set.valid_to < rule_set.valid_from:
        errors.append(f"{label}: gyldig til ligger før gyldig fra.")
    if rule_set.transition not in TRANSITIONS:
        errors.append(f"{label}: ukendt overgangsregel '{rule_set.transition}'.")
    seen: set[str] = set()
    for rule in rule_set.rules:
        if rule.code in seen:
            errors.append(f"{label}: reglen '{rule.code}' findes flere gange.")
        seen.add(rule.code)
        if group_codes is not None and rule.target_group not in group_codes:
            errors.append(f"Regel '{rule.code}': ukendt målgruppe '{rule.target_group}'.")
        errors.extend(validate_rule(rule))
    return errors


# --- Loading --------------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def rule_from_dict(d: dict[str, Any]) -> RuleSpec:
    return RuleSpec(
        code=d["code"],
        target_group=d["target_group"],
        kind=d["kind"],
        count=int(d["count"]),
        window_from_months=int(d["window_from_months"]),
        window_to_months=d.get("window_to_months"),
        first_deadline_days=d.get("first_deadline_days"),
        recurring_every_months=d.get("recurring_every_months"),
        performed_by=d.get("performed_by", "kommune"),
        channels=tuple(d.get("channels", CHANNELS)),
        quota_pct=int(d.get("quota_pct", 100)),
        exemptable=bool(d.get("exemptable", False)),
        legal_reference=d.get("legal_reference", ""),
        note=d.get("note", ""),
        provisional=bool(d.get("provisional", False)),
        cadence=d.get("cadence") or None,
        applies_when=d.get("applies_when") or "always",
    )


def rulebook_from_dict(d: dict[str, Any], *, validate: bool = True) -> RuleBook:
    """Build a RuleBook from the JSON structure; raise RuleBookError on invalid data."""
    groups = tuple(
        TargetGroupSpec(
            code=g["code"],
            name_da=g["name_da"],
            name_en=g.get("name_en", ""),
            description=g.get("description", ""),
            legal_basis=g.get("legal_basis", ""),
            benefits=g.get("benefits", ""),
            generation=g.get("generation", "pre-2027"),
            provisional=bool(g.get("provisional", False)),
            closed_from=_date(g.get("closed_from")),
            closed_note=g.get("closed_note", ""),
        )
        for g in d.get("target_groups", [])
    )
    sets = tuple(
        RuleSetSpec(
            code=s["code"],
            name=s["name"],
            status=s.get("status", "draft"),
            kind=s.get("kind", "statutory"),
            valid_from=date.fromisoformat(s["valid_from"]),
            valid_to=_date(s.get("valid_to")),
            rules=tuple(rule_from_dict(r) for r in s.get("rules", [])),
            note=s.get("note", ""),
            provisional=bool(s.get("provisional", False)),
            transition=s.get("transition") or "deadline",
            transition_note=s.get("transition_note", ""),
            teams_off=frozenset(s.get("teams_off", ())),
            illustrative=bool(s.get("illustrative", False)),
        )
        for s in d.get("rule_sets", [])
    )
    book = RuleBook(rule_sets=sets, target_groups=groups,
                    group_mapping=dict(d.get("group_mapping", {})))
    if validate:
        errors = validate_rulebook(book)
        if errors:
            raise RuleBookError(errors)
    return book


def validate_rulebook(book: RuleBook) -> list[str]:
    errors: list[str] = []
    group_codes = {g.code for g in book.target_groups}
    if len(group_codes) != len(book.target_groups):
        errors.append("Målgruppekoder skal være entydige.")
    if len({rs.code for rs in book.rule_sets}) != len(book.rule_sets):
        errors.append("Regelsætkoder skal være entydige.")
    for g in book.target_groups:
        if g.generation not in GENERATIONS:
            errors.append(f"Målgruppe '{g.code}': ukendt generation '{g.generation}'.")
    for old, new in book.group_mapping.items():
        if old not in group_codes or new not in group_codes:
            errors.append(f"Målgruppeoversættelse '{old}' -> '{new}' nævner en ukendt målgruppe.")
    for rs in book.rule_sets:
        errors.extend(validate_rule_set(rs, group_codes))
    return errors


def load_rulebook(path: str | Path = DEFAULT_PATH) -> RuleBook:
    """Read the shipped (or a given) rules JSON file."""
    with open(path, encoding="utf-8") as fh:
        return rulebook_from_dict(json.load(fh))
