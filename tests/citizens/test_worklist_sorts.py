"""Every worklist sort, both ways: the order is total (ties end in the id), pages neither overlap
nor skip rows, and target group / caseworker pages (per-value counts and reads, worklist_order)
are exactly the pages of the same order computed in Python over all rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue.models import TargetGroup
from citizens import worklist_order
from citizens.models import Citizen
from citizens.worklist_order import GroupedPages
from jobcenter.models import Role
from tests.conftest import client_for, make_staff

SORTS = ("name", "target_group", "next_due", "next_status", "days", "last_contact", "caseworker")


@pytest.fixture
def crowd(teams, alice):
    """40 citizens of Team Nord with many ties: 3 caseworkers (one named like alice, one none),
    3 target groups and none, repeated names, dates and statuses, empty values. Written directly
    (the sorts read only the stored summary columns)."""
    carl = make_staff("carl", Role.CASEWORKER, teams[0])
    anna = make_staff("anna", Role.CASEWORKER, teams[0])
    # Same display name as alice: ties between caseworkers end in the caseworker's id.
    anna.user.first_name, anna.user.last_name = alice.user.first_name, alice.user.last_name
    anna.user.save()
    groups = list(TargetGroup.objects.order_by("pk")[:3]) + [None]
    workers = [alice, carl, anna, None]
    today = timezone.localdate()
    rows = []
    for i in range(40):
        rows.append(
            Citizen(
                cpr=f"{1000000000 + i}",
                first_name=["Ib", "Åse", "Bo", "Eva"][i % 4],
                last_name=["Hansen", "Jensen", "Ærø"][i % 3],
                team=teams[0],
                caseworker=workers[i % 4],
                current_target_group=groups[(i // 2) % 4],
                next_due=None if i % 5 == 0 else today + timedelta(days=i % 7),
                next_status="" if i % 5 == 0 else ["overdue", "open", "due_soon"][i % 3],
                current_start=None if i % 6 == 0 else date(2026, 1, 1) + timedelta(days=i % 4),
                last_contact=None if i % 4 == 0 else date(2026, 5, 1) + timedelta(days=i % 3),
            )
        )
    Citizen.objects.bulk_create(rows)
    Citizen.objects.create(cpr="2000000000", first_name="Ole", last_name="Anden", team=teams[1])
    return list(Citizen.objects.filter(team=teams[0]))


def _label(value):
    return "" if value is None else str(value)


def expected(citizens, sort: str) -> list[int]:
    """The documented order of each sort, in Python (the C collation of the test database and
    Python both compare code points)."""
    desc = sort.startswith("-")
    name = sort.lstrip("-")
    far = date.max

    def due_key(c):
        return (c.next_due is None, c.next_due or far, c.last_name, c.pk)

    if name == "name":
        return [c.pk for c in sorted(citizens, key=lambda c: (c.last_name, c.first_name, c.pk), reverse=desc)]
    if name == "next_due":
        key = due_key if not desc else lambda c: (c.next_due is None, -(c.next_due or far).toordinal(),
                                                 c.last_name, c.pk)
        return [c.pk for c in sorted(citizens, key=key)]
    if name == "next_status":
        key = lambda c: (c.next_status, c.next_due is None, c.next_due or far, c.pk)  # noqa: E731
        return [c.pk for c in sorted(citizens, key=key, reverse=desc)]
    if name == "days":
        ordinal = lambda c: c.current_start.toordinal()  # noqa: E731
        if desc:
            key = lambda c: (c.current_start is None, ordinal(c) if c.current_start else 0, c.pk)  # noqa: E731
        else:
            key = lambda c: (c.current_start is None, -ordinal(c) if c.current_start else 0, c.pk)  # noqa: E731
        return [c.pk for c in sorted(citizens, key=key)]
    if name == "last_contact":
        key = lambda c: (c.last_contact is None, c.last_contact or far, c.pk)  # noqa: E731
        return [c.pk for c in sorted(citizens, key=key, reverse=desc)]
    field = {"target_group": "current_target_group", "caseworker": "caseworker"}[name]
    values = {getattr(c, field) for c in citizens if getattr(c, field) is not None}
    ranked = sorted(values, key=lambda v: (_label(v), v.pk), reverse=desc)
    rank = {v: i for i, v in enumerate(ranked)}
    return [
        c.pk
        for c in sorted(
            citizens,
            key=lambda c: (rank.get(getattr(c, field), len(rank)), *due_key(c)),
        )
    ]


def shown(client, params) -> list[int]:
    response = client.get(reverse("citizens:worklist"), {"scope": "team", **params})
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("defer_from", [500, 5])  # 5: pages from the 6th row on read ids first
@pytest.mark.parametrize("sort", [f"{d}{s}" for s in SORTS for d in ("", "-")])
def test_every_sort_pages_through_the_exact_order(client, alice, crowd, sort, defer_from, monkeypatch):
    monkeypatch.setattr(worklist_order, "DEFER_FROM", defer_from)
    client_for(client, alice)
    crowd = list(Citizen.objects.filter(pk__in=[c.pk for c in crowd]).select_related(
        "current_target_group", "caseworker__user"))
    want = expected(crowd, sort)
    pages = [shown(client, {"sort": sort, "per_page": "7", "page": str(p)}) for p in range(1, 7)]
    assert [pk for page in pages for pk in page] == want  # no overlap, no gap, same order
    assert shown(client, {"sort": sort, "per_page": "40"}) == want


def test_joined_sorts_put_citizens_without_a_value_last_both_ways(client, alice, crowd):
    client_for(client, alice)
    for sort, field in (("target_group", "current_target_group_id"), ("caseworker", "caseworker_id")):
        for direction in ("", "-"):
            order = shown(client, {"sort": direction + sort, "per_page": "40"})
            values = dict(Citizen.objects.filter(pk__in=order).values_list("pk", field))
            empties = [i for i, pk in enumerate(order) if values[pk] is None]
            assert empties == list(range(40 - len(empties), 40))


def test_joined_sort_with_a_filter_and_export_keep_the_order(client, alice, crowd):
    client_for(client, alice)
    crowd = list(Citizen.objects.filter(pk__in=[c.pk for c in crowd]).select_related(
        "current_target_group", "caseworker__user"))
    overdue = [c for c in crowd if c.next_status == "overdue"]
    assert shown(client, {"sort": "-caseworker", "status": "overdue", "per_page": "5"}) == expected(
        overdue, "-caseworker")[:5]
    params = {"scope": "team", "sort": "target_group", "_export": "csv"}
    csv = client.get(reverse("citizens:worklist"), params)
    lines = csv.content.decode().splitlines()[1:]
    names = {c.pk: c.full_name for c in crowd}
    assert [line.split(";")[0].split(",")[0] for line in lines] == [
        names[pk] for pk in expected(crowd, "target_group")]


def test_joined_sort_query_count_does_not_grow_with_the_page(client, alice, crowd, monkeypatch):
    client_for(client, alice)
    counts = []
    for per_page in ("3", "30"):  # 3 rows lie in one value; 30 span several
        with CaptureQueriesContext(connection) as queries:
            shown(client, {"sort": "caseworker", "per_page": per_page})
        counts.append(len(queries))
    with CaptureQueriesContext(connection) as queries:
        shown(client, {"per_page": "30"})
    assert counts[1] <= counts[0] + 2  # first and last value, and the values in between
    assert counts[1] <= len(queries) + 3


def test_grouped_pages_slices_match_the_whole_order(alice, crowd):
    from citizens.tables import DEFAULT_ORDER, caseworker_labels

    base = Citizen.objects.filter(pk__in=[c.pk for c in crowd])
    for descending in (False, True):
        pages = GroupedPages(
            base, "caseworker", caseworker_labels, descending=descending, within=DEFAULT_ORDER
        )
        whole = [c.pk for c in pages]
        assert len(whole) == pages.count() == 40
        for start in range(0, 40, 3):
            for size in (1, 4, 11, 40):
                assert [c.pk for c in pages[start : start + size]] == whole[start : start + size]
        assert pages[5].pk == whole[5]
        assert pages[45:50] == []


def test_other_teams_never_appear_in_a_joined_sort(client, alice, crowd):
    client_for(client, alice)
    order = shown(client, {"sort": "-target_group", "per_page": "100"})
    assert sorted(order) == sorted(c.pk for c in crowd)

