"""Which driver errors mean the database is not answering (503, wait) and which are bugs."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest

from app.db.outages import describe, is_unavailable


def sqlite_error(code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(name)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.ConnectionDoesNotExistError("closed"),
        asyncpg.exceptions.CannotConnectNowError("starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating"),
        asyncpg.exceptions.TooManyConnectionsError("too many"),
        asyncpg.exceptions.InterfaceError("connection is closed"),
        sqlite_error(5, "SQLITE_BUSY"),
        sqlite_error(14, "SQLITE_CANTOPEN"),
        sqlite_error(10 | (13 << 8), "SQLITE_IOERR_FSYNC"),
        sqlite_error(13, "SQLITE_FULL"),
        sqlite_error(8 | (5 << 8), "SQLITE_READONLY_DBMOVED"),
        ValueError("no active connection"),
    ],
)
def test_outages_are_unavailable(error: BaseException) -> None:
    assert is_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.UndefinedTableError("no such table"),
        sqlite_error(1, "SQLITE_ERROR"),  # a syntax error or a missing table: a bug
        sqlite_error(19, "SQLITE_CONSTRAINT"),
        ValueError("some other value error"),
        KeyError("x"),
    ],
)
def test_bugs_and_refusals_are_not(error: BaseException) -> None:
    assert not is_unavailable(error)
    assert not is_unavailable(error, connecting=True)


def test_os_errors_count_only_while_connecting() -> None:
    """Refused or timed out while opening or holding a connection: the database; elsewhere in a
    transaction's body an OSError is somebody else's."""
    for error in (ConnectionRefusedError(111, "refused"), TimeoutError(), ConnectionResetError()):
        assert is_unavailable(error, connecting=True)
        assert not is_unavailable(error)


def test_describe_names_the_error_not_the_statement() -> None:
    assert describe(sqlite_error(14, "SQLITE_CANTOPEN")) == "OperationalError: SQLITE_CANTOPEN"
    error = asyncpg.exceptions.ConnectionDoesNotExistError("SELECT secret FROM notes")
    assert describe(error) == "ConnectionDoesNotExistError"
