"""Settings from TREEHOLE_* variables: defaults, one ConfigError naming the variable per bad value,
and a generated secret key that is private, reused and never shown."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.core.settings import ConfigError, RateLimit, Secret, load_settings

KEY = "k" * 40


def env_for(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"TREEHOLE_DATA_DIR": str(tmp_path / "data"), **values}


def test_load_settings_defaults(tmp_path: Path) -> None:
    settings = load_settings(env_for(tmp_path))
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.domain == "127.0.0.1:8000"
    data_dir = tmp_path / "data"
    assert settings.data_dir == data_dir
    assert settings.database_url == f"sqlite:///{(data_dir / 'treehole.db').resolve()}"
    assert settings.post_max_chars == 2000
    assert settings.post_rate_limit == RateLimit(10, 600)
    assert settings.publish_delay_max == 60
    assert settings.max_ttl == 30 * 86400
    assert settings.allow_loopback is False
    assert settings.forwarded_allow_ips == "127.0.0.1"
    assert settings.log_level == "info"
    assert settings.keypool_size == 20
    assert len(settings.secret_key.value) >= 32


def test_load_settings_reads_good_values(tmp_path: Path) -> None:
    settings = load_settings(
        env_for(
            tmp_path,
            TREEHOLE_BASE_URL="https://example.org/",
            TREEHOLE_PORT="8080",
            TREEHOLE_DATABASE_URL="postgresql://u@db/treehole",
            TREEHOLE_SECRET_KEY=KEY,
            TREEHOLE_POST_RATE_LIMIT="3/60",
            TREEHOLE_ALLOW_LOOPBACK="yes",
            TREEHOLE_LOG_LEVEL="DEBUG",
            TREEHOLE_POST_MAX_CHARS="500",
        )
    )
    assert settings.base_url == "https://example.org"
    assert settings.domain == "example.org"
    assert settings.port == 8080
    assert settings.database_url == "postgresql://u@db/treehole"
    assert settings.secret_key.value == KEY
    assert settings.post_rate_limit == RateLimit(3, 60)
    assert settings.allow_loopback is True
    assert settings.log_level == "debug"
    assert settings.post_max_chars == 500
    assert not (tmp_path / "data" / "secret_key").exists(), "an explicit key writes no file"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TREEHOLE_PORT", "abc"),
        ("TREEHOLE_PORT", "0"),
        ("TREEHOLE_PORT", "65536"),
        ("TREEHOLE_BASE_URL", "ftp://x"),
        ("TREEHOLE_BASE_URL", "https://example.org/treehole"),
        ("TREEHOLE_BASE_URL", "https://example.org?a=1"),
        ("TREEHOLE_BASE_URL", "example.org"),
        ("TREEHOLE_DATABASE_URL", "mysql://u@db/treehole"),
        ("TREEHOLE_DATABASE_URL", "treehole.db"),
        ("TREEHOLE_SECRET_KEY", "too-short"),
        ("TREEHOLE_POST_RATE_LIMIT", "x"),
        ("TREEHOLE_POST_RATE_LIMIT", "0/600"),
        ("TREEHOLE_POST_RATE_LIMIT", "10/"),
        ("TREEHOLE_ALLOW_LOOPBACK", "maybe"),
        ("TREEHOLE_LOG_LEVEL", "loud"),
        ("TREEHOLE_POST_MAX_CHARS", "0"),
        ("TREEHOLE_MAX_TTL", "10"),
        ("TREEHOLE_KEYPOOL_SIZE", "-1"),
        ("TREEHOLE_PUBLISH_DELAY_MAX", "soon"),
    ],
)
def test_load_settings_rejects_bad_value(tmp_path: Path, variable: str, value: str) -> None:
    env = env_for(tmp_path, TREEHOLE_SECRET_KEY=KEY)
    env[variable] = value
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    error = raised.value
    if variable == "TREEHOLE_SECRET_KEY":
        assert value not in str(error), "the rejected key is not echoed"
    assert error.variable == variable
    assert str(error).startswith(f"{variable}: ")
    assert "\n" not in str(error)


def test_generated_secret_key_is_private_and_reused(tmp_path: Path) -> None:
    first = load_settings(env_for(tmp_path))
    path = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.secret_key.value
    second = load_settings(env_for(tmp_path))
    assert second.secret_key.value == first.secret_key.value


def test_unusable_secret_key_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret_key").write_text("short\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(env_for(tmp_path))
    assert raised.value.variable == "TREEHOLE_SECRET_KEY"


def test_data_dir_that_is_a_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a directory")
    with pytest.raises(ConfigError) as raised:
        load_settings(env_for(tmp_path))
    assert raised.value.variable == "TREEHOLE_SECRET_KEY"


def test_secret_never_shows_in_reprs(tmp_path: Path) -> None:
    settings = load_settings(env_for(tmp_path, TREEHOLE_SECRET_KEY=KEY))
    assert KEY not in repr(settings)
    assert KEY not in str(settings)
    assert KEY not in repr(settings.secret_key) and KEY not in str(settings.secret_key)
    assert KEY not in f"{settings.secret_key}"
    assert Secret(KEY).value == KEY
