"""Form tokens bound to whom the page was served, and where a browser says a POST came from."""

from __future__ import annotations

import pytest

from app.core.errors import Forbidden
from app.core.urls import Urls
from app.security.csrf import (
    CROSS,
    SAME,
    UNKNOWN,
    check_csrf_token,
    check_same_origin,
    issue_csrf_token,
    request_site,
)

KEY = "a-secret-key-long-enough-for-the-serializer-0000"


def test_a_token_opens_only_the_forms_of_whom_it_was_issued_to() -> None:
    token = issue_csrf_token(KEY, "admin:root:nonce-1")
    check_csrf_token(KEY, token, "admin:root:nonce-1")
    for other in ("", "admin:root:nonce-2", "poster:secret"):
        with pytest.raises(Forbidden, match="csrf_invalid"):
            check_csrf_token(KEY, token, other)
    assert "nonce-1" not in token and "root" not in token  # only a keyed digest travels


@pytest.mark.parametrize(
    ("headers", "site"),
    [
        ({"sec-fetch-site": "same-origin"}, SAME),
        ({"sec-fetch-site": "none"}, SAME),
        ({"sec-fetch-site": "same-site"}, CROSS),
        ({"sec-fetch-site": "cross-site"}, CROSS),
        ({"sec-fetch-site": "same-origin", "origin": "https://evil.example"}, SAME),
        ({"origin": "https://treehole.example"}, SAME),
        ({"origin": "https://treehole.example/"}, SAME),
        ({"origin": "https://evil.example"}, CROSS),
        ({"origin": "null"}, CROSS),
        ({}, UNKNOWN),
    ],
)
def test_request_site_reads_fetch_metadata_then_origin(headers: dict[str, str], site: str) -> None:
    assert request_site(headers, "https://treehole.example") == site
    if site == CROSS:
        with pytest.raises(Forbidden, match="cross_site"):
            check_same_origin(headers, "https://treehole.example")
    else:
        check_same_origin(headers, "https://treehole.example")


@pytest.mark.parametrize(
    ("base", "origin"),
    [
        ("https://Treehole.Example", "https://treehole.example"),
        ("https://treehole.example:443", "https://treehole.example"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_urls_origin_is_written_as_browsers_write_it(base: str, origin: str) -> None:
    assert Urls(base).origin == origin
