"""Settings for the test suite: the development settings (DEBUG=1 unless the environment says
otherwise), since the project refuses to start without SECRET_KEY or an explicit DEBUG."""

import os

os.environ.setdefault("DEBUG", "1")

from jobcenter.settings import *  # noqa: E402, F403
