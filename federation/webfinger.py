"""WebFinger (RFC 7033) as Mastodon uses it: acct parsing, JRD documents, handle resolution.

Owns the `acct:` grammar, the JRD shape we serve (mastodon-interop §2.2) and the lookup of a remote
handle's actor URL. It must not decide which local actors exist; the app maps (username, host) to
actors and answers 404/410.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal
from urllib.parse import quote

from federation.client import SafeClient
from federation.errors import ParseError
from federation.parse import is_http_url
from federation.vocab import ACTIVITY_JSON, AS_CONTEXT, JRD_JSON

PROFILE_PAGE_REL: Final = "http://webfinger.net/rel/profile-page"
_ACCEPT: Final = f"{JRD_JSON}, application/json"
# Mastodon's USERNAME_ONLY_RE: letters, digits, _ with single . or - runs in between.
_USERNAME = re.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)*", re.IGNORECASE)
_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::[0-9]{1,5})?",
    re.IGNORECASE,
)


def parse_acct(resource: str) -> tuple[str, str] | None:
    """Split `acct:user@host`, `user@host` or `@user@host` into (username, lowercased host).

    Returns None for anything else, including http(s) actor URLs (look those up by URL instead).
    """
    value = resource.strip()
    if value.lower().startswith("acct:"):
        value = value[5:]
    value = value.removeprefix("@")
    username, sep, host = value.partition("@")
    if not sep or "@" in host:
        return None
    if not _USERNAME.fullmatch(username) or not _HOST.fullmatch(host):
        return None
    return username, host.lower()


ResourceKind = Literal["acct", "url"]


def classify_resource(resource: str) -> ResourceKind | None:
    """Tell what a WebFinger `resource` is: an acct (`acct:user@host`, or bare `user@host` as
    Mastodon accepts), an http(s) URL, or None when it is neither or does not parse (a stray
    `=`, a bad host, an unparseable URL): the server answers that 400, Mastodon's InvalidRequest.
    """
    value = resource.strip()
    if value.lower().startswith(("http://", "https://")):
        return "url" if is_http_url(value) and "@" not in _authority(value) else None
    return "acct" if parse_acct(value) is not None else None


def _authority(url: str) -> str:
    return url.split("//", 1)[1].split("/", 1)[0]


def build_jrd(
    subject: str, aliases: Sequence[str], actor_url: str, profile_url: str | None = None
) -> dict[str, Any]:
    """Build the JRD for one actor: `subject` is `acct:user@host`; the self link is the actor id."""
    links: list[dict[str, str]] = []
    if profile_url is not None:
        links.append({"rel": PROFILE_PAGE_REL, "type": "text/html", "href": profile_url})
    links.append({"rel": "self", "type": ACTIVITY_JSON, "href": actor_url})
    return {"subject": subject, "aliases": list(aliases), "links": links}


def _is_as2_link_type(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    media_type, _, params = value.partition(";")
    media_type = media_type.strip().lower()
    if media_type == ACTIVITY_JSON:
        return True
    return media_type == "application/ld+json" and AS_CONTEXT in params


def self_link(jrd: Mapping[str, Any]) -> str:
    """Return the AS2 `self` link of a JRD; raise ParseError when there is none."""
    links = jrd.get("links")
    if not isinstance(links, list):
        raise ParseError("JRD has no links")
    for link in links:
        if (
            isinstance(link, Mapping)
            and link.get("rel") == "self"
            and _is_as2_link_type(link.get("type"))
            and is_http_url(link.get("href"))
        ):
            href: str = link["href"]
            return href
    raise ParseError("JRD has no ActivityPub self link")


async def resolve_handle(client: SafeClient, handle: str, scheme: str = "https") -> str:
    """Resolve `user@host` to its actor URL through the host's WebFinger endpoint.

    Raises ParseError for a malformed handle or answer, FetchGone on 410 (the account is gone),
    FetchNotFound on 404, and the other fetch errors of `SafeClient.get_json`.
    """
    parsed = parse_acct(handle)
    if parsed is None:
        raise ParseError("not a user@host handle")
    username, host = parsed
    resource = quote(f"acct:{username}@{host}", safe=":@")
    url = f"{scheme}://{host}/.well-known/webfinger?resource={resource}"
    jrd = await client.get_json(url, accept=_ACCEPT, allow_plain_json=True)
    return self_link(jrd)
