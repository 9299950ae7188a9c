"""Fault tests: a Redis server and Celery workers of the test's own, which it may kill.

Never the shared Redis: each test starts `redis-server` on a free port in a temporary directory
(AOF on, as in docker-compose) and kills only the processes it started.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import (
    ROOT,
    _database_url,
    _port_open,
    celery_configure,
    missing_service,
    wait_for,
    worker_clock_env,
)

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One redis-server with append-only persistence; stop() is a clean SHUTDOWN, kill() is -9."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for(lambda: _port_open(self.url), timeout=20):
            pytest.fail(f"redis-server did not start on port {self.port}")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis flushes the AOF and exits
            self.proc.wait(timeout=20)
        wait_for(lambda: not _port_open(self.url), timeout=10)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=20)


class Worker:
    """A `celery worker` process group on the test's Redis and queue, on the suite's frozen date."""

    def __init__(self, redis: RedisServer, queue: str, pool: str = "solo", **env):
        self.redis, self.queue, self.pool, self.env = redis, queue, pool, env
        self.proc: subprocess.Popen | None = None
        self.log = ROOT / f".celery-fault-{queue}.log"

    def start(self) -> "Worker":
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": self.redis.url,
            **worker_clock_env(),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **self.env,
        }
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "jobcenter", "worker", f"--pool={self.pool}",
                 "--concurrency=1", "-Q", self.queue, "--loglevel=info", "--without-heartbeat",
                 "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """kill -9 the worker and its pool processes: nothing gets to acknowledge or requeue."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)

    def kill_pool_process(self) -> int:
        """kill -9 one pool process of a prefork worker (not the worker itself); returns its pid."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids = wait_for(lambda: children.read_text().split(), timeout=10)
        assert pids, "the worker has no pool process"
        os.kill(int(pids[0]), signal.SIGKILL)
        return int(pids[0])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""


@pytest.fixture
def own_redis(tmp_path):
    if not Path(REDIS_SERVER).exists():
        missing_service("redis-server", "the fault tests start their own (apt-get install redis-server)")
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def own_workers(own_redis):
    """Start workers with `own_workers(**env)`; the Celery app in this process sends to the same
    Redis and queue. Every worker started is killed at the end."""
    from jobcenter.celery import app

    queue = f"fault-{uuid.uuid4().hex[:8]}"
    started: list[Worker] = []
    previous = celery_configure(app, broker_url=own_redis.url, task_always_eager=False,
                                task_default_queue=queue)

    def start(**env) -> Worker:
        worker = Worker(own_redis, queue, **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
        worker.log.unlink(missing_ok=True)
    celery_configure(app, **previous)


def wait_until_ready(worker: Worker, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.proc.poll() is not None:
            pytest.fail(f"celery worker exited: {worker.tail()}")
        if "ready." in worker.tail():
            return
        time.sleep(0.3)
    pytest.fail(f"celery worker not ready within {timeout} s: {worker.tail()}")
