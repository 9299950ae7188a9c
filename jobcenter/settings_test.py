"""Settings for the test suite: the development settings (DEBUG=1 unless the environment says
otherwise), since the project refuses to start without SECRET_KEY or an explicit DEBUG."""

import os

os.environ.setdefault("DEBUG", "1")
# Tests move the clock by hours between requests; the idle timeout has its own test that turns it on.
os.environ.setdefault("SESSION_IDLE_MINUTES", "0")

from jobcenter.settings import *  # noqa: E402, F403
