"""rules_check with bookings: booked_for, booked_late, status unchanged (issue 9, point 11)."""

import json

import pytest
from django.core.management import call_command

BASE = {
    "on": "2026-07-05",
    "rule_set": "reform-2026",
    "enrolments": [{"target_group": "kh-jobparat", "start": "2026-07-01"}],
}
FIRST = "kh-jobparat.foerste-jobsamtale"


def run(tmp_path, capsys, scenario) -> list[dict]:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    call_command("rules_check", str(path))
    return json.loads(capsys.readouterr().out)


def first_talk(rows):
    return next(r for r in rows if r["rule"] == FIRST)


@pytest.mark.django_db
def test_without_bookings_every_obligation_has_null_booking_fields(tmp_path, capsys):
    rows = run(tmp_path, capsys, BASE)
    assert rows and all(r["booked_for"] is None and r["booked_late"] is None for r in rows)


@pytest.mark.django_db
def test_booking_inside_the_window_is_booked_for_and_changes_no_status(tmp_path, capsys):
    plain = run(tmp_path, capsys, BASE)
    deadline = first_talk(plain)["latest"]
    booked = run(
        tmp_path,
        capsys,
        {**BASE, "bookings": [{"date": "2026-07-08", "kind": "jobsamtale", "channel": "fremmoede"}]},
    )
    first = first_talk(booked)
    assert "2026-07-08" <= deadline
    assert first["booked_for"] == "2026-07-08"
    assert first["booked_late"] is None
    assert first["met_by"] is None
    assert [(r["rule"], r["number"], r["status"]) for r in booked] == [
        (r["rule"], r["number"], r["status"]) for r in plain
    ]
    # One booking serves one obligation only.
    assert sum(r["booked_for"] is not None for r in booked) == 1


@pytest.mark.django_db
def test_booking_after_the_deadline_is_booked_late(tmp_path, capsys):
    deadline = first_talk(run(tmp_path, capsys, BASE))["latest"]
    rows = run(
        tmp_path,
        capsys,
        {
            **BASE,
            "on": "2026-07-20",
            "bookings": [{"date": "2026-08-03", "kind": "jobsamtale", "channel": "fremmoede"}],
        },
    )
    first = first_talk(rows)
    assert deadline < "2026-08-03"
    assert first["status"] == "overdue"
    assert first["booked_late"] == "2026-08-03"
    assert first["booked_for"] is None


@pytest.mark.django_db
def test_wrong_kind_or_performer_does_not_match_and_met_obligations_take_none(tmp_path, capsys):
    rows = run(
        tmp_path,
        capsys,
        {
            **BASE,
            "contacts": [{"date": "2026-07-03", "kind": "jobsamtale", "channel": "fremmoede"}],
            "bookings": [
                {"date": "2026-07-09", "kind": "jobsamtale", "channel": "telefon", "performed_by": "a-kasse"}
            ],
        },
    )
    first = first_talk(rows)
    assert first["status"] == "met" and first["booked_for"] is None and first["booked_late"] is None
    # The a-kasse's phone talk cannot serve the municipality's talks, in or after their windows.
    assert all(r["booked_for"] is None and r["booked_late"] is None for r in rows)


@pytest.mark.django_db
def test_two_bookings_serve_two_obligations_in_deadline_order(tmp_path, capsys):
    rows = run(
        tmp_path,
        capsys,
        {
            **BASE,
            "bookings": [
                {"date": "2026-07-07", "kind": "jobsamtale", "channel": "fremmoede"},
                {"date": "2026-08-10", "kind": "jobsamtale", "channel": "fremmoede"},
            ],
        },
    )
    booked = sorted(r["booked_for"] for r in rows if r["booked_for"])
    assert booked == ["2026-07-07", "2026-08-10"]
    assert first_talk(rows)["booked_for"] == "2026-07-07"


@pytest.mark.django_db
def test_malformed_booking_names_the_field(tmp_path, capsys):
    path = tmp_path / "scenario.json"
    path.write_text(
        json.dumps({**BASE, "bookings": [{"date": "2026-07-08", "kind": "x", "channel": "telefon"}]})
    )
    with pytest.raises(SystemExit) as exc:
        call_command("rules_check", str(path))
    assert exc.value.code == 2
    assert "bookings[0].kind" in capsys.readouterr().err
