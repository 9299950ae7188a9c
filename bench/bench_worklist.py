"""Worklist server time for a team of 2,000 citizens in a large database. Prints figures.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_worklist.py [--team-size 2000] [--runs 50]
        [--contacts 10000000]

Run after `manage.py seed_demo --citizens 1000000` (and the obligation refresh). The script
  1. tops up the contacts table with cancelled copies until it holds --contacts rows (PostgreSQL),
  2. moves --team-size citizens into a "Benchmark-team" with one caseworker (idempotent),
  3. requests the worklist through the whole Django stack (test client, logged in) --runs times.
"""

import argparse
import time

import _django
from django.contrib.auth import get_user_model
from django.db import connection
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--team-size", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    args = parser.parse_args()

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
