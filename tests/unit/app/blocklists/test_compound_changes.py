"""The audit payload of a compound change (a lift, a shield change) and its inverse (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.blocklists.compound_changes import (
    Compound,
    ShieldMove,
    build_payload,
    parse_compound,
)
from app.store.block_assertions import Assertion
from app.store.domain_blocks import BlockValues

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
MANUAL = Assertion("x.example", "manual", "local", BlockValues("suspend", obfuscate=True), T0, T0)


def test_build_payload_round_trips_assertions_with_their_timestamps() -> None:
    compound = Compound(dropped=(MANUAL,), shield=ShieldMove("exclude", "add"))
    payload = build_payload(compound)
    assert payload["shield"] == {"kind": "exclude", "action": "add"}
    assert parse_compound("x.example", payload) == compound


def test_compound_inverse_swaps_dropped_and_restored_and_flips_the_shield() -> None:
    compound = Compound(dropped=(MANUAL,), shield=ShieldMove("allow", "remove"))
    inverse = compound.inverse()
    assert inverse == Compound(restored=(MANUAL,), shield=ShieldMove("allow", "add"))
    assert inverse.inverse() == compound
    assert Compound().is_empty and not inverse.is_empty


def test_parse_compound_ignores_one_source_and_empty_payloads() -> None:
    one_source = {"source_kind": "manual", "source_id": "local", "before": None, "after": None}
    assert parse_compound("x.example", one_source) is None
    assert parse_compound("x.example", {}) is None
    assert parse_compound("x.example", None) is None
