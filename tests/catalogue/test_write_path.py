"""One write path for rules: the admin and the API go through catalogue.services, so the same rule
holds everywhere (an active set may be edited while it still passes the activation checks) and
every change announces the target groups it touched, once."""

import pytest

from catalogue.models import ContactRule, RuleSet
from catalogue.signals import rules_changed
from tests.api.conftest import api_for
from tests.catalogue.test_admin import client_for, rule_post_data

pytestmark = pytest.mark.django_db
RULE = "kh-jobparat.jobsamtaler-0-6-mdr"


@pytest.fixture
def heard():
    got: list = []

    def listen(sender, target_groups, **kwargs):
        got.append(target_groups)

    rules_changed.connect(listen, dispatch_uid="test-write-path")
    yield got
    rules_changed.disconnect(dispatch_uid="test-write-path")


def _rule() -> ContactRule:
    return ContactRule.objects.get(rule_set__code="reform-2026", code=RULE)


def test_the_api_edits_an_active_rule_like_the_admin_and_announces_its_group(
    ada, heard, django_capture_on_commit_callbacks
):
    rule = _rule()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(ada).patch(f"/api/v1/contact-rules/{rule.pk}/", {"quota_pct": 80}, format="json")
    assert response.status_code == 200, response.json()
    assert _rule().quota_pct == 80
    assert _rule().history.first().history_user == ada.user
    assert heard == [frozenset({"kh-jobparat"})]


def test_the_admin_edit_announces_the_same_way(client, ada, heard, django_capture_on_commit_callbacks):
    rule = _rule()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, ada).post(
            f"/admin/catalogue/contactrule/{rule.pk}/change/", rule_post_data(rule, quota_pct=80)
        )
    assert response.status_code == 302
    assert heard == [frozenset({"kh-jobparat"})]


def test_a_draft_edit_announces_nothing(ada, heard, django_capture_on_commit_callbacks):
    draft = RuleSet.objects.create(code="kladde", name="Kladde", status="draft", kind="local",
                                   valid_from="2026-07-01")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(ada).post(
            "/api/v1/contact-rules/",
            {"rule_set": draft.pk, "code": "x.y", "target_group": "kh-jobparat", "kind": "jobsamtale",
             "count": 1, "window_from_months": 0, "window_to_months": 6, "channels": ["fremmoede"],
             "legal_reference": "LAB § 31"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert heard == []


def test_an_active_set_cannot_lose_its_last_rule(client, ada, heard, django_capture_on_commit_callbacks):
    rule_set = RuleSet.objects.get(code="reform-2026")
    keep = rule_set.rules.first()
    rule_set.rules.exclude(pk=keep.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, ada).post(
            f"/admin/catalogue/contactrule/{keep.pk}/delete/", {"post": "yes"}, follow=True
        )
    assert ContactRule.objects.filter(pk=keep.pk).exists()
    assert "har ingen kontaktregler" in response.content.decode()
    assert heard == []
