"""A real Treehole instance in its own process: `treehole serve` on a free loopback port, with
its own data dir and database, log captured to a file the test can scan."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.support.ports import free_port
from tests.support.servers import ServerProcess, run_server_process


def instance_env(database_url: str, data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    return {
        "TREEHOLE_BASE_URL": f"http://127.0.0.1:{port}",
        "TREEHOLE_HOST": "127.0.0.1",
        "TREEHOLE_PORT": str(port),
        "TREEHOLE_DATA_DIR": str(data_dir),
        "TREEHOLE_DATABASE_URL": database_url,
        "TREEHOLE_PUBLISH_DELAY_MAX": "0",
        "TREEHOLE_ALLOW_LOOPBACK": "1",
        "TREEHOLE_KEYPOOL_SIZE": "4",
        **extra,
    }


@contextlib.contextmanager
def run_treehole(
    database_url: str,
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    log_dir: Path | None = None,
) -> Iterator[ServerProcess]:
    """`python -m app.cli serve` (migrates, bootstraps, serves, runs the worker in-process)."""

    def command(chosen: int) -> list[str]:
        return [sys.executable, "-m", "app.cli", "serve", "--port", str(chosen), *args]

    # The base URL names the port, so choose it before the environment is built.
    port = free_port()
    full_env = {**instance_env(database_url, data_dir, port), **(env or {})}
    with run_server_process(
        command, port, full_env, ready_path="/healthz", log_dir=log_dir or data_dir.parent
    ) as server:
        yield server
