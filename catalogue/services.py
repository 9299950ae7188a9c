"""Every write to the rules: target groups, rule sets and contact rules, from the admin, the API
and commands alike.

Each write runs in one transaction, is validated, records who did it (django-simple-history) and,
when it can change what citizens owe, announces the target groups it touched after commit
(``catalogue.signals.rules_changed``; the citizens app refreshes their stored obligations).
Bad input raises ValidationError with Danish messages before anything is saved.

The one rule for active sets: a rule of an active set may be edited, added or deleted (the
change is in the history and takes effect at once), as long as the set still passes the
activation checks afterwards; an active set is never deleted, it is retired.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.rulebook import RuleSpec, validate_rule
from catalogue.signals import announce_rules_changed


def contact_rule_spec(rule: ContactRule) -> RuleSpec:
    """The pure spec of a rule row, as the engine and ``validate_rule`` see it."""
    channels = rule.channels if isinstance(rule.channels, list | tuple) else ()
    return RuleSpec(
        code=rule.code,
        target_group=rule.target_group.code if rule.target_group_id else "",
        kind=rule.kind,
        count=rule.count if rule.count is not None else 0,
        window_from_months=rule.window_from_months if rule.window_from_months is not None else 0,
        window_to_months=rule.window_to_months,
        first_deadline_days=rule.first_deadline_days,
        recurring_every_months=rule.recurring_every_months,
        performed_by=rule.performed_by,
        channels=tuple(channels),
        quota_pct=rule.quota_pct if rule.quota_pct is not None else 100,
        exemptable=rule.exemptable,
        legal_reference=rule.legal_reference or "",
        note=rule.note,
        provisional=rule.provisional,
        cadence=rule.cadence or None,
        applies_when=rule.applies_when or "always",
    )


def schedule_obligation_refresh(target_groups: Iterable[str] | None = None) -> None:
    """Announce a rule change for these target groups (None: all) after commit."""
    announce_rules_changed(target_groups)


def _groups_of(rule_set: RuleSet) -> set[str]:
    return set(rule_set.rules.values_list("target_group__code", flat=True))


def _is_active(rule_set: RuleSet | None) -> bool:
    return rule_set is not None and rule_set.status == RuleSet.Status.ACTIVE


def _check_still_valid(rule_set: RuleSet) -> None:
    """An active set must pass the activation checks after every change (rolled back if not)."""
    if _is_active(rule_set):
        errors = rule_set_errors(rule_set)
        if errors:
            raise ValidationError(errors)


def _save_as(obj, user, **kwargs) -> None:
    obj._history_user = user
    obj.save(**kwargs)


def _delete_as(obj, user) -> None:
    obj._history_user = user  # django-simple-history records who deleted it
    obj.delete()


def rule_set_errors(rule_set: RuleSet) -> list[str]:
    """Why this set cannot be active: overlapping active statutory sets and contradicting rules."""
    errors: list[str] = []
    if rule_set.valid_to is not None and rule_set.valid_to < rule_set.valid_from:
        errors.append(f"Regelsæt '{rule_set.code}': gyldig til ligger før gyldig fra.")
    if rule_set.kind == RuleSet.Kind.STATUTORY:
        for other in rule_set.overlapping_active_statutory():
            errors.append(RuleSet.overlap_message(other))
    rules = list(rule_set.rules.select_related("target_group"))
    if rule_set.kind == RuleSet.Kind.LOCAL:
        errors.extend(_local_overlaps(rule_set, {r.code for r in rules}))
    if not rules:
        errors.append(f"Regelsæt '{rule_set.code}' har ingen kontaktregler.")
    for rule in rules:
        errors.extend(validate_rule(contact_rule_spec(rule)))
    return errors


def _local_overlaps(rule_set: RuleSet, codes: set[str]) -> list[str]:
    """Two active local service levels with the same rule at the same time would count it twice
    (a copy of an active local set replaces it: retire the old one first). Different local rules
    for the same group may be layered together."""
    others = RuleSet.objects.filter(kind=RuleSet.Kind.LOCAL, status=RuleSet.Status.ACTIVE)
    others = others.exclude(pk=rule_set.pk)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=rule_set.valid_from))
    if rule_set.valid_to is not None:
        others = others.filter(valid_from__lte=rule_set.valid_to)
    errors = []
    for other in others.filter(rules__code__in=codes).distinct():
        errors.append(
            f"Det aktive lokale serviceniveau '{other.code}' har de samme regler i samme periode. "
            "Sæt det udgået eller ret perioden først."
        )
    return errors


@transaction.atomic
def rule_set_activate(*, rule_set: RuleSet, user) -> None:
    """Make a draft (or retired) set active; refuse overlaps and self-contradicting rules."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.status == RuleSet.Status.ACTIVE:
        raise ValidationError(f"Regelsættet '{rule_set.code}' er allerede aktivt.")
    errors = rule_set_errors(rule_set)
    if errors:
        raise ValidationError(errors)
    rule_set.status = RuleSet.Status.ACTIVE
    _save_as(rule_set, user, update_fields=["status"])
    announce_rules_changed(_groups_of(rule_set))


@transaction.atomic
def rule_set_retire(*, rule_set: RuleSet, user) -> None:
    """Take an active set out of use; its rules no longer create obligations."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.status != RuleSet.Status.ACTIVE:
        raise ValidationError(
            f"Kun et aktivt regelsæt kan sættes som udgået ('{rule_set.code}' er ikke aktivt)."
        )
    rule_set.status = RuleSet.Status.RETIRED
    _save_as(rule_set, user, update_fields=["status"])
    announce_rules_changed(_groups_of(rule_set))


@transaction.atomic
def rule_set_set_teams_off(*, rule_set: RuleSet, teams, user) -> RuleSet:
    """Switch a local service level off for these teams (and on for all others)."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.kind != RuleSet.Kind.LOCAL:
        raise ValidationError(
            {"disabled_for_teams": "Kun et lokalt serviceniveau kan slås fra pr. team; lovkrav gælder altid."}
        )
    rule_set.disabled_for_teams.set(teams)
    _save_as(rule_set, user)  # a history row, so the cached rule book is rebuilt
    if rule_set.status == RuleSet.Status.ACTIVE:
        schedule_obligation_refresh()
    return rule_set


def _free_code(base: str) -> str:
    max_length = RuleSet._meta.get_field("code").max_length or 40
    code, n = base[:max_length], 2
    while RuleSet.objects.filter(code=code).exists():
        suffix = f"-{n}"
        code, n = base[: max_length - len(suffix)] + suffix, n + 1
    return code


@transaction.atomic
def rule_set_copy_as_draft(*, rule_set: RuleSet, user) -> RuleSet:
    """A local draft copy (``<code>-lokal``) with all rules, ``based_on`` the original."""
    copy = RuleSet(
        code=_free_code(f"{rule_set.code}-lokal"),
        name=f"{rule_set.name} (lokal kladde)",
        status=RuleSet.Status.DRAFT,
        kind=RuleSet.Kind.LOCAL,
        valid_from=rule_set.valid_from,
        valid_to=rule_set.valid_to,
        based_on=rule_set,
        note=rule_set.note,
        provisional=rule_set.provisional,
        illustrative=rule_set.illustrative,
        transition=rule_set.transition,
        transition_note=rule_set.transition_note,
    )
    _save_as(copy, user)
    copy.disabled_for_teams.set(rule_set.disabled_for_teams.all())
    for rule in rule_set.rules.all():
        rule.pk = rule.id = None
        rule._state.adding = True
        rule.rule_set = copy
        _save_as(rule, user)
    return copy


@transaction.atomic
def contact_rule_update(*, rule: ContactRule, user, **fields) -> ContactRule:
    """Change fields of a rule; validated like the admin form; announced if the set is in use."""
    for name, value in fields.items():
        setattr(rule, name, value)
    return contact_rule_save(rule=rule, user=user)


@transaction.atomic
def contact_rule_save(*, rule: ContactRule, user) -> ContactRule:
    """Create or change a rule (admin form, admin inline, API): validated field by field, and the
    set(s) it is in or leaves must still pass the activation checks when active."""
    before = (
        ContactRule.objects.select_related("rule_set", "target_group").filter(pk=rule.pk).first()
        if rule.pk
        else None
    )
    rule.full_clean()
    _save_as(rule, user)
    touched: set[str] = set()
    for version in (before, rule):
        if version is not None and _is_active(RuleSet.objects.get(pk=version.rule_set_id)):
            touched.add(version.target_group.code)
    _check_still_valid(RuleSet.objects.get(pk=rule.rule_set_id))
    if before is not None and before.rule_set_id != rule.rule_set_id:
        _check_still_valid(before.rule_set)
    announce_rules_changed(touched)
    return rule


@transaction.atomic
def contact_rule_delete(*, rule: ContactRule, user) -> None:
    """Delete a rule; an active set must keep passing the activation checks (e.g. keep a rule)."""
    rule_set = RuleSet.objects.get(pk=rule.rule_set_id)
    group = rule.target_group.code
    _delete_as(rule, user)
    _check_still_valid(rule_set)
    if _is_active(rule_set):
        announce_rules_changed({group})


@transaction.atomic
def contact_rules_apply(*, save: Iterable[ContactRule], delete: Iterable[ContactRule], user) -> None:
    """Several rule writes at once (the admin's inline rows): each through the services above."""
    for rule in delete:
        contact_rule_delete(rule=rule, user=user)
    for rule in save:
        contact_rule_save(rule=rule, user=user)


@transaction.atomic
def rule_set_save(*, rule_set: RuleSet, user) -> RuleSet:
    """Create or change a set's own fields (name, validity, ...; never its status, see activate and
    retire). A change of an active set's validity changes obligations of all its groups."""
    rule_set.full_clean()
    _save_as(rule_set, user)
    if _is_active(rule_set):
        _check_still_valid(rule_set)
        announce_rules_changed(_groups_of(rule_set))
    return rule_set


@transaction.atomic
def rule_set_delete(*, rule_set: RuleSet, user) -> None:
    """Delete a draft or retired set (with its rules); an active set is retired instead."""
    if _is_active(RuleSet.objects.get(pk=rule_set.pk)):
        raise ValidationError(
            f"Det aktive regelsæt '{rule_set.code}' kan ikke slettes. Sæt det som udgået i stedet."
        )
    for rule in rule_set.rules.all():
        _delete_as(rule, user)
    _delete_as(rule_set, user)


@transaction.atomic
def target_group_save(*, group: TargetGroup, user) -> TargetGroup:
    """Create or change a target group; its mapping to a 2027 group decides which rules apply."""
    before = TargetGroup.objects.filter(pk=group.pk).values_list("code", flat=True).first()
    group.full_clean()
    _save_as(group, user)
    announce_rules_changed({group.code} | ({before} if before else set()))
    return group
