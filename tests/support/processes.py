"""Stopping the subprocesses the harnesses start, and reading the tails of their logs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

STOP_TIMEOUT = 5.0


def stop_process(process: subprocess.Popen[Any], timeout: float = STOP_TIMEOUT) -> None:
    """Terminate exactly this process, kill it if it lingers past `timeout`, and reap it.

    Reaping matters: an unreaped `Popen` raises ResourceWarning, which pytest turns into an error.
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    else:
        process.wait()


def log_tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file, or why it could not be read."""
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc})"
    return "\n".join(text.splitlines()[-lines:])
