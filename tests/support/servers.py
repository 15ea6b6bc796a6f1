"""Run ASGI apps on 127.0.0.1 for end-to-end tests: in a uvicorn subprocess, or in a thread.

`run_uvicorn_app` is for the instance under test (its own process, its own event loop, its log
captured to a file tests can scan). `run_asgi_in_thread` is for small fake remote servers whose
state the test wants to read directly. Both bind 127.0.0.1 only and bound every wait.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tests.support.ports import LOOPBACK, free_port, pid_listens_on, wait_for_http
from tests.support.processes import STOP_TIMEOUT, log_tail, stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
GRACEFUL_SHUTDOWN = 3  # seconds uvicorn gives open connections; below STOP_TIMEOUT
PORT_ATTEMPTS = 3


class ServerError(RuntimeError):
    """A test server did not start or stop in time."""


@dataclass(slots=True)
class ServerProcess:
    """A uvicorn subprocess: where it listens, its PID and its combined stdout+stderr log."""

    port: int
    url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def read_log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _import_string(app: str | Callable[..., Any]) -> str:
    if isinstance(app, str):
        return app
    module, name = getattr(app, "__module__", None), getattr(app, "__qualname__", "")
    if not module or module == "__main__" or "<locals>" in name:
        raise ValueError(f"{app!r} is not importable by module:name; pass an import string")
    return f"{module}:{name}"


@contextlib.contextmanager
def run_uvicorn_app(
    app: str | Callable[..., Any],
    port: int | None = None,
    env: Mapping[str, str | None] | None = None,
    *,
    factory: bool = True,
    ready_path: str = "/",
    ready: Callable[[httpx.Response], bool] | None = None,
    startup_timeout: float = STARTUP_TIMEOUT,
    log_dir: Path | None = None,
    cwd: Path | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[ServerProcess]:
    """Run `python -m uvicorn [--factory] module:func` on 127.0.0.1 in a subprocess.

    `app` is an import string or a module-level factory (or app, with `factory=False`).
    See `run_server_process` for env, readiness and shutdown.
    """
    target = _import_string(app)

    def command(chosen: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            *(["--factory"] if factory else []),
            target,
            "--host",
            LOOPBACK,
            "--port",
            str(chosen),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            str(GRACEFUL_SHUTDOWN),
            *extra_args,
        ]

    with run_server_process(
        command,
        port,
        env,
        ready_path=ready_path,
        ready=ready,
        startup_timeout=startup_timeout,
        log_dir=log_dir,
        cwd=cwd,
    ) as server:
        yield server


@contextlib.contextmanager
def run_server_process(
    command: Callable[[int], list[str]],
    port: int | None = None,
    env: Mapping[str, str | None] | None = None,
    *,
    ready_path: str = "/",
    ready: Callable[[httpx.Response], bool] | None = None,
    startup_timeout: float = STARTUP_TIMEOUT,
    log_dir: Path | None = None,
    cwd: Path | None = None,
) -> Iterator[ServerProcess]:
    """Run `command(port)` (a server listening on 127.0.0.1:port) in a subprocess.

    `env` is laid over this process's environment; a `None` value removes that variable.
    Waits until `GET ready_path` answers below 500 (or satisfies `ready(response)`), then yields;
    on exit terminates exactly that PID, killing it after 5 s. The log is kept in `log_dir`
    (a fresh temp dir by default) so a test can scan it after the server stopped.
    """
    child_env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for key, value in (env or {}).items():
        if value is None:
            child_env.pop(key, None)
        else:
            child_env[key] = value
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="treehole-server-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    attempts = 1 if port else PORT_ATTEMPTS
    for attempt in range(1, attempts + 1):
        chosen = port or free_port()
        log_path = log_dir / f"server-{chosen}.log"
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                command(chosen),
                cwd=cwd or REPO_ROOT,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = ServerProcess(chosen, f"http://{LOOPBACK}:{chosen}", log_path, process)
        try:
            _wait_process_ready(server, ready_path, ready, startup_timeout)
        except _PortTaken:
            stop_process(process, STOP_TIMEOUT)
            if attempt == attempts:
                raise ServerError(
                    f"port {chosen} is in use by another process; log {log_path}:\n"
                    + log_tail(log_path)
                ) from None
            continue
        except BaseException:
            stop_process(process, STOP_TIMEOUT)
            raise
        try:
            yield server
        finally:
            stop_process(process, STOP_TIMEOUT)
        return


class _PortTaken(Exception):
    pass


def _wait_process_ready(
    server: ServerProcess,
    ready_path: str,
    ready: Callable[[httpx.Response], bool] | None,
    timeout: float,
) -> None:
    def alive() -> None:
        if server.process.poll() is None:
            return
        tail = log_tail(server.log_path)
        if "address already in use" in tail.lower():
            raise _PortTaken
        raise ServerError(
            f"server exited with {server.process.returncode} during startup; "
            f"log {server.log_path}:\n{tail}"
        )

    def is_ready(response: httpx.Response) -> bool:
        accepted = ready(response) if ready else response.status_code < 500
        # Only a server that is ours counts: another process may hold the port.
        return accepted and pid_listens_on(server.pid, server.port)

    try:
        wait_for_http(server.url + ready_path, timeout, ready=is_ready, alive=alive)
    except TimeoutError as exc:
        raise ServerError(f"{exc}; log {server.log_path}:\n{log_tail(server.log_path)}") from None


@dataclass(slots=True)
class ThreadServer:
    """A uvicorn server running in a background thread of this process."""

    port: int
    url: str
    server: uvicorn.Server
    thread: threading.Thread


@contextlib.contextmanager
def run_asgi_in_thread(
    app: Any,
    port: int | None = None,
    *,
    startup_timeout: float = 10.0,
    stop_timeout: float = STOP_TIMEOUT,
    log_level: str = "warning",
) -> Iterator[ThreadServer]:
    """Serve `app` with `uvicorn.Server` in a daemon thread with its own asyncio loop.

    The listening socket is bound here before the thread starts, so `port=None` has no race.
    uvicorn leaves logging configuration alone (`log_config=None`) and installs no signal
    handlers off the main thread. On exit sets `should_exit`, then `force_exit`, and joins.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port or 0))
        chosen = int(sock.getsockname()[1])
        config = uvicorn.Config(
            app,
            host=LOOPBACK,
            port=chosen,
            loop="asyncio",
            log_config=None,
            log_level=log_level,
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        )
        server = uvicorn.Server(config)
        failure: list[BaseException] = []

        def serve() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException as exc:  # SystemExit on startup failure; reported below
                failure.append(exc)

        thread = threading.Thread(target=serve, name=f"asgi-{chosen}", daemon=True)
        thread.start()
        handle = ThreadServer(chosen, f"http://{LOOPBACK}:{chosen}", server, thread)
        try:
            _wait_thread_ready(handle, failure, startup_timeout)
            yield handle
        finally:
            _stop_thread(handle, stop_timeout)
        if failure:
            raise ServerError(f"ASGI server on port {chosen} failed: {failure[0]!r}")
    finally:
        sock.close()  # uvicorn closes it too; closing twice is harmless, leaking is not


def _wait_thread_ready(handle: ThreadServer, failure: list[BaseException], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not handle.server.started:
        if failure or not handle.thread.is_alive():
            reason = repr(failure[0]) if failure else "thread ended"
            raise ServerError(f"ASGI server on port {handle.port} did not start: {reason}")
        if time.monotonic() >= deadline:
            raise ServerError(f"ASGI server on port {handle.port} not started after {timeout}s")
        time.sleep(0.01)


def _stop_thread(handle: ThreadServer, timeout: float) -> None:
    handle.server.should_exit = True
    handle.thread.join(timeout)
    if handle.thread.is_alive():
        handle.server.force_exit = True
        handle.thread.join(timeout)
    if handle.thread.is_alive():
        raise ServerError(f"ASGI server thread on port {handle.port} did not stop in {timeout}s")
