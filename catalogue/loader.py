"""Install a RuleBook (the shipped JSON, or an admin's import) into the catalogue tables.

Takes the model classes as arguments so that a data migration can pass its historical models.
Idempotent: rows are matched on their codes and updated in place.
"""

from catalogue.rulebook import RULE_VALUE_FIELDS, RuleBook


def install_rulebook(book: RuleBook, *, TargetGroup, RuleSet, ContactRule) -> None:  # noqa: N803
    groups = {}
    for spec in book.target_groups:
        groups[spec.code], _ = TargetGroup.objects.update_or_create(
            code=spec.code,
            defaults={
                "name_da": spec.name_da,
                "name_en": spec.name_en,
                "description": spec.description,
                "legal_basis": spec.legal_basis,
                "benefits": spec.benefits,
                "generation": spec.generation,
                "provisional": spec.provisional,
            },
        )
    for old, new in book.group_mapping.items():
        TargetGroup.objects.filter(pk=groups[old].pk).update(maps_to=groups[new])
    for spec in book.rule_sets:
        rule_set, _ = RuleSet.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "status": spec.status,
                "kind": spec.kind,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "note": spec.note,
                "provisional": spec.provisional,
            },
        )
        for position, rule in enumerate(spec.rules):
            ContactRule.objects.update_or_create(
                rule_set=rule_set,
                code=rule.code,
                defaults={
                    **{name: getattr(rule, name) for name in RULE_VALUE_FIELDS},
                    "channels": list(rule.channels),
                    "target_group": groups[rule.target_group],
                    "position": position,
                },
            )
