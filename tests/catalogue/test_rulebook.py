"""The shipped rule data (catalogue/data/rules.json) and the rulebook helpers.

Facts are from shared/domain/reform-rules.md, Part A.2 and Part B §1.2, §1.3, §2.2, §2.3.
"""

from dataclasses import replace
from datetime import date

import pytest

from catalogue.rulebook import (
    CHANNEL_LABELS,
    CHANNELS,
    KIND_LABELS,
    KINDS,
    OUTCOME_LABELS,
    OUTCOMES,
    STATUS_LABELS,
    STATUSES,
    RuleBookError,
    RuleSpec,
    load_rulebook,
    rulebook_from_dict,
    validate_rule,
)

PRE_2027 = {
    "dagpenge", "kh-jobparat", "kh-aktivitetsparat", "uh-uddannelsesparat", "uh-aktivitetsparat",
    "sygedagpenge", "jobafklaring", "ressourceforloeb", "ledighedsydelse", "revalidering",
    "foertidspension", "selvforsoergende", "unge-under-18",
}
GROUPS_2027 = {"dagpengeindsats", "jobsoegning", "jobhjaelp", "sygedagpengeindsats", "oevrige"}


@pytest.fixture(scope="module")
def book():
    return load_rulebook()


def test_labels_cover_vocabulary():
    for codes, labels in [(KINDS, KIND_LABELS), (CHANNELS, CHANNEL_LABELS),
                          (OUTCOMES, OUTCOME_LABELS), (STATUSES, STATUS_LABELS)]:
        assert set(labels) == set(codes)
    assert CHANNEL_LABELS["fremmoede"] == "Fremmøde"
    assert STATUS_LABELS["not_municipal"] == "A-kassens ansvar"


def test_target_group_codes_match_part_a2(book):
    """A.2: the 13 pre-2027 groups and the five 2027 groups, codes exactly as listed."""
    by_gen = {}
    for g in book.target_groups:
        by_gen.setdefault(g.generation, set()).add(g.code)
    assert by_gen == {"pre-2027": PRE_2027, "2027": GROUPS_2027}
    assert all(g.provisional for g in book.target_groups if g.generation == "2027")


def test_group_mapping_part_b_1_2(book):
    """B §1.2: every pre-2027 group maps to one of the five 2027 groups."""
    assert set(book.group_mapping) == PRE_2027
    assert set(book.group_mapping.values()) == GROUPS_2027
    assert book.group_mapping["dagpenge"] == "dagpengeindsats"
    assert book.group_mapping["ressourceforloeb"] == "jobhjaelp"
    assert book.group_mapping["jobafklaring"] == "sygedagpengeindsats"
    assert book.group_mapping["unge-under-18"] == "oevrige"


@pytest.mark.parametrize("code, valid_from, valid_to, provisional", [
    ("lab-2024", date(2024, 1, 1), date(2026, 6, 30), False),
    ("reform-2026", date(2026, 7, 1), date(2026, 12, 31), False),
    ("lab-2027", date(2027, 1, 1), None, True),
])
def test_rule_sets_part_a2(book, code, valid_from, valid_to, provisional):
    rs = book.rule_set(code)
    assert (rs.valid_from, rs.valid_to, rs.provisional) == (valid_from, valid_to, provisional)
    assert (rs.status, rs.kind) == ("active", "statutory")


def test_every_shipped_rule_is_valid_and_cited(book):
    for rs in book.rule_sets:
        for rule in rs.rules:
            assert validate_rule(rule) == [], rule.code
            assert rule.legal_reference


def test_lab_2027_rules_are_all_provisional(book):
    """B §1.2: the 2027 structure is NOT CONFIRMED, so every rule in it is provisional."""
    assert all(r.provisional for r in book.rule_set("lab-2027").rules)


def test_first_talk_rules_are_in_person_for_everyone(book):
    """A.2 / B §1.3: 'the first talk in person ... for 100 %', never exempted by the municipality.
    The a-kasse's first dagpenge talk is one of its 2 talks under the a-kasse's 75 % rule."""
    firsts = [r for rs in book.rule_sets for r in rs.rules if r.first_deadline_days is not None]
    assert firsts
    for r in firsts:
        assert r.count == 1
        if r.kind == "jobsamtale":  # sick-benefit follow-up talks may all be digital (B §1.3)
            assert r.channels == ("fremmoede",)
        if r.performed_by == "kommune":
            assert r.quota_pct == 100 and not r.exemptable


def test_first_talk_stays_in_person_after_the_reform(book):
    """Issue 11: every group whose first talk is in person under lab-2024 (dagpenge included)
    keeps an in-person first talk under reform-2026 and lab-2027 (no source says otherwise)."""
    old = {r.target_group for r in book.rule_set("lab-2024").rules
           if r.first_deadline_days is not None and r.channels == ("fremmoede",)}
    assert "dagpenge" in old and "kh-aktivitetsparat" in old
    for code in ("reform-2026", "lab-2027"):
        for group in old:
            firsts = [r for r in book.rules_for(code, group) if r.first_deadline_days is not None]
            assert firsts and all(r.channels == ("fremmoede",) for r in firsts), (code, group)


def test_jobhjaelp_one_contact_a_year_by_phone(book):
    """Seed document: furthest from the labour market, 1 contact a year, e.g. by phone; read as
    at most 12 months between two contacts (rolling)."""
    (rule,) = [r for r in book.rules_for("lab-2027", "jobhjaelp") if r.kind == "kontakt"]
    assert (rule.count, rule.recurring_every_months, rule.window_to_months) == (1, 12, None)
    assert rule.mode == "rolling"
    assert "telefon" in rule.channels and rule.provisional
    assert "Kalundborg" in rule.legal_reference


def test_shipped_yearly_rules_are_rolling(book):
    yearly = [r for rs in book.rule_sets for r in rs.rules if r.recurring_every_months == 12]
    assert yearly and all(r.mode == "rolling" for r in yearly)


@pytest.mark.parametrize("on, expected", [
    (date(2023, 12, 31), None),
    (date(2024, 1, 1), "lab-2024"),
    (date(2026, 6, 30), "lab-2024"),
    (date(2026, 7, 1), "reform-2026"),
    (date(2026, 12, 31), "reform-2026"),
    (date(2027, 1, 1), "lab-2027"),
    (date(2040, 1, 1), "lab-2027"),
])
def test_in_force(book, on, expected):
    rs = book.in_force(on)
    assert (rs.code if rs else None) == expected


def test_rules_for_maps_pre_2027_groups_under_lab_2027(book):
    """B §1.2: kh-aktivitetsparat -> jobhjaelp; a 2027 group gets nothing under lab-2024."""
    assert book.rules_for("lab-2027", "kh-aktivitetsparat") == book.rules_for(
        "lab-2027", "jobhjaelp")
    assert book.rules_for("lab-2024", "jobhjaelp") == ()
    assert book.rules_for("lab-2024", "foertidspension") == ()
    assert book.rules_for("lab-2024", "no-such-group") == ()
    assert {r.code for r in book.rules_for("lab-2024", "kh-jobparat")} == {
        "kh-jobparat.foerste-jobsamtale", "kh-jobparat.jobsamtaler-0-6-mdr"}


def test_unknown_rule_set_raises(book):
    with pytest.raises(KeyError, match="Ukendt regelsæt"):
        book.rule_set("nope")


GOOD = RuleSpec(code="x", target_group="kh-jobparat", kind="jobsamtale", count=4,
                window_from_months=0, window_to_months=6, legal_reference="LAB § 31, stk. 3")


@pytest.mark.parametrize("changes, fragment", [
    ({"count": 0}, "mindst 1"),
    ({"window_from_months": 6, "window_to_months": 3}, "vinduets slutning"),
    ({"window_from_months": 6, "window_to_months": 6}, "vinduets slutning"),
    ({"window_to_months": None}, "kræver en gentagelse"),
    ({"window_from_months": -1}, "før forløbets start"),
    ({"quota_pct": 101}, "mellem 0 og 100"),
    ({"quota_pct": -1}, "mellem 0 og 100"),
    ({"kind": "kaffe"}, "ukendt kontakttype 'kaffe'"),
    ({"channels": ("brevdue",)}, "ukendt kanal 'brevdue'"),
    ({"channels": ()}, "mindst én kanal"),
    ({"performed_by": "politiet"}, "ukendt udfører 'politiet'"),
    ({"first_deadline_days": -3}, "kan ikke være negativ"),
    ({"first_deadline_days": 7, "window_from_months": 3}, "starter ved 0"),
    ({"recurring_every_months": 0}, "mindst hver 1. måned"),
    ({"legal_reference": " "}, "lovhenvisning"),
], ids=lambda v: str(v))
def test_validate_rule_errors(changes, fragment):
    assert validate_rule(GOOD) == []
    errors = validate_rule(replace(GOOD, **changes))
    assert any(fragment in e for e in errors), errors


def test_open_window_is_fine_when_recurring():
    assert validate_rule(replace(GOOD, window_to_months=None, recurring_every_months=12)) == []


def test_rulebook_from_dict_rejects_bad_data():
    data = {
        "target_groups": [{"code": "a", "name_da": "A", "generation": "pre-2027"}],
        "group_mapping": {"a": "b"},
        "rule_sets": [{
            "code": "s", "name": "S", "status": "active", "kind": "statutory",
            "valid_from": "2026-01-01", "valid_to": "2025-01-01",
            "rules": [dict(code="r", target_group="zz", kind="jobsamtale", count=1,
                           window_from_months=0, window_to_months=6, legal_reference="x")] * 2,
        }],
    }
    with pytest.raises(RuleBookError) as exc:
        rulebook_from_dict(data)
    text = "\n".join(exc.value.errors)
    for fragment in ["'a' -> 'b'", "gyldig til ligger før", "flere gange", "ukendt målgruppe 'zz'"]:
        assert fragment in text
