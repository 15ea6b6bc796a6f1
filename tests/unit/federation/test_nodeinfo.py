"""NodeInfo documents match the 2.0/2.1 schemas."""

from __future__ import annotations

import pytest

from federation.nodeinfo import build_nodeinfo, build_nodeinfo_index


def test_build_nodeinfo_index_links_both_versions_and_instance_actor() -> None:
    """spec: nodeinfo-index"""
    index = build_nodeinfo_index("https://t.example/", "https://t.example/actor")
    assert index == {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": "https://t.example/nodeinfo/2.0",
            },
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": "https://t.example/nodeinfo/2.1",
            },
            {
                "rel": "https://www.w3.org/ns/activitystreams#Application",
                "href": "https://t.example/actor",
            },
        ]
    }
    assert len(build_nodeinfo_index("https://t.example")["links"]) == 2


def test_build_nodeinfo_20_shape() -> None:
    """spec: nodeinfo-schema"""
    doc = build_nodeinfo(
        "2.0", "treehole", "0.1.0", False, 3, 42, {"nodeName": "T"},
        repository="https://git.example/treehole",
    )  # fmt: skip
    assert doc == {
        "version": "2.0",
        "software": {"name": "treehole", "version": "0.1.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {"users": {"total": 3}, "localPosts": 42},
        "metadata": {"nodeName": "T"},
    }


def test_build_nodeinfo_21_adds_repository_and_homepage() -> None:
    """spec: nodeinfo-schema"""
    doc = build_nodeinfo(
        "2.1", "treehole", "0.1.0", False, 0, 0, {},
        repository="https://git.example/treehole", homepage="https://treehole.example",
    )  # fmt: skip
    assert doc["version"] == "2.1"
    assert doc["software"] == {
        "name": "treehole",
        "version": "0.1.0",
        "repository": "https://git.example/treehole",
        "homepage": "https://treehole.example",
    }


@pytest.mark.parametrize("name", ["Treehole", "tree hole", "", "tree_hole"])
def test_build_nodeinfo_refuses_bad_software_names(name: str) -> None:
    with pytest.raises(ValueError):
        build_nodeinfo("2.0", name, "1", False, 0, 0, {})
