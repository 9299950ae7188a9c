"""The rule book is rebuilt only when a rule, rule set or target group changes, and finding out
whether one did costs one query (it runs on every citizen page and report)."""

from datetime import date

from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.selectors import current_rulebook


def test_an_unchanged_rule_book_costs_one_query(db, django_assert_num_queries):
    book = current_rulebook()
    with django_assert_num_queries(1):
        assert current_rulebook() is book


def test_every_kind_of_rule_change_rebuilds_the_book(db):
    rule_set = RuleSet.objects.get(code="reform-2026")
    rule = ContactRule.objects.filter(rule_set=rule_set).order_by("pk").first()
    book = current_rulebook()

    rule.count += 1
    rule.save()
    edited = current_rulebook()
    assert edited is not book
    changed = next(r for r in edited.rule_set(rule_set.code).rules if r.code == rule.code)
    assert changed.count == rule.count

    group = TargetGroup.objects.get(code=rule.target_group.code)
    group.name_en = "Renamed in English"
    group.save()
    renamed = current_rulebook()
    assert renamed is not edited
    assert renamed.target_group(group.code).name_en == "Renamed in English"

    rule_set.valid_to = date(2040, 1, 1)
    rule_set.save()
    assert current_rulebook().rule_set(rule_set.code).valid_to == date(2040, 1, 1)

    rule_count = len(current_rulebook().rule_set(rule_set.code).rules)
    rule.delete()
    assert len(current_rulebook().rule_set(rule_set.code).rules) == rule_count - 1
