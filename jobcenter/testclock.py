"""Test-only clock hook: a Celery worker started by the test suite shares the suite's frozen date.

The suite freezes its own clock with time-machine (`tests/conftest.py`); a worker it starts is
another process, so the suite passes the instant in `KONTAKTPLAN_TEST_NOW` and the real time
(epoch seconds) it stands for in `KONTAKTPLAN_TEST_NOW_AT`. The worker's clock then runs at that
instant plus the real time since, so two workers started at different moments agree with each other
(the broker's redelivery timestamps depend on it). Without the variable nothing happens and
time-machine, a test requirement, is never imported: production never sets it.
"""

import os
import time
from datetime import datetime, timedelta

ENV = "KONTAKTPLAN_TEST_NOW"
ENV_AT = "KONTAKTPLAN_TEST_NOW_AT"


def configured_now() -> datetime | None:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    now = datetime.fromisoformat(value)
    at = os.environ.get(ENV_AT, "").strip()
    return now + timedelta(seconds=time.time() - float(at)) if at else now


def install() -> bool:
    """Move this process's clock to the suite's instant (if set) and let it tick from there."""
    now = configured_now()
    if now is None:
        return False
    import time_machine

    time_machine.travel(now, tick=True).start()
    return True
