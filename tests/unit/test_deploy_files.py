"""Static checks of deploy/: what operators copy must keep the anonymity and scaling promises."""

import re
import shlex
from pathlib import Path

import pytest
import yaml  # installed with uvicorn[standard]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TREEHOLE_BIN = "/opt/treehole/.venv/bin/treehole"

SETTINGS = [
    "TREEHOLE_BASE_URL",
    "TREEHOLE_HOST",
    "TREEHOLE_PORT",
    "TREEHOLE_DATA_DIR",
    "TREEHOLE_DATABASE_URL",
    "TREEHOLE_SECRET_KEY",
    "TREEHOLE_POST_MAX_CHARS",
    "TREEHOLE_POST_RATE_LIMIT",
    "TREEHOLE_PUBLISH_DELAY_MAX",
    "TREEHOLE_MAX_TTL",
    "TREEHOLE_ALLOW_LOOPBACK",
    "TREEHOLE_FORWARDED_ALLOW_IPS",
    "TREEHOLE_LOG_LEVEL",
    "TREEHOLE_KEYPOOL_SIZE",
]

# Request data an nginx log line must never contain.
IDENTIFYING_VARS = [
    "$remote_addr",
    "$binary_remote_addr",
    "$realip_remote_addr",
    "$proxy_add_x_forwarded_for",
    "$http_x_forwarded_for",
    "$http_x_real_ip",
    "$http_user_agent",
    "$http_referer",
    "$http_cookie",
    "$request_body",
]


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


# --- docker compose ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_has_db_web_worker(compose):
    assert {"db", "web", "worker"} <= set(compose["services"])


def test_compose_web_serves_without_embedded_workers(compose):
    command = _command(compose["services"]["web"])
    assert command[:2] == ["treehole", "serve"]
    assert "--no-workers" in command
    assert "--no-migrate" not in command  # web is the one that migrates
    assert command[command.index("--host") + 1] == "0.0.0.0"


def test_compose_worker_does_not_migrate_and_waits_for_migrations(compose):
    worker = compose["services"]["worker"]
    assert _command(worker) == ["treehole", "worker", "--no-migrate"]
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    assert "ports" not in worker  # scaling must not collide on a host port


def test_compose_db_is_postgres_with_healthcheck(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:15"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    web = compose["services"]["web"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_database_url_and_env_file(compose):
    for name in ("web", "worker"):
        service = compose["services"][name]
        url = service["environment"]["TREEHOLE_DATABASE_URL"]
        assert re.fullmatch(
            r"postgresql://treehole:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432/treehole"
            r"\?min_size=1&max_size=5",
            url,
        ), url
        env_file = service["env_file"]
        assert ".env" in ([env_file] if isinstance(env_file, str) else env_file)


def test_compose_publishes_web_on_loopback_only(compose):
    ports = compose["services"]["web"]["ports"]
    assert ports and all(str(p).startswith("127.0.0.1:") for p in ports)


# --- nginx ------------------------------------------------------------------------------------


def _nginx_text() -> str:
    text = (DEPLOY / "nginx" / "treehole.conf").read_text()
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def _server_blocks(text: str) -> list[str]:
    blocks = []
    for match in re.finditer(r"\bserver\s*\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        blocks.append(text[match.end() : i - 1])
    return blocks


def _directives(text: str, name: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(rf"(?m)^\s*{name}\s+([^;]*);", text)]


def test_nginx_every_server_has_access_log_off():
    blocks = _server_blocks(_nginx_text())
    assert len(blocks) >= 2
    for block in blocks:
        assert _directives(block, "access_log") == ["off"], block


def test_nginx_no_access_log_anywhere_but_off():
    assert set(_directives(_nginx_text(), "access_log")) == {"off"}


def test_nginx_log_formats_carry_no_client_data():
    text = _nginx_text()
    for match in re.finditer(r"\blog_format\b([^;]*);", text):
        for var in IDENTIFYING_VARS:
            assert var not in match.group(1), f"log_format logs {var}"


def test_nginx_error_log_only_at_emerg():
    # Any lower level (crit included) appends "client: <address>" to request errors.
    text = _nginx_text()
    for block in _server_blocks(text):
        levels = [d.split()[-1] for d in _directives(block, "error_log")]
        assert levels == ["emerg"], block


def test_nginx_proxy_settings():
    text = _nginx_text()
    assert _directives(text, "client_max_body_size") == ["256k"]
    headers = _directives(text, "proxy_set_header")
    assert "Host $host" in headers
    assert "X-Forwarded-Proto $scheme" in headers
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    assert re.search(r"(?m)^\s*server\s+127\.0\.0\.1:8000\s*;", text)
    assert "return 301 https://" in text
    protocols = " ".join(_directives(text, "ssl_protocols")).split()
    assert protocols and set(protocols) <= {"TLSv1.2", "TLSv1.3"}


# --- environment ------------------------------------------------------------------------------


def _documented(text: str) -> set[str]:
    return set(re.findall(r"(?m)^#?\s*(TREEHOLE_[A-Z0-9_]+)=", text))


@pytest.mark.parametrize("name", ["env.example", ".env.example"])
def test_env_example_lists_every_setting(name):
    text = (DEPLOY / name).read_text()
    missing = set(SETTINGS) - _documented(text)
    assert not missing, f"{name} lacks {sorted(missing)}"


def test_env_examples_are_identical():
    assert (DEPLOY / "env.example").read_text() == (DEPLOY / ".env.example").read_text()


def test_env_example_holds_no_secret_values():
    text = (DEPLOY / "env.example").read_text()
    assert re.search(r"(?m)^#?\s*TREEHOLE_SECRET_KEY=$", text)
    assert re.search(r"(?m)^POSTGRES_PASSWORD=$", text)


def test_every_variable_used_in_deploy_is_documented():
    documented = _documented((DEPLOY / "env.example").read_text())
    used: set[str] = set()
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.name not in ("env.example", ".env.example", "README.md"):
            used |= set(re.findall(r"TREEHOLE_[A-Z0-9_]+", path.read_text()))
    assert used and used <= documented, sorted(used - documented)


# --- systemd ----------------------------------------------------------------------------------


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


UNITS = {
    "treehole-web.service": ["serve", "--no-workers"],
    "treehole-web@.service": ["serve", "--no-workers", "--no-migrate", "--port", "%i"],
    "treehole-worker.service": ["worker", "--no-migrate"],
    "treehole-worker@.service": ["worker", "--no-migrate"],
}


@pytest.mark.parametrize("name", sorted(UNITS))
def test_systemd_unit_runs_treehole_as_treehole(name):
    unit = _unit(name)
    assert unit["User"] == ["treehole"]
    assert unit["EnvironmentFile"] == ["/etc/treehole/env"]
    assert unit["WorkingDirectory"] == ["/var/lib/treehole"]
    assert len(unit["ExecStart"]) == 1
    assert shlex.split(unit["ExecStart"][0]) == [TREEHOLE_BIN, *UNITS[name]]
    assert unit["Restart"] == ["on-failure"]


@pytest.mark.parametrize("name", sorted(UNITS))
def test_systemd_unit_is_hardened(name):
    unit = _unit(name)
    expected = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ReadWritePaths": "/var/lib/treehole",
        "CapabilityBoundingSet": "",
    }
    for key, value in expected.items():
        assert unit.get(key) == [value], key


def test_systemd_workers_start_after_migrating_web():
    assert _unit("treehole-web.service")["ExecStartPre"] == [f"{TREEHOLE_BIN} migrate"]
    for name in ("treehole-worker.service", "treehole-worker@.service", "treehole-web@.service"):
        assert "treehole-web.service" in " ".join(_unit(name)["After"]).split()


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_runs_unprivileged_with_healthcheck_and_no_secrets():
    text = (DEPLOY / "Dockerfile").read_text()
    final_stage = re.split(r"(?m)^FROM ", text)[-1]
    assert final_stage.startswith("python:3.11-slim")
    assert re.search(r"(?m)^USER treehole\b", final_stage)
    assert re.search(r"(?m)^EXPOSE 8000$", final_stage)
    assert "TREEHOLE_DATA_DIR=/data" in final_stage
    healthcheck = re.search(r"(?ms)^HEALTHCHECK.*?^\s*CMD (\[.*?\])$", final_stage)
    assert healthcheck and "/readyz" in healthcheck.group(1) and "curl" not in healthcheck.group(1)
    assert re.search(r'(?m)^CMD \["treehole", "serve", "--host", "0.0.0.0"\]$', final_stage)
    for line in re.findall(r"(?m)^(?:ENV|ARG)\b.*(?:\n\s+.*)*", text):
        assert not re.search(r"SECRET|PASSWORD|TOKEN", line), line
    assert not re.search(r"(?m)^COPY\s+\.\s", text), "copy the package sources, not the repo"
