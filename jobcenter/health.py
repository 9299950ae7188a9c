"""Liveness of what the product depends on: the database and the Celery broker."""

from django.db import connection

from jobcenter.celery import app


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is not usable
        return f"{type(exc).__name__}: {exc}"
    return None


def check_broker() -> str | None:
    if app.conf.task_always_eager:
        return None  # tasks run in-process; there is no broker to reach
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises several kinds; all mean unreachable
        return f"{type(exc).__name__}: {exc}"
    return None


def health_report() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker()}
    ok = all(error is None for error in checks.values())
    body = {
        "status": "ok" if ok else "error",
        "checks": {name: ("ok" if err is None else "error") for name, err in checks.items()},
        "failed": [name for name, err in checks.items() if err is not None],
        "broker_mode": "in-process" if app.conf.task_always_eager else "redis",
    }
    if not ok:
        body["errors"] = {name: err for name, err in checks.items() if err is not None}
    return ok, body
