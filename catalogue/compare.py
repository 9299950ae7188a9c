"""Compare two rule sets target group by target group (pure; no Django).

Rules of the two sets are paired within a target group on the part of their code after the
group (``kh-jobparat.foerste-jobsamtale`` pairs with ``jobsoegning.foerste-jobsamtale``), so a
pre-2027 group compared with a 2027 set meets its mapped group's rules (``RuleBook.rules_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.i18n import gettext
from catalogue.rulebook import (
    APPLIES_WHEN_LABELS,
    CADENCE_LABELS,
    CHANNEL_LABELS,
    KIND_LABELS,
    PERFORMER_LABELS,
    RuleBook,
    RuleSetSpec,
    RuleSpec,
    gettext_noop,
)

# (RuleSpec field, Danish label), in display order; shown in the user's language.
FIELDS: tuple[tuple[str, str], ...] = (
    ("kind", gettext_noop("Kontaktform")),
    ("count", gettext_noop("Antal")),
    ("window", gettext_noop("Vindue")),
    ("first_deadline_days", gettext_noop("Frist for første kontakt")),
    ("cadence", gettext_noop("Opgørelse")),
    ("recurring_every_months", gettext_noop("Gentages")),
    ("applies_when", gettext_noop("Gælder for")),
    ("performed_by", gettext_noop("Udføres af")),
    ("channels", gettext_noop("Kanaler der tæller")),
    ("quota_pct", gettext_noop("Kvote")),
    ("exemptable", gettext_noop("Kan fritages (25 %)")),
    ("legal_reference", gettext_noop("Lovhenvisning")),
)
# A new legal basis alone does not make a rule "Ændret"; the cell is still marked.
SUBSTANTIVE = frozenset(name for name, _label in FIELDS) - {"legal_reference"}

SAME, CHANGED, NEW, REMOVED = "same", "changed", "new", "removed"


def _raw(rule: RuleSpec, name: str):
    if name == "window":
        return (rule.window_from_months, rule.window_to_months)
    if name == "channels":
        return frozenset(rule.channels)
    if name == "cadence":
        return rule.mode
    return getattr(rule, name)


def display(rule: RuleSpec | None, name: str) -> str:
    """A field's value as text in the user's language ("—" when the rule or the value is absent)."""
    if rule is None:
        return "—"
    if name == "kind":
        return gettext(KIND_LABELS.get(rule.kind, rule.kind))
    if name == "count":
        return str(rule.count)
    if name == "window":
        if rule.window_to_months is None:
            return gettext("fra %(month)s. måned, uden slutning") % {"month": rule.window_from_months}
        months = {"from": rule.window_from_months, "to": rule.window_to_months}
        return gettext("%(from)s–%(to)s mdr.") % months
    if name == "first_deadline_days":
        if rule.first_deadline_days is None:
            return "—"
        return gettext("%(days)s dage") % {"days": rule.first_deadline_days}
    if name == "cadence":
        return gettext(CADENCE_LABELS.get(rule.mode, rule.mode))
    if name == "applies_when":
        return gettext(APPLIES_WHEN_LABELS.get(rule.applies_when, rule.applies_when))
    if name == "recurring_every_months":
        every = rule.recurring_every_months
        if every is None:
            return "—"
        if rule.mode == "rolling":
            return gettext("senest %(n)s måneder efter seneste kontakt") % {"n": every}
        return gettext("hver måned") if every == 1 else gettext("hver %(n)s. måned") % {"n": every}
    if name == "performed_by":
        return gettext(PERFORMER_LABELS.get(rule.performed_by, rule.performed_by))
    if name == "channels":
        return ", ".join(gettext(CHANNEL_LABELS.get(c, c)) for c in rule.channels) or "—"
    if name == "quota_pct":
        return f"{rule.quota_pct} %"
    if name == "exemptable":
        return gettext("Ja") if rule.exemptable else gettext("Nej")
    if name == "legal_reference":
        return rule.legal_reference or "—"
    raise KeyError(name)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    left: str
    right: str
    changed: bool


@dataclass(frozen=True)
class RuleDiff:
    key: str
    left: RuleSpec | None
    right: RuleSpec | None
    status: str  # same | changed | new | removed
    fields: tuple[FieldDiff, ...]

    @property
    def provisional(self) -> bool:
        return any(r is not None and r.provisional for r in (self.left, self.right))

    @property
    def label(self) -> str:
        rule = self.right or self.left
        assert rule is not None  # a diff row has at least one side
        return f"{gettext(KIND_LABELS.get(rule.kind, rule.kind))}: {self.key}"


@dataclass(frozen=True)
class GroupDiff:
    code: str
    name: str
    rules: tuple[RuleDiff, ...]
    mapped_to: str | None = None  # the 2027 group whose rules the later set applies
    mapped_to_name: str = ""

    @property
    def changed(self) -> bool:
        return any(r.status != SAME for r in self.rules)


def rule_key(rule: RuleSpec) -> str:
    return rule.code.split(".", 1)[1] if "." in rule.code else rule.code


def diff_rules(left: tuple[RuleSpec, ...], right: tuple[RuleSpec, ...]) -> tuple[RuleDiff, ...]:
    """Pair rules on their key; left-only rules are removed, right-only new (right's order first)."""
    lefts = {rule_key(r): r for r in left}
    rights = {rule_key(r): r for r in right}
    keys = list(rights) + [k for k in lefts if k not in rights]
    out = []
    for key in keys:
        a, b = lefts.get(key), rights.get(key)
        fields = tuple(
            FieldDiff(
                name=name,
                label=gettext(label),
                left=display(a, name),
                right=display(b, name),
                changed=a is not None and b is not None and _raw(a, name) != _raw(b, name),
            )
            for name, label in FIELDS
        )
        if a is None:
            status = NEW
        elif b is None:
            status = REMOVED
        elif any(f.changed and f.name in SUBSTANTIVE for f in fields):
            status = CHANGED
        else:
            status = SAME
        out.append(RuleDiff(key=key, left=a, right=b, status=status, fields=fields))
    return tuple(out)


def compare_rule_sets(book: RuleBook, left: RuleSetSpec | str, right: RuleSetSpec | str) -> list[GroupDiff]:
    """Per target group the paired rules of two sets; groups without rules in either are left out.

    When either set addresses the pre-2027 groups, the comparison runs over those groups (a
    2027 set's rules reach them through the group mapping); otherwise over the 2027 groups.
    """
    left_set = book.rule_set(left) if isinstance(left, str) else left
    right_set = book.rule_set(right) if isinstance(right, str) else right
    generations = {book.generation_of(left_set), book.generation_of(right_set)} - {None}
    generation = "pre-2027" if "pre-2027" in generations or not generations else "2027"
    result = []
    for group in book.target_groups:
        if group.generation != generation:
            continue
        a = book.rules_for(left_set, group.code)
        b = book.rules_for(right_set, group.code)
        if not a and not b:
            continue
        mapped = None
        if "2027" in generations and generation != "2027":
            mapped = book.group_mapping.get(group.code)
        mapped_name = book.target_group(mapped).name_da if mapped and book.has_target_group(mapped) else ""
        result.append(
            GroupDiff(
                code=group.code,
                name=group.name_da,
                rules=diff_rules(a, b),
                mapped_to=mapped,
                mapped_to_name=mapped_name,
            )
        )
    return result
