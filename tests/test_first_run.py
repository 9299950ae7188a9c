"""The README's first command on the embedded default: migrate and seed the demo into a fresh
SQLite file, as `make run` does (the rest of the suite runs on PostgreSQL, so PostgreSQL-only SQL
in the demo's path would otherwise go unnoticed)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_demo_seeds_and_forecasts_on_a_fresh_sqlite_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'first-run.sqlite3'}")
    migrated = _manage("migrate", "--noinput", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    seeded = _manage("seed_demo", "--citizens", "400", env=env)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    assert "Første prognose beregnet" in seeded.stdout
