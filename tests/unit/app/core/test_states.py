"""The state graphs: every move goes to a declared state, and the sources of a target are exactly
the states that may move to it (the guard the store puts in its updates)."""

from __future__ import annotations

import pytest

from app.core.states import (
    ACTOR_STATES,
    BLOCKLIST_RUN_STATES,
    DELETED,
    DELETING,
    DELIVERY_STATES,
    FOLLOW_STATES,
    HELD,
    INBOX_ITEM_STATES,
    LIVE,
    NOTE_STATES,
    PENDING,
    REPORT_STATES,
    RETIRING,
    IllegalTransition,
    StateGraph,
)

GRAPHS = [
    NOTE_STATES,
    ACTOR_STATES,
    DELIVERY_STATES,
    INBOX_ITEM_STATES,
    REPORT_STATES,
    FOLLOW_STATES,
    BLOCKLIST_RUN_STATES,
]


@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: g.column)
def test_every_move_goes_to_a_declared_state(graph: StateGraph) -> None:
    for targets in graph.moves.values():
        assert targets <= set(graph.moves)


def test_sources_are_the_states_that_may_move_to_the_target() -> None:
    assert NOTE_STATES.sources(DELETED) == (HELD, LIVE)
    assert NOTE_STATES.sources(LIVE) == (HELD,)
    assert ACTOR_STATES.sources(DELETED) == (RETIRING, DELETING)
    assert DELIVERY_STATES.sources(PENDING) == (PENDING,)


def test_a_target_nothing_moves_to_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="notes.state: nothing moves to 'held'"):
        NOTE_STATES.sources(HELD)
