"""Which driver errors mean "the database is not answering" rather than "this query is wrong".

Owns the one classification the rest of the app relies on: `Db` turns these errors into
`DatabaseUnavailable` (answered 503 with `Retry-After`, waited out by workers), and lets every
other error through unchanged, so a bug still surfaces as one. Pure: no I/O.
"""

from __future__ import annotations

import sqlite3
from typing import Final

import asyncpg

# asyncpg: the connection is gone or cannot be made (PostgresConnectionError: closed, refused,
# reset), the server is shutting down or starting (OperatorInterventionError: 57P01, 57P03),
# it has no room (InsufficientResourcesError: too many connections), or the client's handle on
# the connection is no longer usable (InterfaceError: "connection is closed", "released back
# to the pool").
POSTGRES_UNAVAILABLE: Final = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.InterfaceError,
)
# SQLite primary result codes (https://sqlite.org/rescode.html): BUSY, LOCKED, READONLY (the
# file was moved or made read-only under us), IOERR, FULL, CANTOPEN, PROTOCOL.
SQLITE_UNAVAILABLE_CODES: Final = frozenset({5, 6, 8, 10, 13, 14, 15})
# aiosqlite's words for a connection closed under its user.
SQLITE_CLOSED_MESSAGES: Final = ("no active connection", "Connection closed")


def is_unavailable(error: BaseException, *, connecting: bool = False) -> bool:
    """Whether `error` means the database is not answering. `connecting`: the error came from
    opening, holding or releasing a connection, where an OS-level failure (refused, reset, a
    connect timeout) can only be the database's."""
    if isinstance(error, POSTGRES_UNAVAILABLE):
        return True
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in SQLITE_UNAVAILABLE_CODES
    if isinstance(error, ValueError) and str(error) in SQLITE_CLOSED_MESSAGES:
        return True
    return connecting and isinstance(error, (OSError, TimeoutError))


def describe(error: BaseException) -> str:
    """A short reason for logs and the exception: the error's type and, for SQLite, its code
    name (never the statement or its values)."""
    name = getattr(error, "sqlite_errorname", None)
    return f"{type(error).__name__}: {name}" if name else type(error).__name__
