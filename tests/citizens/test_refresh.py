from datetime import timedelta

from django.utils import timezone

from citizens.models import Citizen, Obligation
from citizens.refresh import refresh_citizens
from tests.citizens.factories import make_citizen


def test_refreshing_some_citizens_leaves_the_others_in_between_alone(alice, teams):
    first, middle, last = (make_citizen(teams[0], alice, name=f"Borger Nr{i}") for i in range(3))
    middle_obligations = set(
        Obligation.objects.filter(enrolment__citizen=middle).values_list("pk", flat=True)
    )
    assert middle_obligations
    later = timezone.localdate() + timedelta(days=400)
    refresh_citizens([first.pk, last.pk], on=later)
    assert set(Obligation.objects.filter(enrolment__citizen=middle).values_list("pk", flat=True)) == (
        middle_obligations
    )
    assert Citizen.objects.get(pk=middle.pk).next_due == middle.next_due
    assert Citizen.objects.get(pk=first.pk).next_status == "overdue"


def test_a_second_refresh_on_the_same_day_changes_nothing(alice, teams):
    citizen = make_citizen(teams[0], alice)
    before = Citizen.objects.filter(pk=citizen.pk).values().get()
    refresh_citizens([citizen.pk])
    after = Citizen.objects.filter(pk=citizen.pk).values().get()
    assert before == after


def test_refreshing_citizens_far_apart_works(alice, teams):
    """Sparse ids (an import touching old and new citizens) are read with IN, not as a range."""
    citizens = [make_citizen(teams[0], alice) for _ in range(5)]
    first, last = citizens[0], citizens[-1]
    Citizen.objects.update(next_due=None, next_status="")
    refresh_citizens([first.pk, last.pk])
    statuses = dict(Citizen.objects.values_list("pk", "next_status"))
    assert statuses[first.pk] == statuses[last.pk] == "overdue"
    assert all(statuses[c.pk] == "" for c in citizens[1:-1])  # not touched
