"""Production settings for the load test over plain http on 127.0.0.1 (run.sh): the only change is
that cookies are not marked Secure and nothing redirects to https, since there is no TLS proxy."""

from jobcenter.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
