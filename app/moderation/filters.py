"""Word and pattern filters: which enabled category, if any, a text falls into.

Owns compiling the admin's categories, terms (defaults plus their own), regex patterns and
allowlist into one immutable `FilterSet`, and the verdict for a text. Reads no settings and no
database: the caller loads those and rebuilds the set when they change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.moderation.decision import ALLOW, HOLD, REJECT, SEVERITY, WARN, Verdict
from app.moderation.doxxing import mentions_doxxing
from app.moderation.matching import TermMatcher
from app.moderation.normalize import Converter, Normalized
from app.moderation.selfharm import is_not_the_posters_own
from app.moderation.solicitation import is_reported_not_offered, mentions_solicitation
from app.moderation.spam import is_scam_warning, mentions_spam
from app.moderation.targets import target_labels
from app.moderation.wordlists import (
    CATEGORIES,
    FRAUD,
    HARASSMENT,
    HATE,
    PROFANITY,
    SELF_HARM,
    SEXUAL,
    SPAM,
    VIOLENCE,
)
from app.store.filters import CATEGORY_DEFAULTS, OFF_BY_DEFAULT

CHECK = "filters"
RULE_ACTIONS = (WARN, HOLD, REJECT)

# The content warning a `warn` rule puts on a post, per category.
WARNINGS = {
    SEXUAL: "sexual content",
    HARASSMENT: "harassment",
    VIOLENCE: "violence",
    FRAUD: "possible scam",
    SELF_HARM: "self-harm",
    HATE: "hateful language",
    SPAM: "possible spam",
    PROFANITY: "strong language",
}


@dataclass(frozen=True, slots=True)
class CategoryRule:
    enabled: bool
    action: str

    def __post_init__(self) -> None:
        if self.action not in RULE_ACTIONS:
            raise ValueError(f"filter action must be one of {RULE_ACTIONS}, not {self.action!r}")


def default_rules() -> dict[str, CategoryRule]:
    """What a new instance starts with (see `CATEGORY_DEFAULTS` and `OFF_BY_DEFAULT`)."""
    return {
        name: CategoryRule(name not in OFF_BY_DEFAULT, action)
        for name, action in CATEGORY_DEFAULTS.items()
    }


@dataclass(frozen=True, slots=True)
class FilterSet:
    """Compiled filters. `rules` holds enabled categories only, most severe action first."""

    matcher: TermMatcher
    patterns: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    rules: tuple[tuple[str, CategoryRule], ...]

    @classmethod
    def build(
        cls,
        categories: Mapping[str, CategoryRule],
        terms: Mapping[str, Sequence[str]],
        patterns: Mapping[str, Sequence[str]],
        allowlist: Sequence[str],
        converter: Converter | None = None,
    ) -> FilterSet:
        """Compile once. Terms and patterns of unknown or disabled categories are ignored.

        Raises ValueError naming the category for a pattern that is not a valid regex.
        """
        enabled = {name: rule for name, rule in categories.items() if rule.enabled}
        ordered = sorted(enabled.items(), key=lambda item: _rank(item[0], item[1]))
        return cls(
            matcher=TermMatcher.build(
                {name: terms.get(name, ()) for name in enabled}, allowlist, converter
            ),
            patterns=tuple(
                (name, _compile(name, patterns[name])) for name in enabled if patterns.get(name)
            ),
            rules=tuple(ordered),
        )

    def check(self, normalized: Normalized) -> Verdict:
        """The most severe enabled category with a hit; ALLOW when there is none."""
        masked = self.matcher.masked(normalized)
        hits = self.matcher.labels_in(normalized) | target_labels(masked)
        if mentions_solicitation(masked):
            hits.add(SEXUAL)
        elif SEXUAL in hits and is_reported_not_offered(masked):
            # A listed word in news, a scam warning or sex education, with nothing offered.
            hits.discard(SEXUAL)
        if mentions_spam(masked):
            hits.add(SPAM)
        elif hits & {SPAM, FRAUD} and is_scam_warning(masked):
            # A listed scam word in a warning about that scam (刷单返利 … 都是骗局).
            hits -= {SPAM, FRAUD}
        # Self-harm words quoted, in a recovery story or about someone else: no warning, as the
        # help page is not shown for them either.
        if SELF_HARM in hits and is_not_the_posters_own(normalized):
            hits.discard(SELF_HARM)
        if mentions_doxxing(masked):
            # Exposing a person is harassment whatever the words (an admin's harassment rule).
            hits.add(HARASSMENT)
        for name, rule in self.rules:
            if name in hits or self._pattern_hits(name, normalized):
                warning = (
                    WARNINGS.get(name, name.replace("_", " ")) if rule.action == WARN else None
                )
                return Verdict(rule.action, CHECK, name, warning)
        return Verdict(ALLOW, CHECK)

    def _pattern_hits(self, name: str, normalized: Normalized) -> bool:
        texts = (normalized.plain, *normalized.forms)
        for category, compiled in self.patterns:
            if category == name:
                return any(p.search(text) for p in compiled for text in texts)
        return False


def _rank(name: str, rule: CategoryRule) -> tuple[int, int, str]:
    known = CATEGORIES.index(name) if name in CATEGORIES else len(CATEGORIES)
    return (-SEVERITY[rule.action], known, name)


def _compile(category: str, sources: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for source in sources:
        try:
            compiled.append(re.compile(source, re.IGNORECASE))
        except re.error as error:
            raise ValueError(f"bad pattern in {category}: {source!r}: {error}") from error
    return tuple(compiled)
