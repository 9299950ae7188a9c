"""Test-only clock hook: a Celery worker started by the test suite shares the suite's frozen "now".

The suite freezes its own clock with time-machine (`tests/conftest.py`); the worker it starts is
another process, so the suite passes the instant in `KONTAKTPLAN_TEST_NOW` and the worker starts
its clock there (ticking, so timeouts still pass). Without the variable nothing happens and
time-machine, a test requirement, is never imported: production never sets it.
"""

import os
from datetime import datetime

ENV = "KONTAKTPLAN_TEST_NOW"


def configured_now() -> datetime | None:
    value = os.environ.get(ENV, "").strip()
    return datetime.fromisoformat(value) if value else None


def install() -> bool:
    """Move this process's clock to KONTAKTPLAN_TEST_NOW (if set) and let it tick from there."""
    now = configured_now()
    if now is None:
        return False
    import time_machine

    time_machine.travel(now, tick=True).start()
    return True
