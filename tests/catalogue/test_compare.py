from dataclasses import replace

import pytest
from django.urls import reverse

from catalogue.compare import CHANGED, NEW, REMOVED, SAME, compare_rule_sets, diff_rules, display
from catalogue.rulebook import load_rulebook
from tests.conftest import client_for


@pytest.fixture(scope="module")
def book():
    return load_rulebook()


def group(diffs, code):
    return next(g for g in diffs if g.code == code)


def test_kh_jobparat_quota_and_exemption_changed_between_lab_2024_and_reform_2026(book):
    g = group(compare_rule_sets(book, "lab-2024", "reform-2026"), "kh-jobparat")
    talks = next(r for r in g.rules if r.key == "jobsamtaler-0-6-mdr")
    assert talks.status == CHANGED
    changed = {f.name: (f.left, f.right) for f in talks.fields if f.changed}
    assert changed["quota_pct"] == ("100 %", "75 %")
    assert changed["exemptable"] == ("Nej", "Ja")
    assert "count" not in changed
    assert g.changed


def test_only_a_new_legal_reference_is_not_a_change(book):
    g = group(compare_rule_sets(book, "lab-2024", "reform-2026"), "kh-jobparat")
    first = next(r for r in g.rules if r.key == "foerste-jobsamtale")
    assert first.status == SAME
    assert [f.name for f in first.fields if f.changed] == ["legal_reference"]
    assert first.provisional  # reform-2026's first-talk deadline is not confirmed


def test_pre_2027_groups_are_mapped_for_a_2027_set(book):
    diffs = compare_rule_sets(book, "reform-2026", "lab-2027")
    g = group(diffs, "kh-jobparat")
    assert g.mapped_to == "jobsoegning"
    assert g.mapped_to_name == book.target_group("jobsoegning").name_da
    assert {r.right.code for r in g.rules if r.right} == {
        r.code for r in book.rules_for("lab-2027", "kh-jobparat")
    }
    assert all(d.code != "jobsoegning" for d in diffs)  # compared over the pre-2027 groups


def test_two_2027_sets_compare_over_the_2027_groups(book):
    diffs = compare_rule_sets(book, "lab-2027", "lab-2027")
    assert {d.code for d in diffs} <= {g.code for g in book.target_groups if g.generation == "2027"}
    assert all(r.status == SAME for d in diffs for r in d.rules)


def test_new_and_removed_rules(book):
    rules = book.rules_for("reform-2026", "kh-jobparat")
    extra = replace(rules[0], code="kh-jobparat.ekstra")
    assert [d.status for d in diff_rules(rules, rules + (extra,))][-1] == NEW
    assert [d.status for d in diff_rules(rules + (extra,), rules)][-1] == REMOVED
    removed = diff_rules((extra,), ())[0]
    assert removed.right is None and all(f.right == "—" and not f.changed for f in removed.fields)


def test_display_texts(book):
    rule = book.rules_for("reform-2026", "kh-jobparat")[0]
    assert display(rule, "window") == "0–6 mdr."
    assert display(rule, "channels") == "Fremmøde"
    assert display(rule, "first_deadline_days") == "7 dage"
    assert display(replace(rule, window_to_months=None, recurring_every_months=12), "window") == (
        "fra 0. måned, uden slutning"
    )
    assert display(replace(rule, recurring_every_months=12), "recurring_every_months") == "hver 12. måned"


@pytest.mark.django_db
def test_compare_page_is_forbidden_for_caseworker_and_team_leader(client, alice, lea):
    for member in (alice, lea):
        assert client_for(client, member).get(reverse("catalogue:compare")).status_code == 403


@pytest.mark.django_db
def test_compare_page_marks_the_kh_jobparat_difference_for_admin(client, ada):
    response = client_for(client, ada).get(reverse("catalogue:compare"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="group-kh-jobparat"' in html
    section = html.split('id="group-kh-jobparat"')[1].split("</section>")[0]
    assert "Ændret" in section
    assert "<mark>75 %</mark>" in section
    assert "Foreløbig" in section
    assert 'class="form-select"' in html and 'for="id_left"' in html


@pytest.mark.django_db
def test_compare_page_with_chosen_sets_and_unknown_set(client, ada):
    c = client_for(client, ada)
    response = c.get(reverse("catalogue:compare"), {"left": "reform-2026", "right": "lab-2027"})
    assert response.status_code == 200
    assert "målgruppen <strong>Jobsøgningsindsats</strong>" in response.content.decode()
    bad = c.get(reverse("catalogue:compare"), {"left": "findes-ikke", "right": "lab-2027"})
    assert bad.status_code == 400


def test_rolling_and_fixed_semantics_are_shown_and_differ(book):
    """Issue 11: the admin picks the semantics per rule and the side-by-side diff shows it."""
    rolling = next(r for r in book.rule_set("lab-2027").rules if r.code == "jobhjaelp.kontakt-hver-12-mdr")
    assert display(rolling, "cadence") == "Rullende: højst N måneder mellem to kontakter"
    assert display(rolling, "recurring_every_months") == "senest 12 måneder efter seneste kontakt"
    fixed = replace(rolling, cadence="fixed")
    assert display(fixed, "cadence") == "Faste perioder fra start"
    (diff,) = diff_rules((fixed,), (rolling,))
    assert diff.status == "changed"
    assert [f.name for f in diff.fields if f.changed] == ["cadence"]
    assert [f.left for f in diff.fields if f.name == "recurring_every_months"] == ["hver 12. måned"]


def test_sick_benefit_scope_is_shown(book):
    rule = next(r for r in book.rule_set("reform-2026").rules
                if r.code == "sygedagpenge.opfoelgningssamtale-0-6-mdr")
    assert display(rule, "applies_when") == "Ikke ved forventet fravær under 26 uger"
