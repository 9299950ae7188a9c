"""Load test: caseworkers on the worklist, the citizen page, contact registration and exports; team
leaders on the reports. Run with bench/load/run.sh (gunicorn on 127.0.0.1, a throwaway database).

Users log in once, in on_start (deliberately slow password hashing); the statistics are reset
once every user has logged in, so the figures are the steady state. Every contact the server
acknowledges is written to $LOAD_ACKED (one unique note per line) for check_contacts.py, which
checks that each is stored exactly once.
"""

import itertools
import os
import random
import re
import uuid
from datetime import date

import gevent
import gevent.event
from locust import HttpUser, between, events, task
from meter import Meter  # bench/load/meter.py: CPU of server, database and locust while measured

CASEWORKERS = os.environ.get("LOAD_CASEWORKERS", "sagsbehandler").split(",")
LEADERS = os.environ.get("LOAD_LEADERS", "teamleder").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo")
ACKED = os.environ.get("LOAD_ACKED", "acked-contacts.txt")
TODAY = os.environ.get("LOAD_TODAY", "")  # the contact date (dd.mm.åååå or åååå-mm-dd); default today

_caseworkers = itertools.cycle(CASEWORKERS)
_leaders = itertools.cycle(LEADERS)
CITIZEN = re.compile(r'href="/borgere/(\d+)/"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_acked = open(ACKED, "a", buffering=1)  # noqa: SIM115 - for the whole run


_logged_in = {"count": 0}
_everyone_in = gevent.event.Event()
_meter = Meter()


def login(user: HttpUser, username: str) -> None:
    """Log in, then wait until every user has: the statistics are reset at that moment, so the
    figures are the steady state without the deliberately slow password hashing."""
    page = user.client.get("/login/", name="login")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    user.client.post("/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                     headers={"Referer": user.host + "/login/"}, name="login")
    _logged_in["count"] += 1
    runner = user.environment.runner
    if _logged_in["count"] >= (runner.target_user_count or 0):
        runner.stats.reset_all()
        _meter.start()  # the steady state starts here (the login's CPU stays out, as its times do)
        _everyone_in.set()
    _everyone_in.wait()


class Caseworker(HttpUser):
    weight = 9
    wait_time = between(1, 3)

    def on_start(self):
        login(self, next(_caseworkers))
        self.citizens: list[str] = []
        self.worklist()

    @task(5)
    def worklist(self):
        response = self.client.get("/borgere/", name="worklist")
        found = CITIZEN.findall(response.text)
        if found:
            self.citizens = found

    @task(4)
    def citizen_page(self):
        if self.citizens:
            self.client.get(f"/borgere/{random.choice(self.citizens)}/", name="citizen page")

    @task(2)
    def register_contact(self):
        if not self.citizens:
            return
        pk = random.choice(self.citizens)
        page = self.client.get(f"/borgere/{pk}/", name="citizen page")
        form = dict(HIDDEN.findall(page.text))  # csrf token, idempotency key, version: as served
        note = f"load-{uuid.uuid4().hex}"
        data = {**form, "date": TODAY or date.today().isoformat(), "kind": "kontakt", "channel": "telefon",
                "minutes": "10", "outcome": "held", "note": note, "from": "worklist"}
        headers = {"HX-Request": "true", "Referer": f"{self.host}/borgere/{pk}/"}
        with self.client.post(f"/borgere/{pk}/kontakt/", data, headers=headers, name="register contact",
                              catch_response=True) as response:
            if response.status_code == 200:
                _acked.write(note + "\n")  # acknowledged: must be stored exactly once
                response.success()
                return
            if not (response.status_code == 422 and 'name="confirm_duplicate"' in response.text):
                response.failure(f"{response.status_code}")
                return
            # The same kind of contact on the same channel is already registered today (two of
            # the ~3 simulated users per caseworker account picked the same citizen): the server
            # asks, as designed, and the caseworker confirms that it is an extra contact.
            response.success()
        with self.client.post(f"/borgere/{pk}/kontakt/", {**data, "confirm_duplicate": "on"}, headers=headers,
                              name="register contact (confirmed)", catch_response=True) as response:
            if response.status_code == 200:
                _acked.write(note + "\n")
                response.success()
            else:
                response.failure(f"{response.status_code}")

    @task(1)
    def export(self):
        fmt = random.choice(["csv", "xlsx"])
        self.client.get(f"/borgere/?_export={fmt}", name=f"export {fmt}")


class TeamLeader(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        login(self, next(_leaders))

    @task(3)
    def reports(self):
        page = random.choice(["kapacitet", "regelsaet", "katalog", "risiko"])
        self.client.get(f"/rapporter/{page}/", name=f"report {page}")

    @task(1)
    def worklist(self):
        self.client.get("/borgere/?scope=team", name="worklist (team)")


class Healthz(HttpUser):
    """The baseline: a request that touches only the database and the broker."""

    # run.sh runs it alone (named on the command line) for the baseline
    wait_time = between(0.05, 0.1)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


@events.test_start.add_listener
def _measure(environment, **kwargs):
    _meter.start()  # the baseline has no logins: measured from the start

    def tick():
        while True:
            gevent.sleep(2)
            _meter.tick()

    gevent.spawn(tick)


@events.test_stop.add_listener
def _measured(environment, **kwargs):
    _meter.stop(environment.stats.total.num_requests)


@events.quitting.add_listener
def _close(environment, **kwargs):
    _acked.close()
