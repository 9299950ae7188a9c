from datetime import date

import pytest
from django.contrib.messages import get_messages

from catalogue.models import ContactRule, RuleSet, TargetGroup
from tests.conftest import client_for


def action(client, name: str, *rule_sets: RuleSet):
    return client.post(
        "/admin/catalogue/ruleset/",
        {"action": name, "_selected_action": [rs.pk for rs in rule_sets]},
        follow=True,
    )


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]


def rule_post_data(rule: ContactRule, **changes) -> dict:
    data = {
        "rule_set": rule.rule_set_id,
        "code": rule.code,
        "target_group": rule.target_group_id,
        "kind": rule.kind,
        "count": rule.count,
        "window_from_months": rule.window_from_months,
        "window_to_months": rule.window_to_months or "",
        "first_deadline_days": rule.first_deadline_days or "",
        "recurring_every_months": rule.recurring_every_months or "",
        "cadence": rule.cadence,
        "applies_when": rule.applies_when,
        "performed_by": rule.performed_by,
        "channels": rule.channels,
        "quota_pct": rule.quota_pct,
        "legal_reference": rule.legal_reference,
        "note": rule.note,
        "position": rule.position,
    }
    if rule.exemptable:
        data["exemptable"] = "on"
    data.update(changes)
    return data


@pytest.mark.django_db
def test_rule_set_change_page_renders_for_admin(client, ada):
    rs = RuleSet.objects.get(code="reform-2026")
    response = client_for(client, ada).get(f"/admin/catalogue/ruleset/{rs.pk}/change/")
    assert response.status_code == 200
    assert "kh-jobparat.foerste-jobsamtale" in response.content.decode()


@pytest.mark.django_db
def test_caseworker_and_team_leader_cannot_use_the_admin(client, alice, lea):
    for member in (alice, lea):
        member.user.is_staff = True  # even if someone made them staff by mistake
        member.user.save()
        response = client_for(client, member).get("/admin/catalogue/ruleset/")
        assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_copy_as_draft_action(client, ada):
    original = RuleSet.objects.get(code="lab-2024")
    response = action(client_for(client, ada), "copy_as_draft", original)
    copy = RuleSet.objects.get(code="lab-2024-lokal")
    assert copy.based_on == original and copy.status == "draft" and copy.kind == "local"
    assert copy.rules.count() == original.rules.count()
    assert any("lab-2024-lokal" in m for m in message_texts(response))


@pytest.mark.django_db
def test_activate_action_shows_the_refusal(client, ada):
    rs = RuleSet.objects.create(code="overlap", name="Overlap", valid_from=date(2026, 8, 1))
    ContactRule.objects.create(
        rule_set=rs, code="x.y", target_group=TargetGroup.objects.get(code="dagpenge"), kind="jobsamtale",
        count=0, window_from_months=0, window_to_months=6, channels=["telefon"], legal_reference="L § 1",
    )
    response = action(client_for(client, ada), "activate", rs)
    messages = message_texts(response)
    assert any("'overlap' kan ikke aktiveres" in m and "'reform-2026'" in m for m in messages)
    assert any("antal kontakter skal være mindst 1" in m for m in messages)
    assert RuleSet.objects.get(pk=rs.pk).status == "draft"


@pytest.mark.django_db
def test_admin_edit_records_history_user_and_refreshes(client, ada, django_capture_on_commit_callbacks):
    rule = ContactRule.objects.get(rule_set__code="reform-2026", code="kh-jobparat.jobsamtaler-0-6-mdr")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(client, ada).post(
            f"/admin/catalogue/contactrule/{rule.pk}/change/", rule_post_data(rule, quota_pct=80)
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    assert rule.quota_pct == 80
    assert rule.history.first().history_user == ada.user
    assert len(callbacks) == 1  # citizens.tasks.refresh_all_obligations


@pytest.mark.django_db
def test_admin_form_shows_self_contradiction_next_to_the_field(client, ada):
    rule = ContactRule.objects.get(rule_set__code="reform-2026", code="kh-jobparat.jobsamtaler-0-6-mdr")
    response = client_for(client, ada).post(
        f"/admin/catalogue/contactrule/{rule.pk}/change/",
        rule_post_data(rule, window_from_months=6, window_to_months=3),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "ligger ikke efter dets start" in errors["window_to_months"][0]


@pytest.mark.django_db
def test_status_is_not_editable_in_the_form(client, ada):
    rs = RuleSet.objects.get(code="reform-2026")
    response = client_for(client, ada).get(f"/admin/catalogue/ruleset/{rs.pk}/change/")
    assert 'name="status"' not in response.content.decode()


@pytest.mark.django_db
def test_admin_picks_rolling_semantics_and_sees_contradictions(client, ada):
    """Issue 11: the admin chooses how a rule counts; a rolling rule needs one contact at a time."""
    rule = ContactRule.objects.get(rule_set__code="lab-2027", code="jobhjaelp.kontakt-hver-12-mdr")
    assert rule.cadence == "rolling"  # shipped by the data migration
    response = client_for(client, ada).post(
        f"/admin/catalogue/contactrule/{rule.pk}/change/", rule_post_data(rule, count=2)
    )
    assert response.status_code == 200
    assert "en rullende regel gælder én kontakt ad gangen" in response.content.decode()
    rule.refresh_from_db()
    assert rule.count == 1


@pytest.mark.django_db
def test_shipped_local_set_is_active_illustrative_and_provisional():
    local = RuleSet.objects.get(code="lokal-jobparat-3-mdr")
    assert (local.kind, local.status) == ("local", "active")
    assert local.illustrative and local.provisional
    assert set(local.rules.values_list("cadence", flat=True)) == {"rolling"}
    yearly = ContactRule.objects.filter(recurring_every_months=12)
    assert yearly and set(yearly.values_list("cadence", flat=True)) == {"rolling"}
    assert RuleSet.objects.get(code="lab-2027").transition == "window_start"
    assert TargetGroup.objects.get(code="ressourceforloeb").closed_from == date(2026, 2, 1)
