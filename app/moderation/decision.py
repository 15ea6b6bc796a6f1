"""What a check says about content, and how the answers combine into one decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ALLOW = "allow"
WARN = "warn"
HOLD = "hold"
REJECT = "reject"
SEVERITY = {ALLOW: 0, WARN: 1, HOLD: 2, REJECT: 3}

PUBLISH = "publish"
PUBLISH_WITH_WARNING = "publish_with_warning"


@dataclass(frozen=True, slots=True)
class Verdict:
    """One check's answer. `reason` is a category the poster may see (e.g. "sexual",
    "link_not_allowed", "duplicate"); `warning` is the content warning a `warn` adds."""

    action: str
    check: str
    reason: str = ""
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The pipeline's outcome: publish, publish_with_warning, hold or reject."""

    outcome: str
    reason: str
    check: str
    warning: str | None
    verdicts: tuple[Verdict, ...]

    @property
    def warning_labels(self) -> tuple[str, ...]:
        """The categories of the content warnings to add (e.g. "profanity", "offensive"), for
        each reader to see in their own language."""
        reasons = (v.reason for v in self.verdicts if v.action == WARN and v.warning and v.reason)
        return tuple(dict.fromkeys(reasons))


def combine(verdicts: Sequence[Verdict]) -> Decision:
    """The most severe verdict decides; the first of equals names the reason."""
    worst = max(verdicts, key=lambda v: SEVERITY[v.action], default=Verdict(ALLOW, "none"))
    warnings = [v.warning for v in verdicts if v.action == WARN and v.warning]
    outcome = {
        ALLOW: PUBLISH,
        WARN: PUBLISH_WITH_WARNING,
        HOLD: HOLD,
        REJECT: REJECT,
    }[worst.action]
    return Decision(
        outcome=outcome,
        reason=worst.reason,
        check=worst.check,
        warning="; ".join(dict.fromkeys(warnings)) or None,
        verdicts=tuple(verdicts),
    )
