"""Admin password hashes: scrypt at OWASP's parameters, stored with the hash; older hashes verify
and ask to be upgraded; hashes asking for absurd work are refused, not computed."""

from __future__ import annotations

import base64
import hashlib

import pytest

from app.security.passwords import check_password, hash_password, needs_rehash, parse_hash

PASSWORD = "correct horse battery staple"


def old_style_hash(password: str, n: int = 2**15) -> str:
    """A hash as Treehole wrote them before (N = 2^15), with its parameters in the string."""
    salt = b"s" * 16
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=8, p=1, maxmem=2**26, dklen=32)
    encode = base64.b64encode
    return f"scrypt${n}$8$1${encode(salt).decode()}${encode(digest).decode()}"


def test_hash_password_uses_n_2_17_or_more_and_stores_the_parameters() -> None:
    stored = hash_password(PASSWORD)
    parsed = parse_hash(stored)
    assert parsed is not None
    assert parsed.n >= 2**17 and parsed.r >= 8 and parsed.p >= 1
    assert stored.split("$")[1:4] == [str(parsed.n), str(parsed.r), str(parsed.p)]
    assert check_password(PASSWORD, stored)
    assert not check_password(PASSWORD + "!", stored)
    assert not needs_rehash(stored)


def test_old_hashes_still_verify_and_ask_for_an_upgrade() -> None:
    old = old_style_hash(PASSWORD)
    assert check_password(PASSWORD, old)
    assert not check_password("wrong", old)
    assert needs_rehash(old)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "bcrypt$2b$12$whatever",
        "scrypt$abc$8$1$AA==$AA==",
        "scrypt$131072$8$1$AA==",
        f"scrypt${2**24}$8$1$AAAA$AAAA",  # 16 GiB of work: refused, never computed
        "scrypt$131072$64$1$AAAA$AAAA",
        "scrypt$1000$8$1$AAAA$AAAA",  # N not a power of two
        "scrypt$131072$8$1$AAAA$",
    ],
)
def test_check_password_refuses_what_it_cannot_or_should_not_check(stored: str) -> None:
    assert not check_password(PASSWORD, stored)
