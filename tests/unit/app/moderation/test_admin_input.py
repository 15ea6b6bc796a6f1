"""What admins may enter: patterns that could backtrack for ever are refused, thresholds must be
ordered, domains are normalised."""

from __future__ import annotations

import pytest

from app.core.errors import Invalid
from app.moderation.admin_input import has_nested_quantifier, parse_domains, parse_term


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+", "(a*)*b", r"(\w+\s?)*$", "((ab)+)+", "(x{2,})+", "(?:a|b+){3,}", r"((\d+))*"],
)
def test_admin_input_finds_nested_quantifiers(pattern: str) -> None:
    assert has_nested_quantifier(pattern)


@pytest.mark.parametrize(
    "pattern",
    [r"free\s+money", "(ab)+", "a+b+", r"[(a+)]+", r"\(a+\)+", "(a+)?", "(a{1})+", "b(a|c)*"],
)
def test_admin_input_lets_linear_patterns_through(pattern: str) -> None:
    assert not has_nested_quantifier(pattern)


def test_admin_input_parse_term_refuses_slow_and_broken_patterns() -> None:
    assert parse_term("regex", "  casino\\d+ ") == ("regex", "casino\\d+")
    for pattern, reason in (("(a+)+", "slow_regex"), ("[", "bad_regex")):
        with pytest.raises(Invalid) as refused:
            parse_term("regex", pattern)
        assert refused.value.reason == reason


def test_admin_input_parse_domains_normalises_and_deduplicates() -> None:
    assert parse_domains("Example.ORG\n bücher.example, example.org.") == (
        "example.org",
        "xn--bcher-kva.example",
    )
    with pytest.raises(Invalid):
        parse_domains("http://x")
