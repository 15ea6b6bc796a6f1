"""Install fedipeer (`../shared/peers/fedipeer`) into a writable cache, once per lock file.

`../shared/` is read-only under CI, so the peer is copied to `~/.cache/treehole/fedipeer-<lock
hash>` (or `$TREEHOLE_CACHE_DIR/...`) and `npm install`ed there; later runs reuse it while
`package-lock.json` is unchanged. The copy and install run under a file lock, so parallel test
processes do not race.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.support.processes import log_tail

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR_ENV = "TREEHOLE_SHARED_DIR"
CACHE_DIR_ENV = "TREEHOLE_CACHE_DIR"
PEER_SUBDIR = Path("peers") / "fedipeer"
# Not copied to the cache: build output, runtime state and logs (the peer's own .gitignore).
IGNORED_NAMES = frozenset({"node_modules", "state", ".selftest"})
IGNORED_SUFFIXES = (".log",)
INSTALL_STAMP = ".treehole-installed"
INSTALL_TIMEOUT = 900.0
LOCK_TIMEOUT = INSTALL_TIMEOUT + 60.0


class FedipeerError(RuntimeError):
    """fedipeer could not be installed, started or reached."""


def shared_dir() -> Path:
    """`$TREEHOLE_SHARED_DIR`, else the `shared/` folder beside the repository clone."""
    override = os.environ.get(SHARED_DIR_ENV)
    return Path(override).expanduser().resolve() if override else REPO_ROOT.parent / "shared"


def peer_source_dir() -> Path:
    source = shared_dir() / PEER_SUBDIR
    if not (source / "package-lock.json").is_file():
        raise FedipeerError(
            f"fedipeer not found at {source} (no package-lock.json); "
            f"set {SHARED_DIR_ENV} to the folder that holds peers/fedipeer"
        )
    return source


def cache_root() -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override).expanduser() if override else Path.home() / ".cache" / "treehole"


def lock_hash(source: Path) -> str:
    return hashlib.sha256((source / "package-lock.json").read_bytes()).hexdigest()[:12]


def install_fedipeer(source: Path | None = None, root: Path | None = None) -> Path:
    """Return a writable, `npm install`ed copy of the peer, creating or refreshing it if needed.

    Safe to call from parallel processes: the copy and the install run under a file lock.
    The peer's sources are re-synced on every call (cheap), so a changed `src/*.mjs` with an
    unchanged lock file is still picked up; `node_modules/` is reused.
    """
    source = source or peer_source_dir()
    root = root or cache_root()
    root.mkdir(parents=True, exist_ok=True)
    digest = lock_hash(source)
    target = root / f"fedipeer-{digest}"
    with _file_lock(root / f"fedipeer-{digest}.lock", LOCK_TIMEOUT):
        target.mkdir(exist_ok=True)
        _sync_tree(source, target)
        if not _is_installed(target, digest):
            _npm_install(target, root / f"fedipeer-{digest}.npm-install.log")
            (target / INSTALL_STAMP).write_text(digest + "\n")
    return target


def _is_installed(target: Path, digest: str) -> bool:
    stamp = target / INSTALL_STAMP
    node = target / "node_modules" / ".bin" / "node"
    return stamp.is_file() and stamp.read_text().strip() == digest and os.access(node, os.X_OK)


@contextlib.contextmanager
def _file_lock(path: Path, timeout: float) -> Iterator[None]:
    deadline = time.monotonic() + timeout
    with open(path, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FedipeerError(f"waited over {timeout:.0f}s for the lock {path}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_ignored(name: str) -> bool:
    return name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES)


def _walk_files(top: Path, skip: Callable[[str], bool]) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not skip(d)]
        for name in filenames:
            if not skip(name):
                yield Path(dirpath, name).relative_to(top)


def _sync_tree(source: Path, target: Path) -> None:
    """Make `target` hold the same peer files as `source`, writable, without touching node_modules.

    The source is read-only (r-x), so modes are copied with the owner's write bit added; a plain
    `copytree` would leave read-only directories that `npm install` cannot write into.
    """
    wanted = set(_walk_files(source, _is_ignored))
    for rel in sorted(wanted):
        src, dst = source / rel, target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        mode = (src.stat().st_mode & 0o777) | 0o200
        if not dst.is_file() or dst.read_bytes() != src.read_bytes():
            tmp = dst.with_name(f".{dst.name}.tmp{os.getpid()}")
            shutil.copyfile(src, tmp)
            os.chmod(tmp, mode)
            os.replace(tmp, dst)  # atomic, so a peer starting meanwhile never reads half a file
        elif (dst.stat().st_mode & 0o777) != mode:
            os.chmod(dst, mode)
    keep = {INSTALL_STAMP}
    for rel in _walk_files(target, _is_ignored):
        if rel not in wanted and rel.name not in keep:
            (target / rel).unlink()


def _npm_install(target: Path, log_path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise FedipeerError(
            "npm is not on PATH, so fedipeer cannot be installed: install Node.js with npm "
            "(Debian: apt-get install nodejs npm); the peer brings its own Node 22 after that"
        )
    env = {**os.environ, "npm_config_update_notifier": "false"}
    with open(log_path, "wb") as log:
        try:
            # EBADENGINE warnings are expected (npm runs on the system Node); only rc matters.
            result = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund"],
                cwd=target,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise FedipeerError(
                f"npm install in {target} took over {INSTALL_TIMEOUT:.0f}s; log:\n"
                + log_tail(log_path)
            ) from None
    node = target / "node_modules" / ".bin" / "node"
    if result.returncode != 0 or not os.access(node, os.X_OK):
        raise FedipeerError(
            f"npm install in {target} failed (exit {result.returncode}, node binary "
            f"{'present' if node.exists() else 'missing'}); log {log_path}:\n" + log_tail(log_path)
        )
