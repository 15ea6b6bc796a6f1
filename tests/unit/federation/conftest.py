"""Fixtures for the protocol unit tests: the anyio backend and RSA key pairs made once."""

from __future__ import annotations

import pytest

from federation.keys import KeyPair, generate_rsa_keypair


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def keypair() -> KeyPair:
    return generate_rsa_keypair()


@pytest.fixture(scope="session")
def other_keypair() -> KeyPair:
    return generate_rsa_keypair()
