"""Shared test fixtures: personas, real services (PostgreSQL, Redis, a Celery worker, Chromium).

A test that needs a service that is not there is skipped naming the service, except when
REQUIRE_SERVICES=1 (CI), where it fails: a green CI cannot hide a service that never ran.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model

from jobcenter.models import Role, StaffMember, Team

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "screenshots"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside pytest-django

# Every test runs at this instant (a Wednesday morning in Copenhagen, reform-2026 in force), so the
# suite gives the same result on any day. KONTAKTPLAN_TEST_NOW (ISO 8601 with offset) overrides it.
FROZEN_NOW = datetime.fromisoformat(os.environ.get("KONTAKTPLAN_TEST_NOW") or "2026-12-02T10:00:00+01:00")
FROZEN_TODAY = FROZEN_NOW.astimezone(ZoneInfo(settings.TIME_ZONE)).date()  # for parametrize (collection time)
FROZEN_AT = time.time()  # the real moment FROZEN_NOW stands for in worker processes (testclock)

# CI's second pass sets KONTAKTPLAN_TEST_SHIFT_DAYS=365: this process's real clock runs a year ahead
# from before any test module is collected, so whatever still reads the real date shows up there.
if int(os.environ.get("KONTAKTPLAN_TEST_SHIFT_DAYS") or 0):
    time_machine.travel(
        datetime.now(UTC) + timedelta(days=int(os.environ["KONTAKTPLAN_TEST_SHIFT_DAYS"])), tick=True
    ).start()


def missing_service(name: str, why: str):
    message = f"needs {name}: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but the test {message}")
    pytest.skip(message)


def wait_for(predicate, timeout: float = 30.0):
    """Poll until `predicate()` is truthy (work done by another process), then return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def _port_open(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def frozen_clock():
    """Freeze "now" at FROZEN_NOW for every test. The clock ticks from there (live servers, sessions
    and timeouts need time to pass) but the date stays put; use `frozen_clock.move_to(...)` or
    `.shift(...)` to go elsewhere. Celery workers started here get the same instant (testclock)."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _engine_results_per_test(request, monkeypatch):
    """The forecast's engine cache starts empty in each test, and a test without the database reads
    no engine results the refresh kept (``forecast.ENGINE_LOADER``, set by ``jobcenter.services``)."""
    from jobcenter import forecast as fc

    fc.ENGINE_CACHE.clear()
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        monkeypatch.setattr(fc, "ENGINE_LOADER", None)
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures must not leak between test databases."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- personas -------------------------------------------------------------------------------


def make_staff(username: str, role: str, team: Team | None, *, first_name: str = "") -> StaffMember:
    user = get_user_model().objects.create_user(
        username=username, password="pw-" + username, first_name=first_name or username.title()
    )
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    member = StaffMember.objects.create(user=user, role=role, team=team)
    if role == Role.TEAM_LEADER and team is not None:
        team.leaders.add(member)
    return member


@pytest.fixture
def teams(db):
    return Team.objects.create(name="Team Nord"), Team.objects.create(name="Team Syd")


@pytest.fixture
def alice(teams):
    """Caseworker in Team Nord."""
    return make_staff("alice", Role.CASEWORKER, teams[0])


@pytest.fixture
def bob(teams):
    """Caseworker in Team Syd."""
    return make_staff("bob", Role.CASEWORKER, teams[1])


@pytest.fixture
def lea(teams):
    """Team leader of Team Nord."""
    return make_staff("lea", Role.TEAM_LEADER, teams[0])


@pytest.fixture
def ada(db):
    """Administrator."""
    return make_staff("ada", Role.ADMIN, None)


def client_for(client, member: StaffMember):
    client.force_login(member.user)
    return client


# --- Redis and a real Celery worker ---------------------------------------------------------

CELERY_KEYS = ("broker_url", "task_always_eager", "task_default_queue")


def celery_configure(app, **values) -> dict:
    """Change the Celery app's settings for a test; returns the previous values to restore.

    The app reads Django settings under the CELERY_ namespace, and namespaced keys win over plain
    ones, so both are set.
    """
    previous = {key: app.conf.get(key) for key in values}
    app.conf.update(**values, **{f"CELERY_{key.upper()}": value for key, value in values.items()})
    _reset_broker_pool(app)  # connections to the old broker must not be reused
    return previous


def _reset_broker_pool(app) -> None:
    """Close the producer/connection pools and drop them, so the next use opens new ones on the
    current broker_url (a closed kombu pool refuses to hand out connections)."""
    from kombu import pools

    pools.reset()  # closes every pool and clears kombu's registries of them
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _port_open(TEST_REDIS_URL):
        missing_service("Redis", f"nothing answers on {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def worker_clock_env() -> dict[str, str]:
    """Environment that puts a worker process on the suite's frozen date (jobcenter/testclock.py)."""
    return {"KONTAKTPLAN_TEST_NOW": FROZEN_NOW.isoformat(), "KONTAKTPLAN_TEST_NOW_AT": repr(FROZEN_AT)}


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, redis_url):
    """A real `celery worker` process on its own queue, pointed at the test database and Redis."""
    from jobcenter.celery import app

    if settings.DATABASES["default"]["NAME"] == ":memory:" or "mode=memory" in str(
        settings.DATABASES["default"]["NAME"]
    ):
        missing_service("a file or server database", "a worker process cannot see an in-memory SQLite DB")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        **worker_clock_env(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # never mail out from tests
        "LOG_LEVEL": "INFO",  # the worker's start-up lines (its warm-up) reach its log
    }
    log = open(ROOT / f".celery-{queue}.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jobcenter",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=info",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = celery_configure(app, broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"celery worker exited: {(ROOT / log.name).read_text()[-2000:]}")
            if app.control.ping(timeout=1.0):
                break
        else:
            pytest.fail("celery worker did not answer ping within 60 s")
        yield {"queue": queue, "app": app}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)
        celery_configure(app, **previous)


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        missing_service("Chromium", f"no browser at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
                "--disable-dev-shm-usage",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    from jobcenter.demo import ensure_shipped_rules

    ensure_shipped_rules()  # a transactional test before this one may have flushed the rule data
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core in the page; return the violations of the given impacts."""
    # By URL, not inline: the Content-Security-Policy allows scripts from the site's own files only.
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
