"""Run fedipeer, the Fedify-based ActivityPub peer in `../shared/peers/fedipeer`, for tests.

`run_fedipeer()` installs the peer into the cache (`fedipeer_install`), starts `./fedipeer` on a
free 127.0.0.1 port, waits for `GET /control/actors`, yields a `Fedipeer` (a control client,
`fedipeer_control`, plus port, PID and log) and stops exactly the PID it started.
Import everything fedipeer-related from this module.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.fedipeer_control import (
    AsyncFedipeerControl,
    ControlError,
    FedipeerControl,
)
from tests.support.fedipeer_install import FedipeerError, install_fedipeer
from tests.support.ports import LOOPBACK, free_port, pid_listens_on, wait_for_http
from tests.support.processes import log_tail, stop_process

__all__ = [
    "AsyncFedipeerControl",
    "ControlError",
    "Fedipeer",
    "FedipeerControl",
    "FedipeerError",
    "FedipeerProcess",
    "LocalActor",
    "install_fedipeer",
    "run_fedipeer",
]

STARTUP_TIMEOUT = 30.0
PORT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class LocalActor:
    identifier: str
    id: str
    handle: str  # "@alice@127.0.0.1:PORT", as the control API reports it
    inbox: str
    shared_inbox: str
    key_id: str

    @property
    def acct(self) -> str:
        """`acct:alice@127.0.0.1:PORT`, the form Treehole's WebFinger lookups take."""
        return "acct:" + self.handle.lstrip("@")


class Fedipeer(FedipeerControl):
    """A running fedipeer: its control client plus where it listens and logs."""

    def __init__(self, port: int, pid: int, log_path: Path, install_dir: Path) -> None:
        super().__init__(f"http://{LOOPBACK}:{port}")
        self.port, self.pid, self.log_path, self.install_dir = port, pid, log_path, install_dir
        self.url = self.base_url
        self.aio = AsyncFedipeerControl(self.base_url)
        self._actors: dict[str, LocalActor] = {}

    def actor(self, identifier: str) -> LocalActor:
        """URIs of a local actor (looked up once, then cached; actors keep their URIs)."""
        if identifier not in self._actors:
            for item in self.actors()["actors"]:
                self._actors[item["identifier"]] = LocalActor(
                    identifier=item["identifier"],
                    id=item["id"],
                    handle=item["handle"],
                    inbox=item["inbox"],
                    shared_inbox=item["sharedInbox"],
                    key_id=item["keyId"],
                )
        if identifier not in self._actors:
            raise FedipeerError(f"fedipeer on port {self.port} has no actor {identifier!r}")
        return self._actors[identifier]

    def handle(self, identifier: str) -> str:
        return self.actor(identifier).acct

    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log_path, lines)


class FedipeerProcess:
    """Context manager: start `./fedipeer` from the install cache, yield a `Fedipeer`, stop it.

    `port=None` picks a free loopback port (retrying if another process grabbed it first).
    Logs go to `log_dir/fedipeer-<port>.log` (a fresh temp dir when `log_dir` is None; it is
    left behind on purpose so a failed run can be inspected).
    """

    def __init__(
        self,
        port: int | None = None,
        actors: Iterable[str] = ("alice", "bob"),
        extra_args: Sequence[str] = (),
        *,
        log_dir: Path | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        self.actors = tuple(actors)
        if not self.actors:
            raise ValueError("fedipeer needs at least one actor")
        self.requested_port = port
        self.extra_args = tuple(extra_args)
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.peer: Fedipeer | None = None

    def __enter__(self) -> Fedipeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Fedipeer:
        install_dir = install_fedipeer()
        log_dir = self.log_dir or Path(tempfile.mkdtemp(prefix="treehole-fedipeer-"))
        log_dir.mkdir(parents=True, exist_ok=True)
        attempts = 1 if self.requested_port else PORT_ATTEMPTS
        for attempt in range(1, attempts + 1):
            port = self.requested_port or free_port()
            log_path = log_dir / f"fedipeer-{port}.log"
            self.process = self._spawn(install_dir, port, log_path)
            try:
                self._wait_ready(port, log_path)
            except _PortTaken:
                self._reap()
                if attempt == attempts:
                    raise FedipeerError(
                        f"port {port} is in use by another process; log {log_path}:\n"
                        + log_tail(log_path)
                    ) from None
                continue
            except BaseException:
                self._reap()
                raise
            self.peer = Fedipeer(port, self.process.pid, log_path, install_dir)
            return self.peer
        raise AssertionError("unreachable")

    def _spawn(self, install_dir: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
        command = [
            str(install_dir / "fedipeer"),
            "--port",
            str(port),
            "--actors",
            ",".join(self.actors),
            *self.extra_args,
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIPEER_")}
        with open(log_path, "ab") as log:
            # ./fedipeer execs node, so this PID is the server's own and stopping it is exact.
            return subprocess.Popen(
                command,
                cwd=install_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _wait_ready(self, port: int, log_path: Path) -> None:
        process = self.process
        assert process is not None

        def alive() -> None:
            if process.poll() is None:
                return
            tail = log_tail(log_path)
            if "EADDRINUSE" in tail:
                raise _PortTaken
            raise FedipeerError(
                f"fedipeer exited with {process.returncode} during startup; log {log_path}:\n{tail}"
            )

        url = f"http://{LOOPBACK}:{port}/control/actors"
        try:
            wait_for_http(
                url,
                self.startup_timeout,
                ready=lambda response: (
                    response.status_code == 200 and pid_listens_on(process.pid, port)
                ),
                alive=alive,
            )
        except TimeoutError as exc:
            raise FedipeerError(f"{exc}; log {log_path}:\n{log_tail(log_path)}") from None

    def stop(self) -> None:
        if self.peer is not None:
            self.peer.close()
            self.peer = None
        self._reap()

    def _reap(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        stop_process(process)


class _PortTaken(Exception):
    pass


@contextlib.contextmanager
def run_fedipeer(
    port: int | None = None,
    actors: Iterable[str] = ("alice", "bob"),
    extra_args: Sequence[str] = (),
    *,
    log_dir: Path | None = None,
    startup_timeout: float = STARTUP_TIMEOUT,
) -> Iterator[Fedipeer]:
    """Run one fedipeer for the duration of the `with` block (see `FedipeerProcess`)."""
    with FedipeerProcess(
        port, actors, extra_args, log_dir=log_dir, startup_timeout=startup_timeout
    ) as peer:
        yield peer
