"""Install a RuleBook (the shipped JSON, or an admin's import) into the catalogue tables.

Takes the model classes as arguments so that a data migration can pass its historical models.
Idempotent: rows are matched on their codes and updated in place.
"""

from catalogue.rulebook import RuleBook


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
                    "target_group": groups[rule.target_group],
                    "kind": rule.kind,
                    "count": rule.count,
                    "window_from_months": rule.window_from_months,
                    "window_to_months": rule.window_to_months,
                    "first_deadline_days": rule.first_deadline_days,
                    "recurring_every_months": rule.recurring_every_months,
                    "performed_by": rule.performed_by,
                    "channels": list(rule.channels),
                    "quota_pct": rule.quota_pct,
                    "exemptable": rule.exemptable,
                    "legal_reference": rule.legal_reference,
                    "note": rule.note,
                    "provisional": rule.provisional,
                    "position": position,
                },
            )
