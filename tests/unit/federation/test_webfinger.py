"""WebFinger: acct parsing, JRD shape, and handle resolution over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.client import SafeClient
from federation.errors import FetchBlocked, FetchGone, FetchNotFound, ParseError
from federation.webfinger import build_jrd, parse_acct, resolve_handle, self_link
from tests.support.servers import ThreadServer, run_asgi_in_thread


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("acct:k7qz@treehole.example", ("k7qz", "treehole.example")),
        ("ACCT:Alice@Mastodon.Example", ("Alice", "mastodon.example")),
        ("alice@m.example", ("alice", "m.example")),
        ("@alice@m.example", ("alice", "m.example")),
        ("a.b-c_d@m.example", ("a.b-c_d", "m.example")),
        ("alice@127.0.0.1:8001", ("alice", "127.0.0.1:8001")),
        ("  acct:alice@m.example ", ("alice", "m.example")),
    ],
)
def test_parse_acct_accepts_handles(resource: str, expected: tuple[str, str]) -> None:
    """spec: webfinger-acct"""
    assert parse_acct(resource) == expected


@pytest.mark.parametrize(
    "resource",
    [
        "https://m.example/users/alice",
        "http://m.example/@alice",
        "alice",
        "acct:alice",
        "a@b@c",
        "@@m.example",
        "al ice@m.example",
        "alice.@m.example",
        "-alice@m.example",
        "alice@",
        "alice@m.example/path",
        "alice@-bad.example",
        "",
    ],
)
def test_parse_acct_refuses_everything_else(resource: str) -> None:
    """spec: webfinger-acct"""
    assert parse_acct(resource) is None


def test_build_jrd_has_self_and_profile_links() -> None:
    """spec: webfinger-jrd — the self href must be exactly the actor id."""
    jrd = build_jrd(
        "acct:main@t.example",
        ["https://t.example/b/main"],
        "https://t.example/b/main",
        "https://t.example/",
    )
    assert jrd["subject"] == "acct:main@t.example"
    assert jrd["aliases"] == ["https://t.example/b/main"]
    assert {"rel": "self", "type": "application/activity+json",
            "href": "https://t.example/b/main"} in jrd["links"]  # fmt: skip
    assert {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
            "href": "https://t.example/"} in jrd["links"]  # fmt: skip
    assert self_link(jrd) == "https://t.example/b/main"
    assert len(build_jrd("acct:a@t.example", [], "https://t.example/a")["links"]) == 1


def test_self_link_accepts_ld_json_profile_and_refuses_others() -> None:
    ld = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    assert (
        self_link({"links": [{"rel": "self", "type": ld, "href": "https://a/x"}]}) == "https://a/x"
    )
    with pytest.raises(ParseError):
        self_link({"links": [{"rel": "self", "type": "text/html", "href": "https://a/x"}]})
    with pytest.raises(ParseError):
        self_link({"links": [{"rel": "self", "type": "application/activity+json",
                              "href": "javascript:x"}]})  # fmt: skip
    with pytest.raises(ParseError):
        self_link({"subject": "acct:a@b"})


def _webfinger_app() -> Starlette:
    async def webfinger(request: Request) -> Response:
        resource = request.query_params.get("resource", "")
        host = request.headers["host"]
        if resource == f"acct:alice@{host}":
            jrd = build_jrd(resource, [], f"http://{host}/users/alice")
            return JSONResponse(jrd, media_type="application/jrd+json")
        if resource == f"acct:gone@{host}":
            return Response(status_code=410)
        if resource == f"acct:odd@{host}":
            return JSONResponse({"subject": resource, "links": []})
        return Response(status_code=404)

    return Starlette(routes=[Route("/.well-known/webfinger", webfinger)])


@pytest.fixture(scope="module")
def wf_server() -> Iterator[ThreadServer]:
    with run_asgi_in_thread(_webfinger_app()) as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[SafeClient]:
    async with SafeClient(allow_loopback=True, user_agent="t", timeout=2.0) as safe:
        yield safe


@pytest.mark.anyio
async def test_resolve_handle_returns_self_link(
    wf_server: ThreadServer, client: SafeClient
) -> None:
    """spec: webfinger-resolve"""
    host = f"127.0.0.1:{wf_server.port}"
    actor = await resolve_handle(client, f"@alice@{host}", scheme="http")
    assert actor == f"http://{host}/users/alice"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("user", "error"), [("gone", FetchGone), ("nobody", FetchNotFound), ("odd", ParseError)]
)
async def test_resolve_handle_errors(
    wf_server: ThreadServer, client: SafeClient, user: str, error: type[Exception]
) -> None:
    """spec: webfinger-resolve — 410 means the account is gone."""
    with pytest.raises(error):
        await resolve_handle(client, f"{user}@127.0.0.1:{wf_server.port}", scheme="http")


@pytest.mark.anyio
async def test_resolve_handle_refuses_bad_handle(client: SafeClient) -> None:
    with pytest.raises(ParseError):
        await resolve_handle(client, "https://m.example/users/alice")


@pytest.mark.anyio
async def test_resolve_handle_goes_through_the_ssrf_guard(wf_server: ThreadServer) -> None:
    """spec: ssrf-after-dns"""
    async with SafeClient(allow_loopback=False, user_agent="t") as safe:
        with pytest.raises(FetchBlocked):
            await resolve_handle(safe, f"alice@127.0.0.1:{wf_server.port}", scheme="http")
