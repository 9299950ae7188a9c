"""Install a RuleBook (the shipped JSON, or an admin's import) into the catalogue tables.

Takes the model classes as arguments so that a data migration can pass its historical models.
Idempotent: rows are matched on their codes and updated in place.
"""

from catalogue.rulebook import RULE_VALUE_FIELDS, RuleBook


def _known(model, values: dict) -> dict:
    """Only the fields the (possibly historical, older) model has: an early migration installs
    today's JSON into yesterday's tables, and a later migration fills in the newer fields."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def _rule_values(rule, group) -> dict:
    return {
        **{name: getattr(rule, name) for name in RULE_VALUE_FIELDS},
        "cadence": rule.mode,
        "channels": list(rule.channels),
        "target_group": group,
    }


def _set_values(spec) -> dict:
    return {
        "name": spec.name,
        "status": spec.status,
        "kind": spec.kind,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "note": spec.note,
        "provisional": spec.provisional,
        "illustrative": spec.illustrative,
        "transition": spec.transition,
        "transition_note": spec.transition_note,
    }


def _group_values(spec) -> dict:
    return {
        "name_da": spec.name_da,
        "name_en": spec.name_en,
        "description": spec.description,
        "legal_basis": spec.legal_basis,
        "benefits": spec.benefits,
        "generation": spec.generation,
        "provisional": spec.provisional,
        "closed_from": spec.closed_from,
        "closed_note": spec.closed_note,
    }


def sync_shipped(book: RuleBook, *, TargetGroup, RuleSet, ContactRule,  # noqa: N803
                 group_fields: tuple[str, ...] = (), set_fields: tuple[str, ...] = (),
                 rules: tuple[tuple[str, str], ...] = (), whole_sets: tuple[str, ...] = ()) -> None:
    """Bring chosen parts of the shipped data up to date without touching the rest (an admin's
    edits to other rules stay): some fields of every group and set, some rules (set, code) and
    some whole sets. For data migrations."""
    groups = {g.code: g for g in TargetGroup.objects.all()}
    for spec in book.target_groups:
        values = _group_values(spec)
        if spec.code in groups and group_fields:
            TargetGroup.objects.filter(pk=groups[spec.code].pk).update(**{f: values[f] for f in group_fields})
    for spec in book.rule_sets:
        if spec.code in whole_sets:
            RuleSet.objects.update_or_create(code=spec.code, defaults=_known(RuleSet, _set_values(spec)))
        elif set_fields:
            values = _set_values(spec)
            RuleSet.objects.filter(code=spec.code).update(**{f: values[f] for f in set_fields})
    wanted = set(rules)
    for spec in book.rule_sets:
        rule_set = RuleSet.objects.filter(code=spec.code).first()
        if rule_set is None:
            continue
        for position, rule in enumerate(spec.rules):
            if spec.code in whole_sets or (spec.code, rule.code) in wanted:
                ContactRule.objects.update_or_create(
                    rule_set=rule_set,
                    code=rule.code,
                    defaults=_known(ContactRule, {**_rule_values(rule, groups[rule.target_group]),
                                                  "position": position}),
                )


def install_rulebook(book: RuleBook, *, TargetGroup, RuleSet, ContactRule) -> None:  # noqa: N803
    groups = {}
    for spec in book.target_groups:
        groups[spec.code], _ = TargetGroup.objects.update_or_create(
            code=spec.code, defaults=_known(TargetGroup, _group_values(spec))
        )
    for old, new in book.group_mapping.items():
        TargetGroup.objects.filter(pk=groups[old].pk).update(maps_to=groups[new])
    for spec in book.rule_sets:
        rule_set, _ = RuleSet.objects.update_or_create(
            code=spec.code, defaults=_known(RuleSet, _set_values(spec))
        )
        for position, rule in enumerate(spec.rules):
            ContactRule.objects.update_or_create(
                rule_set=rule_set,
                code=rule.code,
                defaults=_known(ContactRule, {**_rule_values(rule, groups[rule.target_group]),
                                              "position": position}),
            )
