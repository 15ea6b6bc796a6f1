"""Settings from TREEHOLE_* environment variables, validated once at start-up.

A bad value raises `ConfigError` naming the variable; the CLI prints that one line and exits.
Nothing here is read at import time.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(Exception):
    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that never shows in reprs, logs or exceptions."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "**********"


@dataclass(frozen=True, slots=True)
class RateLimit:
    count: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class Settings:
    base_url: str
    host: str
    port: int
    data_dir: Path
    database_url: str
    secret_key: Secret
    post_max_chars: int
    post_rate_limit: RateLimit
    # Posts by direct message (issue #13): per sender, and per sender's server.
    dm_rate_limit: RateLimit
    dm_domain_rate_limit: RateLimit
    publish_delay_max: int
    max_ttl: int
    allow_loopback: bool
    forwarded_allow_ips: str
    log_level: str
    keypool_size: int

    @property
    def domain(self) -> str:
        """The host (with port, if any) that names this instance in handles: `@board@domain`."""
        return urlsplit(self.base_url).netloc


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _text(env, name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _text(env, name, "1" if default else "0").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(name, f"expected 1 or 0, got {raw!r}")


def default_base_url(host: str, port: int) -> str:
    """Where a local instance is reached when no public origin is configured."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def _base_url(env: Mapping[str, str], host: str, port: int) -> str:
    name = "TREEHOLE_BASE_URL"
    raw = _text(env, name, default_base_url(host, port)).rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(name, f"expected an origin like https://example.org, got {raw!r}")
    if parts.path or parts.query or parts.fragment:
        raise ConfigError(name, "must be an origin only (no path, query or fragment)")
    return raw


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    name = "TREEHOLE_DATABASE_URL"
    raw = _text(env, name, f"sqlite:///{(data_dir / 'treehole.db').resolve()}")
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme.split("+", 1)[0] not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(name, "expected sqlite:///path or postgresql://user@host/db")
    return raw


def _rate_limit(
    env: Mapping[str, str], name: str = "TREEHOLE_POST_RATE_LIMIT", default: str = "10/600"
) -> RateLimit:
    raw = _text(env, name, default)
    count, _, window = raw.partition("/")
    try:
        limit = RateLimit(int(count), int(window))
    except ValueError:
        raise ConfigError(name, f"expected COUNT/SECONDS like 10/600, got {raw!r}") from None
    if limit.count < 1 or limit.window_seconds < 1:
        raise ConfigError(name, "count and window must both be positive")
    return limit


def _create_key_file(path: Path) -> None:
    """Write a new key readable by the owner only; a key another process wrote first wins."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))


def _secret_key(env: Mapping[str, str], data_dir: Path) -> Secret:
    """Explicit key, or one generated on first start and kept in the data dir (mode 0600)."""
    name = "TREEHOLE_SECRET_KEY"
    explicit = env.get(name, "").strip()
    if explicit:
        if len(explicit) < 32:
            raise ConfigError(name, "must be at least 32 characters")
        return Secret(explicit)
    path = data_dir / "secret_key"
    try:
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            _create_key_file(path)
        value = path.read_text().strip()
    except OSError as error:
        raise ConfigError(
            name, f"unset, and {path} cannot be created or read ({error.strerror})"
        ) from None
    if len(value) < 32:
        raise ConfigError(name, f"unset, and {path} holds no usable key")
    return Secret(value)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build `Settings` from the environment; raise `ConfigError` on the first bad value."""
    env = os.environ if env is None else env
    data_dir = Path(_text(env, "TREEHOLE_DATA_DIR", "./data"))
    log_level = _text(env, "TREEHOLE_LOG_LEVEL", "info").lower()
    if log_level not in ("debug", "info", "warning", "error"):
        raise ConfigError("TREEHOLE_LOG_LEVEL", "expected debug, info, warning or error")
    host = _text(env, "TREEHOLE_HOST", "127.0.0.1")
    port = _int(env, "TREEHOLE_PORT", 8000, 1, 65535)
    return Settings(
        base_url=_base_url(env, host, port),
        host=host,
        port=port,
        data_dir=data_dir,
        database_url=_database_url(env, data_dir),
        secret_key=_secret_key(env, data_dir),
        post_max_chars=_int(env, "TREEHOLE_POST_MAX_CHARS", 2000, 1, 100_000),
        post_rate_limit=_rate_limit(env),
        dm_rate_limit=_rate_limit(env, "TREEHOLE_DM_RATE_LIMIT", "5/3600"),
        dm_domain_rate_limit=_rate_limit(env, "TREEHOLE_DM_DOMAIN_RATE_LIMIT", "60/3600"),
        publish_delay_max=_int(env, "TREEHOLE_PUBLISH_DELAY_MAX", 60, 0, 86_400),
        max_ttl=_int(env, "TREEHOLE_MAX_TTL", 30 * 86_400, 60, 365 * 86_400),
        allow_loopback=_bool(env, "TREEHOLE_ALLOW_LOOPBACK", False),
        forwarded_allow_ips=_text(env, "TREEHOLE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        log_level=log_level,
        keypool_size=_int(env, "TREEHOLE_KEYPOOL_SIZE", 20, 0, 10_000),
    )
