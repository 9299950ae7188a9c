"""Worklist server time for a team of 2,000 citizens in a large database. Prints figures.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_worklist.py [--team-size 2000] [--runs 50]
        [--contacts 10000000]

Run after `manage.py seed_demo --citizens 1000000` (and the obligation refresh). The script
  1. tops up the contacts table with cancelled copies until it holds --contacts rows (PostgreSQL),
  2. moves --team-size citizens into a "Benchmark-team" with one caseworker (idempotent),
  3. requests the worklist through the whole Django stack (test client, logged in) --runs times.
"""

import argparse
import statistics
import time

import _django
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from citizens.models import Citizen, Contact
from jobcenter.models import Role, StaffMember, Team


def top_up_contacts(target: int) -> int:
    count = Contact.objects.count()
    while count < target and connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                """INSERT INTO citizens_contact
                   (citizen_id, date, kind, channel, performed_by, minutes, outcome, note, created_at,
                    held_by_id)
                   SELECT citizen_id, date, kind, channel, performed_by, minutes, 'cancelled', '', now(), NULL
                   FROM citizens_contact ORDER BY id LIMIT %s""",
                [target - count],
            )
        count = Contact.objects.count()
    return count


def bench_team(size: int) -> StaffMember:
    team, _ = Team.objects.get_or_create(name="Benchmark-team")
    user, _ = get_user_model().objects.get_or_create(username="bench-sb", defaults={"first_name": "Bench"})
    member, _ = StaffMember.objects.get_or_create(user=user, defaults={"team": team, "role": Role.CASEWORKER})
    missing = size - Citizen.objects.filter(team=team).count()
    if missing > 0:
        ids = list(Citizen.objects.exclude(team=team).order_by("id").values_list("id", flat=True)[:missing])
        Citizen.objects.filter(id__in=ids).update(team=team, caseworker=member)
    return member


SORTS = ("name", "target_group", "next_due", "next_status", "days", "last_contact", "caseworker")


def largest_team(runs: int) -> None:
    """Every sort (both ways) and every filter of the largest team's worklist, as its caseworker
    with scope=team; p95 against the default view measured in the same run, and the CPU per
    request of this process."""
    team = max(Team.objects.all(), key=lambda t: t.citizens.count())
    member = StaffMember.objects.filter(team=team, role=Role.CASEWORKER).select_related("user").first()
    # The hardest cases, the same on every copy: the team's most common surname, its largest group.
    surname = (
        Citizen.objects.filter(team=team).values_list("last_name").annotate(n=Count("pk")).order_by("-n")[0][0]
    )
    group = (
        Citizen.objects.filter(team=team, current_target_group__isnull=False)
        .values_list("current_target_group").annotate(n=Count("pk")).order_by("-n")[0][0]
    )
    print(f"largest team: {team.name}, {team.citizens.count():,} citizens")
    client = Client(HTTP_HOST="localhost")
    client.force_login(member.user)
    cases = [("default (due date)", {})]
    cases += [(f"sort {d}{s}", {"sort": f"{d}{s}"}) for s in SORTS for d in ("", "-")]
    cases += [(f"status {v}", {"status": v}) for v in ("overdue", "week", "30")]
    cases += [("target group", {"target_group": group}), ("caseworker", {"caseworker": member.pk}),
              ("scope mine", {"scope": "mine"}), ("name search", {"q": surname}),
              ("page 200, sorted by name", {"sort": "name", "page": "200"})]
    baseline = None
    for label, params in cases:
        params = {"scope": "team", **params}
        client.get("/borgere/", params)  # warm up
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get("/borgere/", params)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        baseline = baseline or p95
        # CPU of this process (Python) is steadier than wall time on a shared machine.
        print(f"  {label:28s} {_django.summary(times)}; {p95 / baseline:.2f} x default; "
              f"CPU median {statistics.median(cpu):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--team-size", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--largest", action="store_true", help="every sort and filter of the largest team")
    args = parser.parse_args()
    if args.largest:
        largest_team(args.runs)
        return

    t = time.perf_counter()
    contacts = top_up_contacts(args.contacts)
    print(f"contacts: {contacts:,} (top-up {time.perf_counter() - t:.1f} s)")
    member = bench_team(args.team_size)
    team_size = Citizen.objects.filter(team=member.team).count()
    print(f"citizens: {Citizen.objects.count():,}; benchmark team: {team_size:,}")

    client = Client(HTTP_HOST="localhost")
    client.force_login(member.user)
    for label, params in (("default (team, sorted by due date)", {"scope": "team"}),
                          ("overdue only", {"scope": "team", "status": "overdue"}),
                          ("page 20, sorted by name", {"scope": "team", "sort": "name", "page": "20"})):
        client.get("/borgere/", params)  # warm up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/borgere/", params)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get("/borgere/", params)
        print(f"worklist {label}: {_django.summary(times)}; {len(queries)} queries")


if __name__ == "__main__":
    main()
