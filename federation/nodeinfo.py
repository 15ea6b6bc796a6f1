"""NodeInfo 2.0/2.1 documents and the /.well-known/nodeinfo index.

Owns the exact schema shapes (nodeinfo.diaspora.software), the FEP-2677 instance-actor link, and
reading another server's software name from its documents. It must not count anything (usage
numbers are passed in) and does no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Literal

NodeInfoVersion = Literal["2.0", "2.1"]

SCHEMA_PREFIX: Final = "http://nodeinfo.diaspora.software/ns/schema/"
APPLICATION_REL: Final = "https://www.w3.org/ns/activitystreams#Application"  # FEP-2677
_SOFTWARE_NAME = re.compile(r"[a-z0-9-]+")
# Software whose groups (and whose people following groups) speak FEP-1b12: they read a group's
# Announce of an activity, and ignore or refuse one of a bare object id (LemmyNet/lemmy
# crates/apub/src/activities/community/announce.rs; Mbin, PieFed and NodeBB follow Lemmy).
# FEP-0151 warns against guessing capabilities from a name; no other signal exists for this
# one, and a wrong guess costs only a duplicate or a missing Announce of a member's activity.
GROUP_SOFTWARE: Final = frozenset(
    {"lemmy", "mbin", "kbin", "piefed", "nodebb", "lotide", "sublinks", "discourse"}
)


def build_nodeinfo_index(base_url: str, instance_actor_url: str | None = None) -> dict[str, Any]:
    """Build the /.well-known/nodeinfo index linking to /nodeinfo/2.0 and /nodeinfo/2.1.

    `base_url` is the instance origin without a trailing slash. With `instance_actor_url` the
    FEP-2677 Application link is added.
    """
    root = base_url.rstrip("/")
    links: list[dict[str, str]] = [
        {"rel": f"{SCHEMA_PREFIX}{version}", "href": f"{root}/nodeinfo/{version}"}
        for version in ("2.0", "2.1")
    ]
    if instance_actor_url is not None:
        links.append({"rel": APPLICATION_REL, "href": instance_actor_url})
    return {"links": links}


def build_nodeinfo(
    version: NodeInfoVersion,
    software_name: str,
    software_version: str,
    open_registrations: bool,
    users_total: int,
    local_posts: int,
    metadata: Mapping[str, Any],
    *,
    repository: str | None = None,
    homepage: str | None = None,
) -> dict[str, Any]:
    """Build a NodeInfo document. `repository`/`homepage` appear only in 2.1.

    Raises ValueError when `software_name` breaks the schema's `^[a-z0-9-]+$`.
    """
    if not _SOFTWARE_NAME.fullmatch(software_name):
        raise ValueError("software name must match [a-z0-9-]+")
    software: dict[str, str] = {"name": software_name, "version": software_version}
    if version == "2.1":
        if repository is not None:
            software["repository"] = repository
        if homepage is not None:
            software["homepage"] = homepage
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": open_registrations,
        "usage": {"users": {"total": users_total}, "localPosts": local_posts},
        "metadata": dict(metadata),
    }


def nodeinfo_document_url(index: Mapping[str, Any]) -> str | None:
    """The newest 2.x document an index links to, or None."""
    links = index.get("links")
    if not isinstance(links, list):
        return None
    found: dict[str, str] = {}
    for link in links:
        if not isinstance(link, Mapping):
            continue
        rel, href = link.get("rel"), link.get("href")
        if isinstance(rel, str) and isinstance(href, str) and rel.startswith(SCHEMA_PREFIX):
            found[rel.removeprefix(SCHEMA_PREFIX)] = href
    for version in ("2.1", "2.0"):
        if version in found:
            return found[version]
    return None


def software_name(document: Mapping[str, Any]) -> str | None:
    """The lowercased `software.name` of a NodeInfo document, or None."""
    software = document.get("software")
    name = software.get("name") if isinstance(software, Mapping) else None
    return name.lower() if isinstance(name, str) else None
