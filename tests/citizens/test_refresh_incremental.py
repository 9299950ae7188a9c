"""The refresh costs what changed: date-only status moves in SQL, the engine only where inputs or
the calendar require it, and only differing rows written (counted through PostgreSQL's xmin)."""

from datetime import date

import pytest
from django.db import connection

from catalogue import services as catalogue_services
from catalogue.models import ContactRule, TargetGroup
from catalogue.signals import rules_changed
from citizens import refresh
from citizens.models import Citizen, Contact, Enrolment, Obligation
from citizens.refresh import (
    advance_statuses,
    mark_citizens_dirty,
    refresh_all,
    refresh_changed,
    refresh_citizens,
)

pytestmark = pytest.mark.django_db


def _citizen(team, group: str, start: date, name: str = "Test Borger") -> Citizen:
    n = Citizen.objects.count() + 1
    first, last = name.split(" ", 1)
    citizen = Citizen.objects.create(
        cpr=f"01019{n:05d}", first_name=first, last_name=last, team=team
    )
    Enrolment.objects.create(citizen=citizen, target_group=TargetGroup.objects.get(code=group), start=start)
    return citizen


@pytest.fixture
def caseload(teams):
    """Citizens in several groups and course ages, some with contacts."""
    starts = [date(2027, 3, 15), date(2027, 9, 1), date(2027, 12, 20), date(2028, 1, 31), date(2026, 8, 1)]
    groups = ["kh-jobparat", "dagpenge", "sygedagpenge", "jobafklaring", "kh-aktivitetsparat"]
    people = []
    for i, start in enumerate(starts):
        for j, group in enumerate(groups):
            citizen = _citizen(teams[j % 2], group, start, f"Borger Nr{i}x{j}")
            if (i + j) % 2:
                Contact.objects.create(citizen=citizen, date=start, kind="jobsamtale", channel="fremmoede")
            people.append(citizen)
    return people


def _stored() -> dict:
    """Everything the refresh writes, as comparable values."""
    return {
        "obligations": sorted(
            Obligation.objects.values_list(
                "enrolment_id", "rule_set", "rule", "number", "earliest", "latest", "status", "explanation"
            )
        ),
        "enrolments": sorted(Enrolment.objects.values_list("id", "next_due", "next_status")),
        "citizens": sorted(Citizen.objects.values_list("id", *Citizen.SUMMARY_FIELDS)),
    }


def _row_versions() -> dict:
    """(table, id) -> xmin: a row's xmin changes when it is written; a deleted row disappears."""
    versions = {}
    with connection.cursor() as cursor:
        for model in (Obligation, Enrolment, Citizen):
            table = model._meta.db_table
            cursor.execute(f"SELECT id, xmin::text FROM {table}")
            versions.update({(table, pk): xmin for pk, xmin in cursor.fetchall()})
    return versions


def _written(before: dict, after: dict) -> int:
    return len(set(before.items()) ^ set(after.items()))


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="counts rows through xmin")


@needs_postgres
def test_a_nightly_run_with_nothing_changed_writes_zero_rows(caseload):
    on = date(2028, 2, 10)
    refresh_all(on=on)
    before = _row_versions()
    result = refresh_changed(on=on)
    assert result == {"obligations": 0, "enrolments": 0, "citizens": 0, "recomputed": 0}
    assert _written(before, _row_versions()) == 0
    # A full rerun of the engine on the same day agrees and writes nothing either.
    refresh_all(on=on)
    assert _written(before, _row_versions()) == 0


@pytest.mark.parametrize(
    "days",
    [
        # across a month end
        (date(2028, 1, 20), date(2028, 1, 31), date(2028, 2, 1), date(2028, 2, 2)),
        # across the leap day
        (date(2028, 2, 14), date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)),
    ],
)
def test_date_only_moves_equal_a_full_rerun_of_the_engine(caseload, days):
    refresh_all(on=days[0])
    for on in days[1:]:
        refresh_changed(on=on)
        incremental = _stored()
        refresh_all(on=on)  # what a full rerun stores on the same day
        assert _stored() == incremental, on


def test_a_deadline_moves_open_due_soon_overdue_around_a_leap_day(teams):
    citizen = _citizen(teams[0], "kh-jobparat", date(2028, 1, 1))
    refresh_citizens([citizen.pk], on=date(2028, 1, 2))
    ob = Obligation.objects.get(enrolment__citizen=citizen, rule__endswith="foerste-jobsamtale")
    Obligation.objects.filter(pk=ob.pk).update(latest=date(2028, 2, 29))
    for on, expected in [
        (date(2028, 2, 14), "open"),
        (date(2028, 2, 15), "due_soon"),  # 14 days before
        (date(2028, 2, 29), "due_soon"),
        (date(2028, 3, 1), "overdue"),
        (date(2028, 2, 1), "open"),  # the clock moved back (a test or a correction)
    ]:
        advance_statuses(on)
        ob.refresh_from_db()
        assert ob.status == expected, on
        assert ob.explanation.endswith(" Overskredet.") == (expected == "overdue")
        assert ob.explanation.endswith(" Forfalder snart.") == (expected == "due_soon")


def test_the_engine_reruns_only_for_dirty_citizens_and_those_whose_day_has_come(caseload, monkeypatch):
    on = date(2028, 2, 10)
    refresh_all(on=on)
    evaluated: list[str] = []
    real = refresh.evaluate

    def counting(book, facts, contacts, day, *args, **kwargs):
        evaluated.append(facts.target_group)
        return real(book, facts, contacts, day, *args, **kwargs)

    monkeypatch.setattr(refresh, "evaluate", counting)
    refresh_changed(on=on)
    assert evaluated == []

    dirty = caseload[0]
    mark_citizens_dirty([dirty.pk])
    assert refresh_changed(on=on)["recomputed"] == 1
    assert len(evaluated) == dirty.enrolments.count()

    # A later day reruns exactly the citizens whose recompute date has come.
    later = date(2028, 3, 20)
    due = set(Citizen.objects.filter(recompute_on__lte=later).values_list("id", flat=True))
    assert 0 < len(due) < len(caseload)
    assert refresh_changed(on=later)["recomputed"] == len(due)


def test_a_recurring_rule_opens_its_next_period_on_time(teams):
    """Without any input, a new period's obligation appears on the day the period starts."""
    citizen = _citizen(teams[0], "kh-aktivitetsparat", date(2027, 1, 4))
    refresh_all(on=date(2027, 1, 5))
    citizen.refresh_from_db()
    assert citizen.recompute_on is not None and citizen.recompute_on < date(9999, 1, 1)
    day = citizen.recompute_on
    refresh_changed(on=day)
    incremental = _stored()
    refresh_all(on=day)
    assert _stored() == incremental


@needs_postgres
def test_a_rule_edit_reruns_only_the_groups_it_touches(caseload, ada, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(refresh, "today", lambda: date(2028, 2, 10))
    refresh_all(on=date(2028, 2, 10))
    heard = []
    rules_changed.connect(lambda sender, target_groups, **kw: heard.append(target_groups), weak=False,
                          dispatch_uid="test-heard")
    touched = {c.pk for c in caseload if c.enrolments.get().target_group.code == "dagpenge"}
    others = Citizen.objects.exclude(pk__in=touched)
    before = {pk: v for (table, pk), v in _row_versions().items() if table == Citizen._meta.db_table}
    # A 2027 group's rule: the pre-2027 group mapped onto it (dagpenge) is refreshed with it.
    rule = ContactRule.objects.get(rule_set__code="lab-2027", code="dagpengeindsats.jobsamtaler-3-6-mdr")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            catalogue_services.contact_rule_update(rule=rule, user=ada.user, count=rule.count + 1)
    finally:
        rules_changed.disconnect(dispatch_uid="test-heard")
    assert heard == [frozenset({"dagpengeindsats"})]
    after = {pk: v for (table, pk), v in _row_versions().items() if table == Citizen._meta.db_table}
    assert all(before[c.pk] == after[c.pk] for c in others)  # other groups untouched
    assert Obligation.objects.filter(enrolment__citizen__in=touched, rule=rule.code, of=rule.count).exists()
