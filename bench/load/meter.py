"""CPU time used by the web workers, the database and the load generator while locust measures,
so that run.sh can print the server's CPU per request: a figure that, unlike req/s and latency,
hardly depends on what else the shared machine is doing. Linux only (/proc); imported by the
locust file, which runs in the load generator's own venv (standard library only here).

run.sh exports LOAD_SERVER_PID (the gunicorn master), LOAD_DB_NAME and LOAD_CPU (the output file).
Processes are sampled every two seconds, so a database backend that ends (a persistent connection
reaching CONN_MAX_AGE) counts up to its last sample.
"""

import json
import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_and_faults(pid: int | str) -> tuple[float, int] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK, int(fields[7])  # utime + stime, minflt


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


def _processes() -> dict[str, list[str]]:
    server = os.environ.get("LOAD_SERVER_PID")
    database = os.environ.get("LOAD_DB_NAME", "")
    return {
        "web": [server, *_children(server)] if server else [],
        "database": _database_backends(database) if database else [],
        "locust": [str(os.getpid())],
    }


class Meter:
    """start() when the measured period begins, tick() every few seconds, stop() at the end: writes
    the CPU used by each part (web, database, locust) and the load average to $LOAD_CPU."""

    def __init__(self):
        self.started: float | None = None
        self.first: dict[tuple[str, str], tuple[float, int]] = {}
        self.last: dict[tuple[str, str], tuple[float, int]] = {}
        self.loads: list[float] = []

    def _sample(self, initial: bool = False) -> None:
        for part, pids in _processes().items():
            for pid in pids:
                used = _cpu_and_faults(pid)
                if used is not None:
                    # a process that appears later started within this period (a new connection)
                    self.first.setdefault((part, pid), used if initial else (0.0, 0))
                    self.last[(part, pid)] = used
        self.loads.append(os.getloadavg()[0])

    def start(self) -> None:
        self.started, self.first, self.last, self.loads = time.monotonic(), {}, {}, []
        self._sample(initial=True)

    def tick(self) -> None:
        if self.started is not None:
            self._sample()

    def stop(self, requests: int) -> None:
        out = os.environ.get("LOAD_CPU")
        if self.started is None or not out:
            return
        self._sample()
        seconds = time.monotonic() - self.started
        result: dict[str, float | int | None] = {
            "seconds": seconds,
            "requests": requests,
            "web_processes": sum(1 for part, _pid in self.last if part == "web"),
            "load_mean": sum(self.loads) / len(self.loads),
            "load_max": max(self.loads),
        }
        for part in ("web", "database", "locust"):
            used = sum(v[0] - self.first[key][0] for key, v in self.last.items() if key[0] == part)
            faults = sum(v[1] - self.first[key][1] for key, v in self.last.items() if key[0] == part)
            result[f"{part}_faults_per_request"] = faults / requests if requests else None
            result[f"{part}_cpu_s"] = used
            result[f"{part}_ms_per_request"] = 1000 * used / requests if requests else None
            result[f"{part}_cores"] = used / seconds if seconds else None
        Path(out).write_text(json.dumps(result))
