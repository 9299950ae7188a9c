"""Server-side cost of every request in the load-test mix, in one process, with the production
settings gunicorn runs in bench/load/run.sh (DEBUG off, the Redis cache, persistent connections).
Prints the median and p95 wall time, the CPU time, the queries, the PostgreSQL backend's CPU and the
minor page faults (both means) per request type next to `/healthz` measured in the same run;
`--profile NAME` prints a cProfile (CPU time) of that request type, `--queries` its SQL. Prints
figures; not a test.

    DATABASE_URL=postgres://.../THROWAWAY REDIS_URL=redis://127.0.0.1:6379/N \
      .venv/bin/python bench/load/profile_mix.py [--runs 20] [--profile "citizen page"] [--top 40]

THROWAWAY: a database seeded with `manage.py seed_demo` (contacts are registered into it).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import resource
import statistics
import sys
import time
import uuid
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.update(DJANGO_SETTINGS_MODULE="bench.load.settings", DEBUG="0", ALLOWED_HOSTS="127.0.0.1")
os.environ.setdefault("SECRET_KEY", "load-test-only")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CITIZEN = re.compile(r'href="/borgere/(\d+)/"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine), or NaN."""
    if connection.vendor != "postgresql":
        return float("nan")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _count(queries: list[str], execute, sql, *rest):
    queries.append(sql)
    return execute(sql, *rest)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--caseworker", default="sagsbehandler")
    parser.add_argument("--leader", default="teamleder")
    parser.add_argument("--profile", default="", help="a request name from the table, or 'all'")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--filter", default="", help="a regular expression on file:function (pstats)")
    parser.add_argument("--queries", action="store_true", help="print the queries of each request")
    parser.add_argument("--only", default="", help="comma-separated request names to time")
    args = parser.parse_args()

    worker, leader = client_for(args.caseworker), client_for(args.leader)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    citizens = CITIZEN.findall(worker.get("/borgere/").content.decode())
    assert citizens, "the caseworker's worklist shows no citizens: seed_demo first"

    def register_contact():
        pk = random.choice(citizens)
        form = dict(HIDDEN.findall(worker.get(f"/borgere/{pk}/").content.decode()))
        data = {**form, "date": date.today().isoformat(), "kind": "kontakt", "channel": "telefon",
                "minutes": "10", "outcome": "held", "note": f"load-{uuid.uuid4().hex}", "from": "worklist"}
        response = worker.post(f"/borgere/{pk}/kontakt/", data, HTTP_HX_REQUEST="true",
                               HTTP_REFERER=f"http://127.0.0.1/borgere/{pk}/")
        if response.status_code == 422 and b"confirm_duplicate" in response.content:
            # the same kind of contact on the same day already: confirmed, as a caseworker would
            response = worker.post(f"/borgere/{pk}/kontakt/", {**data, "confirm_duplicate": "on"},
                                   HTTP_HX_REQUEST="true", HTTP_REFERER=f"http://127.0.0.1/borgere/{pk}/")
        return response

    requests = {
        "healthz": lambda: anonymous.get("/healthz"),
        "worklist": lambda: worker.get("/borgere/"),
        "citizen page": lambda: worker.get(f"/borgere/{random.choice(citizens)}/"),
        "register contact (+page)": register_contact,
        "export csv": lambda: worker.get("/borgere/?_export=csv"),
        "export xlsx": lambda: worker.get("/borgere/?_export=xlsx"),
        "report kapacitet": lambda: leader.get("/rapporter/kapacitet/"),
        "report regelsaet": lambda: leader.get("/rapporter/regelsaet/"),
        "report katalog": lambda: leader.get("/rapporter/katalog/"),
        "report risiko": lambda: leader.get("/rapporter/risiko/"),
        "worklist (team)": lambda: leader.get("/borgere/?scope=team"),
    }
    if args.only:
        wanted = {"healthz", *args.only.split(",")}
        requests = {name: call for name, call in requests.items() if name in wanted}
    base = None
    print(f"{'request':<26} {'median ms':>9} {'p95 ms':>8} {'cpu ms':>8} {'x healthz':>9} {'queries':>7} "
          f"{'db cpu ms':>9} {'page faults':>11}")
    for name, call in requests.items():
        queries: list[str] = []
        with connection.execute_wrapper(partial(_count, queries)):
            response = call()  # warm up (and check), counting the queries
        assert response.status_code == 200, (name, response.status_code)
        if args.queries:
            print(f"-- {name}: {len(queries)} queries", *(f"   {sql[:160]}" for sql in queries), sep="\n")
        walls, cpus = [], []
        db_before = _backend_cpu()
        faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        walls.sort()
        db_cpu = (_backend_cpu() - db_before) * 1000 / args.runs  # a mean: clock ticks are coarse
        faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before) / args.runs
        cpu = statistics.median(cpus)
        base = base or cpu
        print(f"{name:<26} {statistics.median(walls):9.1f} {walls[int(0.95 * (len(walls) - 1))]:8.1f} "
              f"{cpu:8.1f} {cpu / base:9.1f} {len(queries):7} {db_cpu:9.1f} {faults:11.0f}")
    for name, call in requests.items():
        if args.profile not in (name, "all"):
            continue
        profile = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
        profile.enable()
        for _ in range(max(1, args.runs // 4)):
            call()
        profile.disable()
        out = io.StringIO()
        restrictions = [args.filter, args.top] if args.filter else [args.top]
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(*restrictions)
        print(f"\n===== {name} =====\n{out.getvalue()}")


if __name__ == "__main__":
    main()
