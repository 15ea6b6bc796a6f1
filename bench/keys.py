"""Key material for the benchmarks: a few RSA pairs, made once per run."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from federation.keys import KeyPair, generate_rsa_keypair


def _one(_: int) -> KeyPair:
    return generate_rsa_keypair()


def make_keypairs(count: int) -> list[KeyPair]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_one, range(count)))
