"""Reads of the catalogue: the rule book as the engine sees it, rebuilt only when rules change."""

from typing import Any

from django.db import connection

from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.rulebook import RULE_VALUE_FIELDS, RuleBook, rulebook_from_dict

_cache: dict[str, Any] = {"version": None, "book": None}


def _version_sql() -> str:
    # `Model.history` builds a new manager class on every access (simple-history), which costs
    # more than the query itself; the table names are fixed, so the SQL is built once.
    if "sql" not in _cache:
        latest = [
            f"(SELECT MAX(history_id) FROM {connection.ops.quote_name(model.history.model._meta.db_table)})"
            for model in (TargetGroup, RuleSet, ContactRule)
        ]
        count = f"(SELECT COUNT(*) FROM {connection.ops.quote_name(ContactRule._meta.db_table)})"
        _cache["sql"] = f"SELECT {', '.join(latest)}, {count}"
    return _cache["sql"]


def _rules_version() -> tuple:
    """Changes whenever any rule, rule set or target group is saved (each save adds a history row)
    or a rule is deleted. One round trip: it runs on every page that evaluates rules."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return tuple(cursor.fetchone())


def rulebook_as_dict() -> dict:
    groups = list(TargetGroup.objects.select_related("maps_to"))
    rules_by_set: dict[int, list[dict]] = {}
    for rule in ContactRule.objects.select_related("target_group").order_by(
        "rule_set_id", "position", "code"
    ):
        rules_by_set.setdefault(rule.rule_set_id, []).append(
            {
                "code": rule.code,
                "target_group": rule.target_group.code,
                **{name: getattr(rule, name) for name in RULE_VALUE_FIELDS},
            }
        )
    return {
        "target_groups": [
            {
                "code": g.code,
                "name_da": g.name_da,
                "name_en": g.name_en,
                "description": g.description,
                "legal_basis": g.legal_basis,
                "benefits": g.benefits,
                "generation": g.generation,
                "provisional": g.provisional,
                "closed_from": g.closed_from.isoformat() if g.closed_from else None,
                "closed_note": g.closed_note,
            }
            for g in groups
        ],
        "group_mapping": {g.code: g.maps_to.code for g in groups if g.maps_to is not None},
        "rule_sets": [
            {
                "code": rs.code,
                "name": rs.name,
                "status": rs.status,
                "kind": rs.kind,
                "valid_from": rs.valid_from.isoformat(),
                "valid_to": rs.valid_to.isoformat() if rs.valid_to else None,
                "note": rs.note,
                "provisional": rs.provisional,
                "illustrative": rs.illustrative,
                "transition": rs.transition,
                "transition_note": rs.transition_note,
                "teams_off": sorted(t.pk for t in rs.disabled_for_teams.all()),
                "rules": rules_by_set.get(rs.pk, []),
            }
            for rs in RuleSet.objects.prefetch_related("disabled_for_teams")
        ],
    }


def current_rulebook() -> RuleBook:
    """The rule book from the database, cached per process until a rule changes."""
    version = _rules_version()
    if _cache["version"] != version:
        _cache["book"] = rulebook_from_dict(rulebook_as_dict(), validate=False)
        _cache["version"] = version
    return _cache["book"]
