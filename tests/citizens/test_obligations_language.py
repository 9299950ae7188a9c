"""The engine's explanations in the user's language: Danish by default (and stored), English when
chosen; the Danish fast path says exactly what the translatable sentences say."""

from datetime import date

import pytest
from django.utils import translation

from catalogue.rulebook import load_rulebook
from citizens import obligations
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate

BOOK = load_rulebook()
ON = date(2027, 3, 1)


def every_explanation_case():
    """Each group's enrolment, with and without a held talk, early and late in its course."""
    for group in BOOK.target_groups:
        for start in (date(2026, 1, 5), date(2026, 9, 1), date(2027, 2, 1)):
            talks = [ContactFacts(date=start.replace(day=20), kind="jobsamtale", channel="telefon")]
            for contacts in ([], talks):
                yield EnrolmentFacts(target_group=group.code, start=start), contacts


@pytest.mark.parametrize("language", ["da"])
def test_the_danish_fast_path_matches_the_translatable_sentences(language, monkeypatch):
    fast = [
        [o.explanation for o in evaluate(BOOK, e, c, ON)] for e, c in every_explanation_case()
    ]
    # Force the general path, still in Danish: same text, word for word.
    monkeypatch.setattr(obligations, "SOURCE_LANGUAGE", "none")
    general = [
        [o.explanation for o in evaluate(BOOK, e, c, ON)] for e, c in every_explanation_case()
    ]
    assert sum(len(x) for x in fast) > 200
    assert fast == general


def test_explanations_follow_the_active_language(db):
    enrolment = EnrolmentFacts(target_group="kh-jobparat", start=date(2026, 9, 1))
    with translation.override("en"):
        english = [o.explanation for o in evaluate(BOOK, enrolment, [], ON)]
    with translation.override("da"):
        danish = [o.explanation for o in evaluate(BOOK, enrolment, [], ON)]
    assert any(" must be held by " in text for text in english)
    assert not any(" skal holdes senest " in text for text in english)
    assert any(" skal holdes senest " in text for text in danish)
    assert len(english) == len(danish)


def test_the_refresh_stores_danish_whatever_the_request_language(alice, teams):
    from citizens.models import Obligation
    from tests.citizens.factories import make_citizen

    with translation.override("en"):
        citizen = make_citizen(teams[0], alice, start=date(2026, 9, 1))
    stored = list(Obligation.objects.filter(enrolment__citizen=citizen).values_list("explanation", flat=True))
    assert stored and all(" senest " in text for text in stored)
    citizen.refresh_from_db()
    assert " af " in citizen.next_label
