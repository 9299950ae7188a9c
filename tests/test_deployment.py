"""Static checks of the deployment files (Dockerfile, docker-compose.yml, .env.example).

These tests read files only: no database, no Docker daemon, no network.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
REQUIREMENTS = REPO_ROOT / "requirements.txt"

REQUIRED_SERVICES = {"db", "redis", "web", "worker", "beat"}
APP_SERVICES = ("web", "worker", "beat")
PLACEHOLDER = "CHANGE_ME"


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict:
    services = compose.get("services")
    assert isinstance(services, dict), "docker-compose.yml has no 'services' mapping"
    return services


def _command_text(command) -> str:
    """Flatten a compose ``command`` (string or list, possibly ``sh -c ...``)."""
    if command is None:
        return ""
    if isinstance(command, str):
        return command
    return " ".join(str(part) for part in command)


def _healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    if test is None:
        return ""
    if isinstance(test, str):
        return test
    return " ".join(str(part) for part in test)


def _host_ip_of_port(port) -> str | None:
    """Return the host IP of a published port entry, or None if unbound (all interfaces)."""
    if isinstance(port, dict):  # long syntax
        if "published" not in port:
            return "unpublished"
        return port.get("host_ip")
    spec = str(port).split("/", 1)[0]  # drop /tcp, /udp
    if spec.startswith("["):  # [::1]:8000:8000
        return spec[1 : spec.index("]")]
    parts = spec.split(":")
    if len(parts) == 3:
        return parts[0]
    return None  # "8000" or "8000:8000" -> bound to 0.0.0.0


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    logical: list[str] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        logical.append(buf)
        buf = ""
    if buf:
        logical.append(buf)
    result = []
    for line in logical:
        instr, _, args = line.partition(" ")
        result.append((instr.upper(), args.strip()))
    return result


def _requirement_lines(path: Path) -> list[str]:
    """Logical requirement lines: continuations joined, comments and blanks removed."""
    joined: list[str] = []
    buf = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        if buf.strip():
            joined.append(buf.strip())
        buf = ""
    if buf.strip():
        joined.append(buf.strip())
    return joined


def _parse_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, sep, value = line.partition("=")
        assert sep, f".env.example line is not KEY=VALUE: {raw!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


# --------------------------------------------------------------------------- compose


def test_compose_file_parses(compose):
    assert "services" in compose


def test_compose_has_all_services(services):
    missing = REQUIRED_SERVICES - set(services)
    assert not missing, f"docker-compose.yml is missing services: {sorted(missing)}"


def test_published_ports_bound_to_loopback(services):
    offenders = []
    for name, service in services.items():
        for port in service.get("ports") or []:
            host_ip = _host_ip_of_port(port)
            if host_ip == "unpublished":
                continue
            if host_ip not in ("127.0.0.1", "::1"):
                offenders.append(f"{name}: {port!r}")
    assert not offenders, "ports must be bound to 127.0.0.1: " + ", ".join(offenders)


def test_web_published_on_localhost_8000(services):
    ports = [str(p) for p in services["web"].get("ports") or []]
    assert "127.0.0.1:8000:8000" in ports


def test_db_and_redis_not_publicly_exposed(services):
    for name in ("db", "redis"):
        for port in services[name].get("ports") or []:
            assert _host_ip_of_port(port) in ("127.0.0.1", "::1", "unpublished"), (name, port)


@pytest.mark.parametrize(
    ("service", "needles"),
    [
        ("db", ("pg_isready",)),
        ("redis", ("redis-cli", "ping")),
        ("web", ("urllib", "http://127.0.0.1:8000/healthz")),
    ],
)
def test_healthchecks(services, service, needles):
    text = _healthcheck_text(services[service])
    assert text, f"{service} has no healthcheck"
    for needle in needles:
        assert needle in text, f"{service} healthcheck should use {needle!r}: {text!r}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_share_image_env_and_wait_for_healthy_deps(services, service):
    svc = services[service]
    assert svc.get("build") in (".", {"context": "."}), f"{service} must build from ."
    env_file = svc.get("env_file")
    env_files = [env_file] if isinstance(env_file, str) else list(env_file or [])
    env_files = [e if isinstance(e, str) else e.get("path") for e in env_files]
    assert ".env" in env_files, f"{service} must read configuration from .env"
    depends_on = svc.get("depends_on")
    assert isinstance(depends_on, dict), f"{service}: depends_on needs conditions"
    for dep in ("db", "redis"):
        assert (depends_on.get(dep) or {}).get("condition") == "service_healthy", (
            f"{service} must wait for {dep} to be healthy"
        )


def test_compose_uses_app_anchor():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert re.search(r"^x-app:\s*&app\b", text, re.MULTILINE), "expected 'x-app: &app' anchor"
    assert text.count("<<: *app") >= len(APP_SERVICES)


def test_web_command_migrates_then_serves(services):
    cmd = _command_text(services["web"].get("command"))
    assert "python manage.py migrate --noinput" in cmd
    assert "gunicorn jobcenter.wsgi:application" in cmd
    assert cmd.index("migrate") < cmd.index("gunicorn")
    assert "0.0.0.0:8000" in cmd


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_commands(services, service, subcommand):
    argv = shlex.split(_command_text(services[service].get("command")))
    assert argv[:1] == ["celery"], argv
    assert "-A" in argv and argv[argv.index("-A") + 1] == "jobcenter", argv
    assert subcommand in argv


def _modules_named_in_commands(services) -> tuple[set[str], set[str]]:
    celery_apps: set[str] = set()
    wsgi_modules: set[str] = set()
    commands = [_command_text(s.get("command")) for s in services.values()]
    commands.append(" ".join(args for instr, args in _dockerfile_instructions() if instr == "CMD"))
    for cmd in commands:
        celery_apps.update(re.findall(r"celery\s+(?:-A|--app)[\s=]+([\w.]+)", cmd))
        wsgi_modules.update(re.findall(r"gunicorn[\"',\s\[]+([\w.]+):\w+", cmd))
    return celery_apps, wsgi_modules


def test_commands_reference_existing_modules(services):
    """Modules named by the commands must exist on disk (created by the Django code)."""
    celery_apps, wsgi_modules = _modules_named_in_commands(services)
    assert celery_apps == {"jobcenter"}, celery_apps
    assert wsgi_modules == {"jobcenter.wsgi"}, wsgi_modules
    missing = []
    for app in celery_apps:
        package = REPO_ROOT / app.replace(".", "/")
        for required in ("__init__.py", "celery.py"):
            if not (package / required).is_file():
                missing.append(str((package / required).relative_to(REPO_ROOT)))
    for module in wsgi_modules:
        path = REPO_ROOT / (module.replace(".", "/") + ".py")
        if not path.is_file():
            missing.append(str(path.relative_to(REPO_ROOT)))
    if not (REPO_ROOT / "manage.py").is_file():
        missing.append("manage.py")
    assert not missing, f"files referenced by compose/Dockerfile commands are missing: {missing}"


# --------------------------------------------------------------------------- Dockerfile


def test_dockerfile_base_image_and_runtime():
    instructions = _dockerfile_instructions()
    froms = [args for instr, args in instructions if instr == "FROM"]
    assert froms and froms[-1].split()[0] == "python:3.11-slim", froms
    assert any(instr == "EXPOSE" and "8000" in args.split() for instr, args in instructions)
    users = [args for instr, args in instructions if instr == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0"), "image must run as a non-root user"
    cmd = [args for instr, args in instructions if instr == "CMD"]
    assert cmd and "gunicorn" in cmd[-1] and "jobcenter.wsgi:application" in cmd[-1]
    assert "0.0.0.0:8000" in cmd[-1]


def test_dockerfile_collectstatic_with_dummy_secret():
    runs = [args for instr, args in _dockerfile_instructions() if instr == "RUN"]
    collect = [r for r in runs if "collectstatic" in r]
    assert collect, "Dockerfile must run collectstatic at build time"
    assert "--noinput" in collect[0]
    assert "SECRET_KEY=" in collect[0], "collectstatic needs a dummy SECRET_KEY"


def test_dockerfile_installs_requirements_txt():
    instructions = _dockerfile_instructions()
    copies = [args for instr, args in instructions if instr in ("COPY", "ADD")]
    assert any("requirements.txt" in args.split() for args in copies), copies
    runs = [args for instr, args in instructions if instr == "RUN"]
    assert any(
        re.search(r"pip3?\s+install\b.*(-r|--requirement)[\s=]+(\./)?requirements\.txt\b", r) for r in runs
    ), runs


def test_makefile_and_readme_use_same_requirements_file():
    """If the Makefile/README install from a requirements file, it is requirements.txt
    (directly, or via a file that includes ``-r requirements.txt``)."""
    referenced: set[str] = set()
    for name in ("Makefile", "README.md", "README.rst", "README"):
        path = REPO_ROOT / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            referenced.update(
                re.findall(r"(?:pip3?\s+install|pip-sync)\b[^\n]*?(?:-r\s+)?(requirements[\w.-]*\.txt)", text)
            )
    if not referenced:
        pytest.skip("no Makefile/README requirements reference yet")

    def includes_runtime(filename: str, seen: set[str]) -> bool:
        if filename == "requirements.txt":
            return True
        path = REPO_ROOT / filename
        if filename in seen or not path.is_file():
            return False
        seen.add(filename)
        nested = re.findall(r"^\s*(?:-r|--requirement)[\s=]+(\S+)", path.read_text(encoding="utf-8"), re.M)
        return any(includes_runtime(n, seen) for n in nested)

    assert any(includes_runtime(f, set()) for f in referenced), referenced


REQ_LINE = re.compile(
    r"""^[A-Za-z0-9][A-Za-z0-9._-]*      # project name
        (\[[A-Za-z0-9._,\s-]+\])?        # extras
        \s*===?\s*[^\s;=<>!~,*]+         # == exact version (no wildcard)
        (\s*;[^-]*)?                     # environment marker
        (\s+--hash=\S+)*\s*$""",
    re.VERBOSE,
)


def test_requirements_txt_fully_pinned():
    assert REQUIREMENTS.is_file(), "requirements.txt (pinned lock file) is missing at the repo root"
    lines = _requirement_lines(REQUIREMENTS)
    assert lines, "requirements.txt is empty"
    unpinned = []
    for line in lines:
        if line.startswith("-"):
            # Global pip options are fine; includes/editables would bypass pinning.
            if re.match(r"^(-r|--requirement|-c|--constraint|-e|--editable)\b", line):
                unpinned.append(line)
            continue
        if not REQ_LINE.match(line):
            unpinned.append(line)
    assert not unpinned, f"requirements.txt lines not pinned with '==': {unpinned}"


# --------------------------------------------------------------------------- .env.example

SECRET_KEY_NAMES = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE)", re.I)
RANDOM_LOOKING = re.compile(r"[A-Za-z0-9_\-+/=]{24,}")


def test_env_example_has_expected_keys():
    env = _parse_env_file(ENV_EXAMPLE)
    expected = {
        "DATABASE_URL",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_DB",
        "REDIS_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_SSL_REDIRECT",
    }
    assert expected <= set(env), f"missing keys: {sorted(expected - set(env))}"
    assert env["DEBUG"] in ("0", "False", "false")
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_env_example_contains_no_real_secrets():
    env = _parse_env_file(ENV_EXAMPLE)
    assert env["SECRET_KEY"] == PLACEHOLDER
    problems = []
    for key, value in env.items():
        if SECRET_KEY_NAMES.search(key) and value not in ("", PLACEHOLDER):
            problems.append(f"{key} should be {PLACEHOLDER}")
        # Credentials embedded in URLs: scheme://user:password@host
        for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
            if password != PLACEHOLDER:
                problems.append(f"{key} embeds a password in its URL")
        if "django-insecure-" in value:
            problems.append(f"{key} contains a generated Django key")
        for token in RANDOM_LOOKING.findall(value.replace(PLACEHOLDER, "")):
            # Generated keys/tokens mix lower case, upper case and digits.
            if all(re.search(p, token) for p in (r"[a-z]", r"[A-Z]", r"\d")):
                problems.append(f"{key} looks like a real secret: {token[:4]}...")
    assert not problems, problems


def test_redis_keeps_queued_jobs_across_a_restart(services):
    # Celery's queue and unacknowledged messages live in Redis: without persistence a restart
    # loses every queued job (tests/faults tests the same with a real redis-server).
    command = _command_text(services["redis"].get("command"))
    assert "--appendonly yes" in command
    assert "redisdata:/data" in services["redis"].get("volumes", [])
