"""The `treehole` command run as a real process: one clear line for bad configuration, migrate,
board add, board rotate-key, admin create, and the database settings (settings show|set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
import sqlalchemy as sa

from app import cli
from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import connect, disconnect
from app.db.tables import admins, boards, local_actors
from app.moderation.instance_settings import SETTINGS
from app.security.passwords import check_password
from app.store.blocklist_settings import get_visibility
from app.store.boards import get_board_by_slug
from app.store.followers import insert_follower
from app.store.instance_profile import InstanceProfile, get_instance_profile
from app.store.local_actors import get_board_actor
from app.store.moderation import get_moderation_settings
from app.store.remote_actors import RemoteActor, upsert_remote_actor
from tests.conftest import make_settings
from tests.support.snapshots import dump_database

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 60
PASSWORD = "correct horse battery staple"


def run_cli(
    args: list[str], env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("TREEHOLE_")}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=REPO_ROOT,
        env={**base, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )


def cli_env(tmp_path: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {"TREEHOLE_DATA_DIR": str(tmp_path / "data"), **extra}
    if database_url is not None:
        env["TREEHOLE_DATABASE_URL"] = database_url
    return env


def assert_one_line_failure(result: subprocess.CompletedProcess[str], naming: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert naming in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


async def _select(
    database_url: str, query: sa.Select[tuple[object, ...]]
) -> list[dict[str, object]]:
    db = await connect(database_url)
    try:
        return [dict(row) for row in await db.fetch_all(query)]
    finally:
        await disconnect(db)


def select(database_url: str, query: sa.Select[tuple[object, ...]]) -> list[dict[str, object]]:
    return anyio.run(_select, database_url, query)


def dump(database_url: str) -> str:
    async def run() -> str:
        db = await connect(database_url)
        try:
            return await dump_database(db)
        finally:
            await disconnect(db)

    return anyio.run(run)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TREEHOLE_PORT", "abc"),
        ("TREEHOLE_PORT", "0"),
        ("TREEHOLE_BASE_URL", "ftp://x"),
        ("TREEHOLE_BASE_URL", "https://example.org/path"),
        ("TREEHOLE_DATABASE_URL", "mysql://u@db/treehole"),
        ("TREEHOLE_SECRET_KEY", "short"),
        ("TREEHOLE_POST_RATE_LIMIT", "x"),
        ("TREEHOLE_ALLOW_LOOPBACK", "maybe"),
        ("TREEHOLE_LOG_LEVEL", "loud"),
    ],
)
def test_serve_with_bad_setting_exits_2_with_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_cli(["serve"], cli_env(tmp_path, **{variable: value}))
    assert_one_line_failure(result, variable)


def test_serve_with_data_dir_that_is_a_file_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file")
    result = run_cli(["serve"], cli_env(tmp_path))
    assert_one_line_failure(result, "TREEHOLE_SECRET_KEY")


def test_migrate_on_a_fresh_sqlite_path_creates_the_default_board(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'treehole.db'}"
    (tmp_path / "fresh").mkdir()
    result = run_cli(["migrate"], cli_env(tmp_path, url))
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    board_rows = select(url, sa.select(boards.c.slug, boards.c.allowed_ttls))
    assert [row["slug"] for row in board_rows] == ["main"]
    kinds = sorted(str(row["kind"]) for row in select(url, sa.select(local_actors.c.kind)))
    assert kinds == ["board", "instance"]
    # Running it again changes nothing.
    assert run_cli(["migrate"], cli_env(tmp_path, url)).returncode == 0
    assert len(select(url, sa.select(local_actors.c.id))) == 2
    secret = tmp_path / "data" / "secret_key"
    assert secret.exists() and secret.stat().st_mode & 0o777 == 0o600


def test_board_add_creates_board_and_its_actor(tmp_path: Path, database_url: str) -> None:
    args = ["board", "add", "late_night", "--title", "Late night", "--ttls", "3600,7200"]
    more = ["--default-ttl", "3600", "--language", "zh", "--rules", "友善\n不留联系方式"]
    result = run_cli([*args, *more], cli_env(tmp_path, database_url))
    assert result.returncode == 0, result.stderr
    rows = select(database_url, sa.select(boards).where(boards.c.slug == "late_night"))
    assert len(rows) == 1
    assert rows[0]["allowed_ttls"] == [3600, 7200] and rows[0]["default_ttl"] == 3600
    assert (rows[0]["language"], rows[0]["rules"]) == ("zh", "友善\n不留联系方式")
    actors = select(
        database_url, sa.select(local_actors).where(local_actors.c.board_id == rows[0]["id"])
    )
    assert [actor["username"] for actor in actors] == ["late_night"]


def test_board_dm_posting_sets_who_may_post_by_direct_message(
    tmp_path: Path, database_url: str
) -> None:
    env = cli_env(tmp_path, database_url)
    added = ["board", "add", "quiet", "--title", "Quiet", "--dm-posting", "followers"]
    assert run_cli(added, env).returncode == 0
    setting = sa.select(boards.c.dm_posting).where(boards.c.slug == "quiet")
    assert select(database_url, setting)[0]["dm_posting"] == "followers"
    changed = run_cli(["board", "dm-posting", "quiet", "off"], env)
    assert changed.returncode == 0, changed.stderr
    assert select(database_url, setting)[0]["dm_posting"] == "off"
    refused = run_cli(["board", "dm-posting", "quiet", "everyone"], env)
    assert refused.returncode == 2 and "invalid choice" in refused.stderr
    missing = run_cli(["board", "dm-posting", "nosuch", "off"], env)
    assert missing.returncode == 2 and "no board 'nosuch'" in missing.stderr
    assert select(database_url, setting)[0]["dm_posting"] == "off"


@pytest.mark.parametrize(
    ("args", "naming"),
    [
        (["Bad-Slug", "--title", "x"], "slug"),
        (["a" * 33, "--title", "x"], "slug"),
        (["_x", "--title", "x"], "slug"),
        (["ok", "--title", "x", "--ttls", "abc"], "--ttls"),
        (["ok", "--title", "x", "--ttls", "30", "--default-ttl", "30"], "--ttls"),
        (["ok", "--title", "x", "--ttls", "99999999", "--default-ttl", "99999999"], "--ttls"),
        (["ok", "--title", "x", "--ttls", ",", "--default-ttl", "3600"], "--ttls"),
        (["ok", "--title", "x", "--ttls", "3600", "--default-ttl", "60"], "--default-ttl"),
        (["main", "--title", "again"], "already exists"),
    ],
)
def test_board_add_refuses_bad_arguments(
    tmp_path: Path, database_url: str, args: list[str], naming: str
) -> None:
    before = select(database_url, sa.select(boards.c.slug))
    result = run_cli(["board", "add", *args], cli_env(tmp_path, database_url))
    assert_one_line_failure(result, naming)
    assert select(database_url, sa.select(boards.c.slug)) == before


def _add_follower(database_url: str, actor_id: str) -> None:
    """A remote follower of the main board, as the inbox would store one."""

    async def run() -> None:
        db = await connect(database_url)
        try:
            board = await get_board_by_slug(db, "main")
            board_actor = None if board is None else await get_board_actor(db, board.id)
            assert board_actor is not None
            remote = await upsert_remote_actor(db, RemoteActor(
                id=new_id(), ap_id=actor_id, domain="remote.example", preferred_username="r",
                name=None, url=None, inbox=f"{actor_id}/inbox",
                shared_inbox="https://remote.example/inbox", key_id=f"{actor_id}#main-key",
                public_key_pem=None, blocks_us=False, suspended=False, silenced=False,
                fetched_at=utcnow(),
            ))  # fmt: skip
            await insert_follower(db, board_actor.id, remote.id, f"{actor_id}/follows/1", utcnow())
        finally:
            await disconnect(db)

    anyio.run(run)


def test_board_rotate_key_waits_for_the_last_rotation_to_be_delivered(
    tmp_path: Path, database_url: str
) -> None:
    """spec: delivery-key-rotation-old-key-until-settled (one rotation at a time)"""
    env = cli_env(tmp_path, database_url)
    rotate = ["board", "rotate-key", "main"]
    for _ in range(2):  # nobody to tell: each rotation is over at once
        assert run_cli(rotate, env).returncode == 0
    _add_follower(database_url, "https://remote.example/users/r")
    first = run_cli(rotate, env)
    assert first.returncode == 0, first.stderr
    keys = select(database_url, sa.select(local_actors.c.public_key_pem))
    assert_one_line_failure(run_cli(rotate, env), "still being delivered")
    assert select(database_url, sa.select(local_actors.c.public_key_pem)) == keys


def test_admin_create_stores_only_a_scrypt_hash(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url)
    result = run_cli(["admin", "create", "alice", "--password-stdin"], env, PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    rows = select(database_url, sa.select(admins))
    assert len(rows) == 1 and rows[0]["username"] == "alice" and rows[0]["role"] == "admin"
    stored = str(rows[0]["password_hash"])
    assert stored.startswith("scrypt$")
    assert check_password(PASSWORD, stored) and not check_password(PASSWORD + "!", stored)
    assert PASSWORD not in dump(database_url)
    assert PASSWORD not in result.stdout + result.stderr

    again = run_cli(["admin", "create", "alice", "--password-stdin"], env, "another password\n")
    assert_one_line_failure(again, "already exists")
    assert len(select(database_url, sa.select(admins))) == 1


@pytest.mark.parametrize(
    ("username", "password", "naming"),
    [("bob", "short", "at least 10"), ("bad name!", PASSWORD, "username")],
)
def test_admin_create_refuses_bad_input(
    tmp_path: Path, database_url: str, username: str, password: str, naming: str
) -> None:
    env = cli_env(tmp_path, database_url)
    result = run_cli(["admin", "create", username, "--password-stdin"], env, password + "\n")
    assert_one_line_failure(result, naming)
    assert select(database_url, sa.select(admins)) == []


def settings_shown(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    shown = {}
    for line in result.stdout.splitlines():
        name, _, rest = line.partition(" = ")
        shown[name.strip()] = rest.split("  # ", 1)[0]
    return shown


def test_settings_show_lists_every_database_setting(tmp_path: Path, database_url: str) -> None:
    shown = settings_shown(run_cli(["settings", "show"], cli_env(tmp_path, database_url)))
    assert list(shown) == [setting.name for setting in SETTINGS]
    assert shown["show_domain_blocks"] == "disabled"  # closed by default, as on Mastodon
    assert shown["classifier_warn"] == "0.6" and shown["pow_enabled"] == "off"
    # The optional classifier is off by default; the model keeps its shipped thresholds.
    assert shown["english_classifier"] == "off"
    assert shown["model_hold"] == "default" and shown["model_help"] == "default"


def test_settings_set_changes_what_the_instance_does(tmp_path: Path, database_url: str) -> None:
    """spec: blocklist-visibility-reachable"""
    env = cli_env(tmp_path, database_url)
    for key, value, shown in (
        ("show_domain_blocks", "all", "all"),
        ("link_allowlist", "Example.org docs.example.com", "example.org,docs.example.com"),
        ("pow_enabled", "on", "on"),
    ):
        result = run_cli(["settings", "set", key, value], env)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"{key} = {shown}\n"
    assert anyio.run(stored_settings, database_url) == (
        "all", "disabled", ("example.org", "docs.example.com"), True,
    )  # fmt: skip


async def stored_settings(database_url: str) -> tuple[str, str, tuple[str, ...], bool]:
    db = await connect(database_url)
    try:
        settings = await get_moderation_settings(db)
        return (
            await get_visibility(db, "show_domain_blocks"),
            await get_visibility(db, "show_domain_blocks_rationale"),
            settings.link_allowlist,
            settings.pow_enabled,
        )
    finally:
        await disconnect(db)


def settings_command_in_process(
    args: list[str], tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """`treehole settings ...` through the CLI's own parser and handler, in this process (a
    process per case would cost seconds of start-up each)."""
    parsed = cli._parser().parse_args(["settings", *args])
    code = cli.settings_command(make_settings(database_url, tmp_path / "data"), parsed)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_settings_set_in_process_keeps_every_value_the_pages_keep(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in (
        ("show_domain_blocks_rationale", "users"),
        ("classifier_reject", "0.99"),
        ("breaker_posts_per_minute", "45"),
        ("subscription_threshold_type", "pct"),
        ("subscription_max_share_pct", "12.5"),
        ("english_classifier", "on"),
        ("model_hold", "0.9"),
        ("model_help", "off"),
        ("model_hold", "default"),
    ):
        code, out, err = settings_command_in_process(
            ["set", key, value], tmp_path, database_url, capsys
        )
        assert (code, out, err) == (0, f"{key} = {value}\n", "")
    code, out, _ = settings_command_in_process(["show"], tmp_path, database_url, capsys)
    shown = {line.split(" = ")[0].strip(): line.split(" = ")[1].split("  #")[0] for line in
             out.splitlines()}  # fmt: skip
    assert shown["classifier_reject"] == "0.99" and shown["subscription_max_share_pct"] == "12.5"
    assert shown["show_domain_blocks_rationale"] == "users"
    assert shown["english_classifier"] == "on" and shown["model_help"] == "off"
    assert shown["model_hold"] == "default"


@pytest.mark.parametrize(
    ("args", "naming"),
    [
        (["show_domain_blocks", "everyone"], "nobody, holders of an API token or everyone"),
        (["classifier_warn", "0.9"], "warn ≤ hold ≤ reject"),
        (["classifier_hold", "1.5"], "between 0 and 1"),
        (["link_allowlist", "not a domain!"], "not a valid domain name"),
        (["breaker_mode", "panic"], "proof of work or review"),
        (["pow_enabled", "yes"], "on or off"),
        (["english_classifier", "maybe"], "English classifier is on or off"),
        (["model_hold", "1.5"], "Model thresholds are numbers between 0 and 1"),
        (["model_help", "lots"], "Model thresholds are numbers between 0 and 1"),
        (["subscription_mergeplan", "median"], "subscription_mergeplan"),
        (["instance_contact", "x" * 201], "at most 200 characters"),
        (["instance_rules", "\\n".join(["a rule"] * 21)], "at most 20 rules"),
        (["no_such_setting", "1"], "no setting 'no_such_setting'"),
    ],
)
def test_settings_set_refuses_what_the_pages_refuse(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    naming: str,
) -> None:
    before = settings_command_in_process(["show"], tmp_path, database_url, capsys)
    code, out, err = settings_command_in_process(["set", *args], tmp_path, database_url, capsys)
    assert (code, out) == (2, "") and naming in err and len(err.splitlines()) == 1
    assert settings_command_in_process(["show"], tmp_path, database_url, capsys) == before


async def stored_instance_profile(database_url: str) -> InstanceProfile:
    db = await connect(database_url)
    try:
        return await get_instance_profile(db)
    finally:
        await disconnect(db)


def test_settings_set_writes_the_instance_profile_with_line_breaks(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The about text and rules keep their line breaks, written `\\n` on one line."""
    for key, value in (
        ("instance_about", "A quiet place.\\n\\nRun by volunteers \\\\ friends."),
        ("instance_rules", "Be kind\\nNo spam"),
        ("instance_contact", "admins@treehole.example"),
    ):
        code, out, err = settings_command_in_process(
            ["set", key, value], tmp_path, database_url, capsys
        )
        assert (code, out, err) == (0, f"{key} = {value}\n", "")
    assert anyio.run(stored_instance_profile, database_url) == InstanceProfile(
        about="A quiet place.\n\nRun by volunteers \\ friends.",
        rules=("Be kind", "No spam"),
        contact="admins@treehole.example",
    )
