"""Loopback ports and readiness polling for the end-to-end harnesses.

Everything here binds or connects to 127.0.0.1 only. Waits are bounded polls, never bare sleeps.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

LOOPBACK = "127.0.0.1"
T = TypeVar("T")
# Bounded polls wait up to this many times the timeout a test states. `make test` runs the suite
# in several processes on as few as two cores, where a server that answers in a second alone can
# take twenty; a poll that succeeds returns at once, so the factor costs nothing when things work,
# and no test waits for a timeout to pass.
PATIENCE = 3.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago.

    The port is released before returning, so another process can take it in between; the
    harnesses that start servers retry with a new port when the server reports the address in use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def pid_listens_on(pid: int, port: int) -> bool:
    """Whether process `pid` holds a listening TCP socket on `port` (Linux `/proc`).

    A readiness probe alone cannot tell *which* process answered: when the port was taken by
    someone else, our server dies with EADDRINUSE while the other one answers the probe. Where
    `/proc/net/tcp` does not exist the check is skipped (returns True).
    """
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return True
    inodes = set()
    for table in tables:
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # fields: sl local_address rem_address st ... inode; st 0A is LISTEN
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return False
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        links = {os.readlink(fd_dir / fd) for fd in os.listdir(fd_dir)}
    except OSError:
        return False
    return not inodes.isdisjoint(links)


def wait_for_http(
    url: str,
    timeout: float = 30.0,
    *,
    interval: float = 0.05,
    ready: Callable[[httpx.Response], bool] | None = None,
    alive: Callable[[], None] | None = None,
) -> httpx.Response:
    """Poll `GET url` until it answers, and return that response.

    `ready` decides whether a response counts (default: any status below 500). `alive` is called
    before every attempt and should raise when the server being waited for has died, so a crashed
    server fails at once instead of after `timeout`. Raises `TimeoutError` naming the last error.
    """
    is_ready = ready or (lambda response: response.status_code < 500)
    timeout *= PATIENCE
    deadline = time.monotonic() + timeout
    last = "no attempt made"
    # trust_env=False: an HTTP(S)_PROXY in the environment must never see loopback traffic.
    with httpx.Client(trust_env=False, timeout=min(5.0, max(timeout, 0.1))) as client:
        while True:
            if alive is not None:
                alive()
            try:
                response = client.get(url)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if is_ready(response):
                    return response
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{url} not ready after {timeout:.1f}s (last: {last})")
            time.sleep(interval)


def wait_until(
    predicate: Callable[[], T | None | bool], timeout: float, message: str, interval: float = 0.2
) -> T:
    """Poll `predicate` until it returns something truthy (bounded by `timeout` × PATIENCE);
    return that value."""
    timeout *= PATIENCE
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        last = predicate()
        if last:
            return last  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{message} (waited {timeout:.0f} s; last value {last!r})")
        time.sleep(interval)
