"""Planning figures in a large database. Prints figures; not a test.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_planning.py [--bookings 2000000] [--runs 30]

Run on a copy of a `seed_demo --citizens 1000000` database (it writes). Each figure is printed with
a baseline measured in the same run:
  1. free slots for a caseworker with 5,000 bookings in the calendar (half of every day booked for
     the next 2.5 years) against a caseworker with an empty calendar;
  2. the worklist of a 2,000-citizen team with the booking column and its filters, with the bookings
     table filled to --bookings rows (half planned, one per citizen), against the same worklist
     without the booking column;
  3. a caseworker's week calendar (40 talks) with the big bookings table, against the home page.
"""

import argparse
import time
from datetime import datetime, timedelta
from datetime import time as dtime

import _django
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citizens.models import Citizen
from jobcenter.models import Role, StaffMember, Team
from planning import services
from planning.models import Booking
from planning.slots import find_slots

TZ = timezone.get_current_timezone()


def staff(username: str, team: Team) -> StaffMember:
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": username})
    member, _ = StaffMember.objects.get_or_create(user=user, defaults={"team": team, "role": Role.CASEWORKER})
    return member


def bench_team(member: StaffMember, size: int) -> None:
    missing = size - Citizen.objects.filter(team=member.team).count()
    if missing > 0:
        ids = list(
            Citizen.objects.exclude(team=member.team).order_by("id").values_list("id", flat=True)[:missing]
        )
        Citizen.objects.filter(id__in=ids).update(team=member.team, caseworker=member)


def timed(fn, runs: int) -> list[float]:
    fn()  # warm up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def fill_calendar(member: StaffMember, count: int, citizen_id: int) -> None:
    """`count` 45-minute talks, every other slot of Monday-Thursday 9-15 from tomorrow."""
    if Booking.objects.filter(caseworker=member).count() >= count:
        return
    Booking.objects.filter(caseworker=member).delete()
    rows, day = [], timezone.localdate() + timedelta(days=1)
    while len(rows) < count:
        if day.weekday() < 4:
            for k in range(0, 8, 2):
                start = datetime.combine(day, dtime(9), TZ) + timedelta(minutes=45 * k)
                rows.append(
                    Booking(
                        citizen_id=citizen_id,
                        caseworker=member,
                        start=start,
                        end=start + timedelta(minutes=45),
                        day=day,
                        minutes=45,
                        kind="jobsamtale",
                        channel="telefon",
                    )
                )
        day += timedelta(days=1)
    Booking.objects.bulk_create(rows[:count], batch_size=5000)


def top_up_bookings(target: int) -> int:
    """Bulk bookings for the big table: per citizen one planned (tomorrow onwards) and one held
    (in the past), laid end to end per caseworker so that none overlap (the planned ones after the
    caseworker's last talk already booked in that period: seed_demo books the coming weeks)."""
    count = Booking.objects.count()
    if count >= target or connection.vendor != "postgresql":
        return count
    with connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        for status, base, until in (
            ("held", "now() - interval '1500 days'", "now()"),
            ("planned", "now() + interval '1 day'", "'infinity'::timestamptz"),
        ):
            cur.execute(
                f"""
                INSERT INTO planning_booking (citizen_id, caseworker_id, start, "end", day, minutes, kind,
                    channel, details, obligation_rule, obligation_label, legal_reference, status,
                    created_at, updated_at)
                SELECT c.id, c.caseworker_id, s.start, s.start + interval '30 minutes',
                       (s.start AT TIME ZONE 'Europe/Copenhagen')::date, 30, 'jobsamtale', 'telefon', '', '',
                       '', '', %s, now(), now()
                FROM (SELECT id, caseworker_id,
                             row_number() OVER (PARTITION BY caseworker_id ORDER BY id) AS n
                      FROM citizens_citizen WHERE caseworker_id IS NOT NULL
                      ORDER BY id LIMIT %s) c
                LEFT JOIN (SELECT caseworker_id, max("end") AS last_end FROM planning_booking
                           WHERE start >= date_trunc('hour', {base}) AND start < {until} GROUP BY 1) booked
                       ON booked.caseworker_id = c.caseworker_id
                CROSS JOIN LATERAL (
                    SELECT greatest(date_trunc('hour', {base}), booked.last_end)
                           + (c.n * interval '31 minutes') AS start) s
                """,
                [status, max(0, (target - count) // 2)],
            )
        cur.execute("ANALYZE planning_booking")
    return Booking.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    team, _ = Team.objects.get_or_create(name="Benchmark-team")
    member = staff("bench-planner", team)
    empty = staff("bench-empty", team)
    busy_member = staff("bench-calendar", team)  # no citizens of its own: only the 5,000 talks
    bench_team(member, 2000)
    citizen = (
        Citizen.objects.filter(team=team, caseworker=member).exclude(next_status="").order_by("id").first()
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(member.user)

    def worklist_figures(label: str) -> None:
        for name, params in (
            ("default", {"scope": "team"}),
            ("ikke booket", {"scope": "team", "booking": "none"}),
            ("booket", {"scope": "team", "booking": "booked"}),
        ):
            times = timed(lambda p=params: client.get("/borgere/", p), args.runs)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/borgere/", params).status_code == 200
            print(f"worklist {name} [{label}]: {_django.summary(times)}; {len(queries)} queries")

    t = time.perf_counter()
    total = top_up_bookings(args.bookings)
    print(
        f"citizens: {Citizen.objects.count():,}; bookings: {total:,} (top-up {time.perf_counter() - t:.1f} s)"
    )
    # 2 (baseline): the same worklist without the booking column (annotation switched off).
    import citizens.views

    real = citizens.views.with_booking
    citizens.views.with_booking = lambda qs: qs
    times = timed(lambda: client.get("/borgere/", {"scope": "team"}), args.runs)
    print(f"worklist default [baseline: without the booking column]: {_django.summary(times)}")
    citizens.views.with_booking = real

    # 1: free slots.
    fill_calendar(busy_member, 5000, citizen.pk)
    obligation = services.selectors.obligation_for(citizen)
    for who, label in ((empty, "empty calendar (baseline)"), (busy_member, "5,000 bookings")):
        citizen.caseworker = who
        times = timed(
            lambda: services.propose_slots(user=member.user, citizen=citizen, obligation=obligation),
            args.runs,
        )
        print(f"free slots, {label}: {_django.summary(times)}")
    busy = list(Booking.objects.filter(caseworker=busy_member).values_list("start", "end"))
    now = datetime.combine(timezone.localdate(), dtime(8), TZ)
    horizon = timezone.localdate() + timedelta(days=1200)
    times = timed(lambda: find_slots(now=now, until=horizon, minutes=45, busy=busy, limit=5), args.runs)
    print(f"pure find_slots with all {len(busy):,} intervals: {_django.summary(times)}")

    worklist_figures(f"{total:,} bookings")

    # 3: the week calendar.
    week = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    for path, label in (
        ("/", "home page (baseline)"),
        (
            f"/planlaegning/kalender/?dato={week.isoformat()}&medarbejder={busy_member.pk}",
            "week calendar (16 talks)",
        ),
    ):
        times = timed(lambda p=path: client.get(p), args.runs)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        print(f"{label}: {_django.summary(times)}; {len(queries)} queries")


if __name__ == "__main__":
    main()
