"""The restore drill: seed a scratch database, back it up (`make backup`), drop it, restore the backup
(`make restore`) and check that every table's row count and a checksum of the contacts match."""

import os
import shutil
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings

from tests.conftest import FROZEN_TODAY, ROOT, missing_service

pytestmark = pytest.mark.services


def _server() -> dict:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        missing_service("PostgreSQL", "backups are pg_dump files")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        missing_service("pg_dump and pg_restore", "apt-get install postgresql-client")
    return {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}


def _admin(server: dict, sql: str) -> None:
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)


def _fingerprint(server: dict, name: str) -> tuple[dict, str]:
    """(rows per table, md5 of every contact row in id order)."""
    with psycopg.connect(**server, dbname=name) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        checksum = conn.execute(
            "SELECT md5(string_agg(c::text, '|' ORDER BY c.id)) FROM citizens_contact c").fetchone()[0]
    return counts, checksum


def _make(target: str, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", target, *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "DATABASE_URL": url}, timeout=600)


@pytest.fixture
def scratch_database():
    server = _server()
    name = f"kp_restore_drill_{uuid.uuid4().hex[:8]}"
    _admin(server, f'CREATE DATABASE "{name}"')
    url = f"postgres://{server['user']}:{server['password']}@{server['host']}:{server['port']}/{name}"
    yield server, name, url
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_drop_restore_gives_back_every_row(scratch_database, tmp_path):
    server, name, url = scratch_database
    env = {**os.environ, "DATABASE_URL": url}
    for command in (["migrate", "--noinput"],
                    ["seed_demo", "--citizens", "300", "--on", FROZEN_TODAY.isoformat()]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)
    before = _fingerprint(server, name)
    assert before[0]["citizens_contact"] > 0 and before[0]["citizens_citizen"] == 300

    dump = tmp_path / "drill.dump"
    backup = _make("backup", url, f"FILE={dump}")
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_mode & 0o077 == 0  # it holds CPR numbers: private to its owner

    _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')  # the disaster
    _admin(server, f'CREATE DATABASE "{name}"')
    restore = _make("restore", url, f"FILE={dump}")
    assert restore.returncode == 0, restore.stderr
    assert _fingerprint(server, name) == before


def test_restore_refuses_a_file_that_is_not_a_backup_and_touches_nothing(scratch_database, tmp_path):
    server, name, url = scratch_database
    with psycopg.connect(**server, dbname=name, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (id int)")
    bogus = tmp_path / "not-a-dump.dump"
    bogus.write_text("hello")
    restore = _make("restore", url, f"FILE={bogus}")
    assert restore.returncode != 0
    with psycopg.connect(**server, dbname=name) as conn:
        assert conn.execute("SELECT to_regclass('kept')").fetchone()[0] == "kept"
    assert _make("restore", url).returncode != 0  # no FILE: usage, nothing done
