"""CPU time used by the web workers, the database and the load generator while locust measures,
so that run.sh can print the server's CPU per request: a figure that, unlike req/s and latency,
hardly depends on what else the shared machine is doing. Linux only (/proc); imported by the
locust file, which runs in the load generator's own venv (standard library only here).

run.sh exports LOAD_SERVER_PID (the gunicorn master), LOAD_DB_NAME and LOAD_CPU (the output file).
"""

import json
import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int | str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _children(pid: int | str) -> list[str]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += (task / "children").read_text().split()
        except OSError:
            pass
    return found


def _database_backends(name: str) -> list[str]:
    """PostgreSQL backends serving `name` (their process title names the database)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {name} " in title:
            pids.append(entry.name)
    return pids


def sample() -> dict:
    """CPU seconds so far of the web workers (master and workers), the database backends of the
    load-test database, and this process (the load generator), with the time and load average."""
    server = os.environ.get("LOAD_SERVER_PID")
    web = [server, *_children(server)] if server else []
    database = os.environ.get("LOAD_DB_NAME", "")
    return {
        "time": time.monotonic(),
        "web": sum(_cpu_seconds(pid) for pid in web),
        "web_processes": len(web),
        "database": sum(_cpu_seconds(pid) for pid in _database_backends(database)) if database else 0.0,
        "locust": _cpu_seconds("self"),
        "load": os.getloadavg()[0],
    }


class Meter:
    """start() when the measured period begins, stop() when it ends; writes the differences and
    the load average (sampled every few seconds by tick()) to $LOAD_CPU."""

    def __init__(self):
        self.first: dict | None = None
        self.loads: list[float] = []

    def start(self) -> None:
        self.first = sample()
        self.loads = [self.first["load"]]

    def tick(self) -> None:
        if self.first is not None:
            self.loads.append(os.getloadavg()[0])

    def stop(self, requests: int) -> None:
        out = os.environ.get("LOAD_CPU")
        if self.first is None or not out:
            return
        last = sample()
        seconds = last["time"] - self.first["time"]
        result = {
            "seconds": seconds,
            "requests": requests,
            "web_processes": last["web_processes"],
            "load_mean": sum(self.loads) / len(self.loads),
            "load_max": max(self.loads),
        }
        for part in ("web", "database", "locust"):
            used = last[part] - self.first[part]
            result[f"{part}_cpu_s"] = used
            result[f"{part}_ms_per_request"] = 1000 * used / requests if requests else None
            result[f"{part}_cores"] = used / seconds if seconds else None
        Path(out).write_text(json.dumps(result))
