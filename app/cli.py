"""The `treehole` command: serve, migrate, worker, admin create|token, settings show|set,
board add|follow|rotate-key|dm-posting."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace

import anyio
import uvicorn

from app.core.clock import utcnow
from app.core.errors import Invalid
from app.core.i18n import LANGUAGES
from app.core.ids import new_id
from app.core.logs import configure_logging, logging_config
from app.core.settings import ConfigError, Settings, default_base_url, load_settings
from app.db.engine import connect, dialect_of, disconnect
from app.db.migrate import upgrade_to_head
from app.fedi import outbound
from app.fedi.board_profile import load_board_profile
from app.main import build_client, build_services, build_worker, create_app, settle_memory
from app.moderation import instance_settings
from app.notes.actors import ensure_board_actor, ensure_bootstrap_actors
from app.security.api_tokens import issue_api_token
from app.security.passwords import hash_password
from app.security.tokens import KNOWN_SCOPES
from app.services import Services
from app.store import admins, boards, followers, local_actors
from app.store.boards import Board
from app.web.admin.texts import INVALID
from federation.errors import FederationError
from federation.keys import generate_rsa_keypair
from federation.offload import signing_offload, usable_cpus
from federation.webfinger import resolve_handle

SLUG = re.compile(r"^[a-z0-9][a-z0-9_]{0,31}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="treehole", description="Anonymous notes, federated.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the web app (and run the worker in-process)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-workers", action="store_true", help="leave jobs to `treehole worker`")
    serve.add_argument("--no-migrate", action="store_true", help="do not migrate on start")
    commands.add_parser("migrate", help="bring the database schema up to date")
    worker = commands.add_parser("worker", help="run background jobs in this process")
    worker.add_argument("--no-migrate", action="store_true")
    admin = commands.add_parser("admin", help="admin logins").add_subparsers(
        dest="admin_command", required=True
    )
    create = admin.add_parser("create", help="create an admin login (prompts for a password)")
    create.add_argument("username")
    create.add_argument("--role", choices=admins.ROLES, default="admin")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    token = admin.add_parser("token", help="create an admin API bearer token (printed once)")
    token.add_argument("--name", required=True)
    token.add_argument(
        "--scopes", required=True, help="comma-separated, e.g. admin:read,admin:write:domain_blocks"
    )
    instance = commands.add_parser(
        "settings", help="admin settings kept in the database (the /admin pages' settings)"
    ).add_subparsers(dest="settings_command", required=True)
    instance.add_parser("show", help="print every setting with its value and meaning")
    change = instance.add_parser(
        "set", help="change one setting, checked as its admin page checks it"
    )
    change.add_argument("key", help="a name `treehole settings show` prints")
    change.add_argument("value")
    board = commands.add_parser("board", help="boards").add_subparsers(
        dest="board_command", required=True
    )
    add = board.add_parser("add", help="add a board")
    add.add_argument("slug")
    add.add_argument("--title", required=True)
    add.add_argument("--description", default="")
    add.add_argument("--default-ttl", type=int, default=86400)
    add.add_argument("--ttls", default="3600,86400,604800", help="comma-separated seconds")
    add.add_argument(
        "--language", choices=tuple(LANGUAGES), default="en",
        help="the board's language: its pseudonyms and automatic content warnings",
    )  # fmt: skip
    add.add_argument("--rules", default="", help="the board's rules, one per line")
    add.add_argument(
        "--dm-posting", choices=boards.DM_POSTING_MODES, default=boards.DM_ANYONE,
        help="who may post by direct message from a fediverse account",
    )  # fmt: skip
    dm = board.add_parser(
        "dm-posting", help="who may post to a board by direct message (anyone|followers|off)"
    )
    dm.add_argument("slug")
    dm.add_argument("mode", choices=boards.DM_POSTING_MODES)
    follow = board.add_parser("follow", help="make a board follow a remote actor or board")
    follow.add_argument("slug")
    follow.add_argument("target", help="user@host handle or actor URL")
    rotate = board.add_parser("rotate-key", help="give a board a new key; followers are told")
    rotate.add_argument("slug")
    return parser


def _fail(message: str) -> int:
    print(f"treehole: {message}", file=sys.stderr)
    return 2


async def _bootstrap(settings: Settings) -> None:
    db = await connect(settings.database_url)
    try:
        await ensure_bootstrap_actors(db, utcnow())
    finally:
        await disconnect(db)


def migrate(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.database_url)
    anyio.run(_bootstrap, settings)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    host, port = args.host or settings.host, args.port or settings.port
    base_url = settings.base_url
    if not os.environ.get("TREEHOLE_BASE_URL", "").strip():
        base_url = default_base_url(host, port)
    settings = replace(settings, host=host, port=port, base_url=base_url)
    if not args.no_migrate:
        migrate(settings)
    print(
        f"Treehole is serving {settings.base_url} (listening on {settings.host}:{settings.port})",
        flush=True,
    )
    uvicorn.run(
        create_app(settings, run_workers=not args.no_workers, whole_process=True),
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=logging_config(settings.log_level),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
    )
    return 0


async def _run_worker(settings: Settings) -> None:
    db = await connect(settings.database_url)
    client = build_client(settings)
    try:
        services = await build_services(settings, db, client)
        with signing_offload(usable_cpus()) as sign_on:
            worker = build_worker(services, sign_on)
            settle_memory()
            stop = anyio.Event()
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(worker.run_forever, stop)
                with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                    async for _ in signals:
                        stop.set()
                        break
    finally:
        await client.aclose()
        await disconnect(db)


async def _create_admin(settings: Settings, username: str, password: str, role: str) -> str | None:
    db = await connect(settings.database_url)
    try:
        if await admins.get_admin_by_username(db, username) is not None:
            return f"an admin named {username!r} already exists"
        await admins.insert_admin(db, username, hash_password(password), role, utcnow())
        return None
    finally:
        await disconnect(db)


def admin_create(settings: Settings, args: argparse.Namespace) -> int:
    if not USERNAME.match(args.username):
        return _fail("admin username: letters, digits, '_', '.', '-' only (1-64)")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            return _fail("the passwords differ")
    if len(password) < 10:
        return _fail("the password must have at least 10 characters")
    error = anyio.run(_create_admin, settings, args.username, password, args.role)
    if error:
        return _fail(error)
    print(f"created {args.role} {args.username}")
    return 0


async def _issue_token(settings: Settings, name: str, scopes: list[str]) -> str:
    db = await connect(settings.database_url)
    try:
        _, token = await issue_api_token(db, name, scopes, None, utcnow())
        return token
    finally:
        await disconnect(db)


def admin_token(settings: Settings, args: argparse.Namespace) -> int:
    scopes = args.scopes.split(",")
    try:
        token = anyio.run(_issue_token, settings, args.name, scopes)
    except Invalid as error:
        return _fail(f"{error.field}: {error.reason} (scopes: {', '.join(KNOWN_SCOPES)})")
    print(token)
    return 0


async def _add_board(settings: Settings, board: Board) -> str | None:
    db = await connect(settings.database_url)
    try:
        if await boards.get_board_by_slug(db, board.slug) is not None:
            return f"a board {board.slug!r} already exists"
        await boards.insert_board(db, board)
        await ensure_board_actor(db, board, utcnow())
        return None
    finally:
        await disconnect(db)


def board_add(settings: Settings, args: argparse.Namespace) -> int:
    if not SLUG.match(args.slug):
        return _fail("board slug: lowercase letters, digits and '_' (at most 32)")
    try:
        ttls = tuple(sorted({int(part) for part in args.ttls.split(",") if part.strip()}))
    except ValueError:
        return _fail("--ttls: comma-separated whole seconds, like 3600,86400")
    if not ttls or min(ttls) < 60 or max(ttls) > settings.max_ttl:
        return _fail(f"--ttls: each between 60 and TREEHOLE_MAX_TTL ({settings.max_ttl})")
    if args.default_ttl not in ttls:
        return _fail("--default-ttl must be one of --ttls")
    board = Board(
        id=new_id(),
        slug=args.slug,
        title=args.title[:200],
        description=args.description,
        default_ttl=args.default_ttl,
        allowed_ttls=ttls,
        locked=False,
        created_at=utcnow(),
        last_post_at=None,
        language=args.language,
        rules=args.rules,
        dm_posting=args.dm_posting,
    )
    error = anyio.run(_add_board, settings, board)
    if error:
        return _fail(error)
    print(f"added board {board.slug}")
    return 0


async def _resolve_target(services: Services, target: str) -> str:
    """An actor URL as given, or a handle resolved by WebFinger (over http only where loopback is
    allowed, i.e. in tests and local development)."""
    if target.startswith(("https://", "http://")):
        return target
    try:
        return await resolve_handle(services.fetcher.client, target)
    except FederationError:
        if not services.settings.allow_loopback:
            raise
        return await resolve_handle(services.fetcher.client, target, scheme="http")


async def _follow(settings: Settings, slug: str, target: str) -> str | None:
    db = await connect(settings.database_url)
    client = build_client(settings)
    try:
        services = await build_services(settings, db, client)
        board = await boards.get_board_by_slug(db, slug)
        board_actor = None if board is None else await local_actors.get_board_actor(db, board.id)
        if board is None or board_actor is None:
            return f"no board {slug!r}"
        try:
            remote = await services.fetcher.fetch_actor(await _resolve_target(services, target))
        except FederationError as error:
            return f"cannot reach {target}: {error}"
        async with db.transaction():
            follow_id = await outbound.enqueue_follow(
                db, services.urls, board, board_actor, remote.ap_id, remote.inbox, utcnow()
            )
            await followers.insert_follow(db, board_actor.id, remote.id, follow_id, utcnow())
        return None
    finally:
        await client.aclose()
        await disconnect(db)


async def _rotate(settings: Settings, slug: str) -> str | None:
    db = await connect(settings.database_url)
    client = build_client(settings)
    try:
        services = await build_services(settings, db, client)
        board = await boards.get_board_by_slug(db, slug)
        actor = None if board is None else await local_actors.get_board_actor(db, board.id)
        if board is None or actor is None:
            return f"no board {slug!r}"
        pair = await anyio.to_thread.run_sync(generate_rsa_keypair)
        profile = await load_board_profile(
            db, services.urls, board, services.notes.translations, utcnow()
        )
        keys = (pair.private_pem, pair.public_pem)
        if not await outbound.enqueue_key_rotation(
            db, services.urls, settings.domain, board, actor, keys, profile
        ):
            return (
                f"board {slug!r}: the previous key rotation is still being delivered; "
                "try again once every follower's server has it"
            )
        return None
    finally:
        await client.aclose()
        await disconnect(db)


async def _show_settings(settings: Settings) -> dict[str, str]:
    db = await connect(settings.database_url)
    try:
        return await instance_settings.show_settings(db)
    finally:
        await disconnect(db)


async def _set_setting(settings: Settings, key: str, value: str) -> str:
    db = await connect(settings.database_url)
    try:
        await instance_settings.set_setting(db, key, value)
        return (await instance_settings.show_settings(db))[key]
    finally:
        await disconnect(db)


def settings_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.settings_command == "show":
        shown = anyio.run(_show_settings, settings)
        width = max(len(name) for name in shown)
        for setting in instance_settings.SETTINGS:
            where = f"also on {setting.group.page}"
            print(f"{setting.name:<{width}} = {shown[setting.name]}  # {setting.meaning}; {where}")
        return 0
    if args.key not in instance_settings.BY_NAME:
        known = ", ".join(instance_settings.BY_NAME)
        return _fail(f"no setting {args.key!r} (settings: {known})")
    try:
        value = anyio.run(_set_setting, settings, args.key, args.value)
    except Invalid as error:
        reason = INVALID.get(str(error), f"{error.field}: {error.reason}")
        return _fail(f"{args.key}: refused as its admin page would refuse it: {reason}")
    print(f"{args.key} = {value}")
    return 0


async def _set_dm_posting(settings: Settings, slug: str, mode: str) -> str | None:
    db = await connect(settings.database_url)
    try:
        board = await boards.get_board_by_slug(db, slug)
        if board is None:
            return f"no board {slug!r}"
        await boards.update_board_dm_posting(db, board.id, mode)
        return None
    finally:
        await disconnect(db)


def board_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.board_command == "add":
        return board_add(settings, args)
    if args.board_command == "dm-posting":
        error = anyio.run(_set_dm_posting, settings, args.slug, args.mode)
        if error:
            return _fail(error)
        print(f"board {args.slug}: posting by direct message: {args.mode}")
        return 0
    if args.board_command == "follow":
        error = anyio.run(_follow, settings, args.slug, args.target)
        if error:
            return _fail(error)
        print(f"board {args.slug} asked to follow {args.target}; the worker delivers the request")
        return 0
    error = anyio.run(_rotate, settings, args.slug)
    if error:
        return _fail(error)
    print(f"board {args.slug} has a new key; followers are being told")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        return _fail(str(error))
    configure_logging(settings.log_level)
    if args.command == "serve":
        return serve(settings, args)
    if args.command == "worker" and dialect_of(settings.database_url) == "sqlite":
        return _fail(
            "TREEHOLE_DATABASE_URL: SQLite supports one process; `treehole serve` already runs "
            "the worker (use PostgreSQL for separate workers)"
        )
    if args.command == "worker" and not args.no_migrate:
        migrate(settings)
    if args.command == "migrate":
        migrate(settings)
        print("database is up to date")
        return 0
    if args.command == "worker":
        # uvloop (installed with uvicorn[standard]) as under `serve`: a delivery costs less on it.
        anyio.run(_run_worker, settings, backend_options={"use_uvloop": True})
        return 0
    # Admin and board commands work on a fresh install too: bring the schema up to date first.
    migrate(settings)
    if args.command == "settings":
        return settings_command(settings, args)
    if args.command == "admin" and args.admin_command == "token":
        return admin_token(settings, args)
    if args.command == "admin":
        return admin_create(settings, args)
    return board_command(settings, args)


if __name__ == "__main__":
    sys.exit(main())
