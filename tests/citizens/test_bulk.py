from datetime import date

from citizens.bulk import update_rows
from citizens.models import Citizen
from tests.citizens.factories import make_citizen


def test_update_rows_sets_each_rows_own_values_including_nulls(alice, teams):
    first, second = make_citizen(teams[0], alice), make_citizen(teams[0], alice)
    update_rows(
        Citizen,
        ["next_due", "next_status", "next_label", "current_target_group"],
        [
            (first.pk, date(2027, 1, 2), "overdue", "Jobsamtale 1 af 1", None),
            (second.pk, None, "", "", second.current_target_group_id),
        ],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.next_due, first.next_status, first.next_label, first.current_target_group) == (
        date(2027, 1, 2),
        "overdue",
        "Jobsamtale 1 af 1",
        None,
    )
    assert (second.next_due, second.next_status, second.next_label) == (None, "", "")
    assert second.current_target_group is not None


def test_insert_rows_stores_every_value_json_included(alice, teams):
    from django.utils import timezone

    from citizens.bulk import insert_rows
    from citizens.models import AuditEvent

    citizen = make_citizen(teams[0], alice)
    now = timezone.now()
    details = {"after": {"first_name": "Æble \"Ø\" \\ å\ttab", "start": "2026-09-01"}, "n": [1, None]}
    insert_rows(AuditEvent, ("at", "user", "citizen", "action", "details"), [
        (now, alice.user.pk, citizen.pk, "create", details),
        (now, None, None, "update", {}),
    ])
    stored = list(AuditEvent.objects.order_by("pk").values_list("at", "user", "citizen", "action", "details"))
    assert stored[-2:] == [
        (now, alice.user.pk, citizen.pk, "create", details), (now, None, None, "update", {})
    ]
