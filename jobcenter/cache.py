"""The shared cache fails open: while Redis is down every read is a miss and every write is skipped,
with one logged warning per interval, so pages, API reads (the throttle's counters live here) and
contact registration keep working; only the speed-ups and rate limits are gone until Redis is back.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure, so an outage costs no timeouts


def redis_cache(url: str) -> dict:
    """The CACHES entry for a Redis at `url` (settings.py, and the fault tests)."""
    return {"BACKEND": "jobcenter.cache.FailOpenRedisCache", "LOCATION": url}


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5,
                                        **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, method: str, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except DOWN as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            log.warning("Redis cache unavailable, carrying on without it for %ss: %s", RETRY_AFTER, exc)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def clear(self):
        return self._call("clear", False)
