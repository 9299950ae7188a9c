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
