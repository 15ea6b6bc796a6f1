"""Every state column's values and allowed moves, declared once (Takahē's state graphs, without
the models). The store's update functions move a row only from a state the graph lets reach the
target (`StateGraph.sources`, in the update's WHERE clause), so an undeclared transition changes
nothing, and a target nothing may move to is refused before any query.

States are lowercase strings stored as they are; a name used by several tables means the same
there ("live", "deleted", "pending", "failed").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class IllegalTransition(Exception):
    """A move the graph does not declare: a bug in the caller, never an answer to input."""


@dataclass(frozen=True, slots=True)
class StateGraph:
    """One state column: each state with the states a row may move to from it."""

    column: str
    moves: Mapping[str, frozenset[str]]

    def sources(self, target: str) -> tuple[str, ...]:
        """The states from which a row may move to `target`; `IllegalTransition` if none."""
        found = tuple(state for state, targets in self.moves.items() if target in targets)
        if not found:
            raise IllegalTransition(f"{self.column}: nothing moves to {target!r}")
        return found


def graph(column: str, moves: Mapping[str, tuple[str, ...]]) -> StateGraph:
    return StateGraph(column, {state: frozenset(targets) for state, targets in moves.items()})


HELD = "held"
LIVE = "live"
DELETED = "deleted"
RETIRING = "retiring"
DELETING = "deleting"
PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
GONE = "gone"
CANCELLED = "cancelled"
DONE = "done"
OPEN = "open"
RESOLVED = "resolved"
ACCEPTED = "accepted"
PREVIEWED = "previewed"
APPLIED = "applied"
REVERTED = "reverted"
DISCARDED = "discarded"

# held: waiting for a moderator; live: visible (and federated once due); deleted: content purged.
NOTE_STATES = graph("notes.state", {HELD: (LIVE, DELETED), LIVE: (DELETED,), DELETED: ()})

# Throwaway actors. retiring: nothing of it is left; the Deletes of its notes are in flight and
# its key must live until they settle (a new post in its thread brings it back to live).
# deleting: its own Delete is in flight, signed with its key. deleted: private key destroyed,
# its URL and WebFinger answer 410.
ACTOR_STATES = graph(
    "local_actors.state",
    {
        LIVE: (RETIRING,),
        RETIRING: (LIVE, DELETING, DELETED),
        DELETING: (DELETED,),
        DELETED: (),
    },
)

# A pending row that is tried and must be tried again stays pending (with a later run_after).
DELIVERY_STATES = graph(
    "deliveries.state",
    {
        PENDING: (PENDING, DELIVERED, FAILED, GONE, CANCELLED),
        DELIVERED: (),
        FAILED: (),
        GONE: (),
        CANCELLED: (),
    },
)

INBOX_ITEM_STATES = graph(
    "inbox_items.state", {PENDING: (PENDING, DONE, FAILED), DONE: (), FAILED: ()}
)

REPORT_STATES = graph("reports.state", {OPEN: (RESOLVED,), RESOLVED: ()})

# A remote actor's follow of a board: recorded, then accepted once our Accept is queued.
FOLLOW_STATES = graph("follows.state", {PENDING: (ACCEPTED,), ACCEPTED: ()})

# Blocklist imports and subscription syncs. An import is previewed, then applied or discarded;
# a sync that needs an admin is held; an applied run can be reverted; failed is final.
BLOCKLIST_RUN_STATES = graph(
    "blocklist_runs.state",
    {
        PREVIEWED: (APPLIED, DISCARDED),
        HELD: (APPLIED, DISCARDED),
        APPLIED: (REVERTED,),
        REVERTED: (),
        FAILED: (),
        DISCARDED: (),
    },
)
