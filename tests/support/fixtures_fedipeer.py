"""pytest fixtures for fedipeer. Only the root conftest may use `pytest_plugins`, so a test
module binds the fixtures it uses by assignment (a `from ... import` would trip ruff's F811 on
every test that takes the fixture as an argument):

    from tests.support import fixtures_fedipeer
    fedipeer = fixtures_fedipeer.fedipeer
    peer = fixtures_fedipeer.peer

`fedipeer` is one peer (actors alice and bob) for the whole session; `peer` is the same peer
after `reset()`, for one test; `fedipeer_factory` starts extra peers that stop when the test ends.
`reset()` keeps local actors and keys, so an actor added with `add_actor` outlives the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence

import pytest

from tests.support.fedipeer import Fedipeer, run_fedipeer

FedipeerFactory = Callable[..., Fedipeer]


@pytest.fixture(scope="session")
def fedipeer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fedipeer]:
    with run_fedipeer(actors=("alice", "bob"), log_dir=tmp_path_factory.mktemp("fedipeer")) as p:
        yield p


@pytest.fixture
def peer(fedipeer: Fedipeer) -> Fedipeer:
    fedipeer.reset()
    return fedipeer


@pytest.fixture
def fedipeer_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FedipeerFactory]:
    """`start(actors=("alice",), extra_args=())` runs another peer until the test ends."""
    with contextlib.ExitStack() as stack:

        def start(actors: Iterable[str] = ("alice",), extra_args: Sequence[str] = ()) -> Fedipeer:
            log_dir = tmp_path_factory.mktemp("fedipeer")
            return stack.enter_context(run_fedipeer(None, actors, extra_args, log_dir=log_dir))

        yield start
