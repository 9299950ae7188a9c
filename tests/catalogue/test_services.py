from datetime import date

import pytest
from django.core.exceptions import ValidationError

from catalogue import services
from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.selectors import current_rulebook
from citizens.models import Citizen, Enrolment, Obligation
from jobcenter.models import Team


def draft_set(code="lokal-test", kind=RuleSet.Kind.STATUTORY, valid_from=date(2030, 1, 1), valid_to=None,
              **rule_fields) -> RuleSet:
    rs = RuleSet.objects.create(code=code, name="Test", kind=kind, valid_from=valid_from, valid_to=valid_to)
    fields = {
        "code": "jobsoegning.test",
        "target_group": TargetGroup.objects.get(code="jobsoegning"),
        "kind": "jobsamtale",
        "count": 1,
        "window_from_months": 0,
        "window_to_months": 6,
        "channels": ["fremmoede"],
        "quota_pct": 100,
        "legal_reference": "Testlov § 1",
        **rule_fields,
    }
    ContactRule.objects.create(rule_set=rs, **fields)
    return rs


def activation_errors(rule_set, user=None) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        services.rule_set_activate(rule_set=rule_set, user=user)
    rule_set.refresh_from_db()
    assert rule_set.status == RuleSet.Status.DRAFT
    return exc.value.messages


@pytest.mark.django_db
def test_a_consistent_non_overlapping_set_activates(ada):
    rs = draft_set(valid_from=date(2024, 1, 1), valid_to=date(2026, 6, 30))
    RuleSet.objects.filter(code="lab-2024").update(status=RuleSet.Status.RETIRED)
    services.rule_set_activate(rule_set=rs, user=ada.user)
    rs.refresh_from_db()
    assert rs.status == RuleSet.Status.ACTIVE
    assert rs.history.first().history_user == ada.user


@pytest.mark.django_db
def test_activation_refuses_overlapping_active_statutory_set(ada):
    rs = draft_set(valid_from=date(2026, 10, 1), valid_to=date(2027, 3, 31))
    errors = activation_errors(rs, ada.user)
    assert any("overlapper det aktive lovkrav 'reform-2026'" in e for e in errors)
    assert any("overlapper det aktive lovkrav 'lab-2027'" in e for e in errors)
    assert not any("lab-2024" in e for e in errors)


@pytest.mark.django_db
def test_a_local_set_may_overlap_the_statutory_ones(ada):
    rs = draft_set(kind=RuleSet.Kind.LOCAL, valid_from=date(2026, 10, 1))
    services.rule_set_activate(rule_set=rs, user=ada.user)
    assert RuleSet.objects.get(pk=rs.pk).status == RuleSet.Status.ACTIVE


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"window_from_months": 6, "window_to_months": 3, "first_deadline_days": None},
         "vinduets slutning (3 mdr.) ligger ikke efter dets start (6 mdr.)"),
        ({"count": 0}, "antal kontakter skal være mindst 1 (fik 0)"),
        ({"quota_pct": 120}, "kvoten skal ligge mellem 0 og 100 % (fik 120)"),
        ({"channels": []}, "mindst én kanal skal tælle med"),
        ({"legal_reference": " "}, "mangler lovhenvisning"),
        ({"window_to_months": None}, "et vindue uden slutning kræver en gentagelse"),
    ],
)
@pytest.mark.django_db
def test_activation_refuses_self_contradicting_rules(ada, fields, message):
    rs = draft_set(**fields)
    errors = activation_errors(rs, ada.user)
    assert any(message in e and "Regel 'jobsoegning.test'" in e for e in errors), errors


@pytest.mark.django_db
def test_activating_an_active_set_is_refused():
    with pytest.raises(ValidationError, match="allerede aktivt"):
        services.rule_set_activate(rule_set=RuleSet.objects.get(code="lab-2027"), user=None)


@pytest.mark.django_db
def test_contact_rule_clean_puts_errors_next_to_fields():
    rs = draft_set()
    rule = rs.rules.get()
    rule.window_from_months, rule.window_to_months, rule.first_deadline_days = 6, 3, 7
    rule.count = 0
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    errors = exc.value.message_dict
    assert "ligger ikke efter" in errors["window_to_months"][0]
    assert "kræver, at vinduet starter ved 0" in errors["first_deadline_days"][0]
    assert "mindst 1" in errors["count"][0]


@pytest.mark.django_db
def test_copy_as_draft_copies_rules_and_links_the_original(ada):
    original = RuleSet.objects.get(code="reform-2026")
    copy = services.rule_set_copy_as_draft(rule_set=original, user=ada.user)
    assert (copy.code, copy.kind, copy.status) == ("reform-2026-lokal", "local", "draft")
    assert copy.based_on == original
    assert copy.history.first().history_user == ada.user
    originals = list(original.rules.values_list("code", "count", "quota_pct", "target_group__code"))
    assert list(copy.rules.values_list("code", "count", "quota_pct", "target_group__code")) == originals
    assert original.rules.count() == len(originals)  # the original keeps its rules
    second = services.rule_set_copy_as_draft(rule_set=original, user=ada.user)
    assert second.code == "reform-2026-lokal-2"


@pytest.mark.django_db
def test_history_records_who_changed_a_rule(ada):
    rule = ContactRule.objects.get(rule_set__code="reform-2026", code="kh-jobparat.jobsamtaler-0-6-mdr")
    services.contact_rule_update(rule=rule, user=ada.user, quota_pct=80)
    latest = rule.history.first()
    assert latest.history_user == ada.user
    assert latest.quota_pct == 80
    assert ContactRule.objects.get(pk=rule.pk).quota_pct == 80


@pytest.mark.django_db
def test_contact_rule_update_validates_before_saving(ada):
    rule = ContactRule.objects.get(rule_set__code="reform-2026", code="kh-jobparat.jobsamtaler-0-6-mdr")
    with pytest.raises(ValidationError):
        services.contact_rule_update(rule=rule, user=ada.user, count=0)
    assert ContactRule.objects.get(pk=rule.pk).count == 3


@pytest.fixture
def citizen_in_kh_jobparat(db, monkeypatch):
    monkeypatch.setattr("citizens.refresh.today", lambda: date(2026, 7, 2))
    team = Team.objects.create(name="Team Test")
    citizen = Citizen.objects.create(cpr="0101901234", first_name="Test", last_name="Borger", team=team)
    Enrolment.objects.create(
        citizen=citizen, target_group=TargetGroup.objects.get(code="kh-jobparat"), start=date(2026, 7, 1)
    )
    from citizens.refresh import refresh_all

    refresh_all()
    citizen.refresh_from_db()
    assert citizen.next_due == date(2026, 7, 8)  # first talk within 7 days of the start
    return citizen


def test_a_rule_change_refreshes_stored_obligations(citizen_in_kh_jobparat, ada,
                                                    django_capture_on_commit_callbacks):
    rule = ContactRule.objects.get(rule_set__code="reform-2026", code="kh-jobparat.foerste-jobsamtale")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.contact_rule_update(rule=rule, user=ada.user, first_deadline_days=14)
    assert len(callbacks) == 1
    citizen_in_kh_jobparat.refresh_from_db()
    assert citizen_in_kh_jobparat.next_due == date(2026, 7, 15)


def test_retiring_a_set_refreshes_stored_obligations(citizen_in_kh_jobparat, ada,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_set_retire(rule_set=RuleSet.objects.get(code="reform-2026"), user=ada.user)
    assert current_rulebook().in_force(date(2026, 7, 2)) is None
    citizen_in_kh_jobparat.refresh_from_db()
    # No statutory obligation is left; only the local service level (layered on lab-2027 from
    # 1.1.2027: a talk within 3 months of month 6) remains.
    stored = Obligation.objects.filter(enrolment__citizen=citizen_in_kh_jobparat)
    assert not stored.filter(local=False).exists()
    assert [o.latest for o in stored] == [date(2027, 4, 1)]
    assert citizen_in_kh_jobparat.next_due == date(2027, 4, 1)
