"""The guard of every state update: a row moves only from a state its graph lets reach the
target (app/core/states.py), so an undeclared transition changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.states import StateGraph


def may_become(
    column: sa.ColumnElement[str], graph: StateGraph, target: str
) -> sa.ColumnElement[bool]:
    """Rows whose state may move to `target`; `IllegalTransition` if no state may."""
    # Equalities rather than IN: an IN list is compiled anew for every execution
    # (app/db/statements.py), these are compiled once.
    return sa.or_(*(column == source for source in graph.sources(target)))
