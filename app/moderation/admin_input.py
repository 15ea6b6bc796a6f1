"""What admins may enter on the admin pages: filter terms and patterns, classifier and model
thresholds,
link allowlist domains, breaker settings, who sees the public domain-block list and board
settings. Pure parsing: each function returns
the clean value or raises `Invalid(field, reason)`; nothing here reads or writes the database."""

from __future__ import annotations

import math
import re

from app.core.errors import Invalid
from app.core.i18n import LANGUAGES
from app.store.blocklist_settings import VISIBILITIES
from app.store.boards import PREMODERATION_MODES, BoardModeration, BoardProfile
from app.store.filters import ACTIONS, CATEGORY_DEFAULTS, KINDS, REGEX
from app.store.instance_profile import InstanceProfile
from app.store.moderation import BREAKER_MODES, ModerationSettings

TERM_MAX_CHARS = 200
PATTERN_MAX_CHARS = 200
LINK_ALLOWLIST_MAX = 500
TTLS_MAX = 12
SELF_DESTRUCT_MAX_HOURS = 24 * 365
BREAKER_MAX = 100_000
HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
BOUNDED_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")


def parse_category(raw: str | None) -> str:
    if raw not in CATEGORY_DEFAULTS:
        raise Invalid("category", "unknown")
    return raw


def parse_action(raw: str | None) -> str:
    if raw not in ACTIONS:
        raise Invalid("action", "unknown")
    return raw


def parse_term(kind: str | None, raw: str | None) -> tuple[str, str]:
    """A filter word or regular expression: (kind, term)."""
    if kind not in KINDS:
        raise Invalid("kind", "unknown")
    term = (raw or "").strip()
    if not term:
        raise Invalid("term", "empty")
    if len(term) > (PATTERN_MAX_CHARS if kind == REGEX else TERM_MAX_CHARS):
        raise Invalid("term", "too_long")
    if kind == REGEX:
        check_pattern(term)
    return kind, term


def check_pattern(pattern: str) -> None:
    """Refuse patterns that do not compile, and nested quantifiers such as `(a+)+` that can
    backtrack for ever on a crafted post."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        raise Invalid("term", "bad_regex") from None
    if has_nested_quantifier(pattern):
        raise Invalid("term", "slow_regex")


def _repeat_at(pattern: str, index: int) -> int:
    """Length of the quantifier that repeats more than once at `index` (0 if there is none)."""
    if index >= len(pattern):
        return 0
    if pattern[index] in "*+":
        return 1
    match = BOUNDED_REPEAT.match(pattern, index)
    if match is None:
        return 0
    low, comma, high = match.groups()
    unbounded_or_many = (comma and not high) or (high and int(high) > 1) or (low and int(low) > 1)
    return len(match.group(0)) if unbounded_or_many else 0


def has_nested_quantifier(pattern: str) -> bool:
    """Whether a repeated group contains a repeat: the shape of catastrophic backtracking."""
    stack: list[bool] = [False]
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _skip_class(pattern, index)
            continue
        if char == "(":
            stack.append(False)
        elif char == ")" and len(stack) > 1:
            inner = stack.pop()
            repeated = _repeat_at(pattern, index + 1)
            if inner and repeated:
                return True
            stack[-1] = stack[-1] or inner or bool(repeated)
        elif _repeat_at(pattern, index):
            stack[-1] = True
        index += 1
    return False


def _skip_class(pattern: str, start: int) -> int:
    """The index just after the character class opening at `start`."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def parse_allowlist_term(raw: str | None) -> str:
    term = (raw or "").strip()
    if not term:
        raise Invalid("term", "empty")
    if len(term) > TERM_MAX_CHARS:
        raise Invalid("term", "too_long")
    return term


def _parse_fraction(name: str, raw: str | None) -> float:
    try:
        value = float((raw or "").strip())
    except ValueError:
        raise Invalid(name, "not_a_number") from None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise Invalid(name, "out_of_range")
    return value


def parse_int(name: str, raw: str | None, low: int, high: int) -> int:
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():
        raise Invalid(name, "not_a_number")
    value = int(text)
    if not low <= value <= high:
        raise Invalid(name, "out_of_range")
    return value


def parse_domains(raw: str | None) -> tuple[str, ...]:
    """Host names, one per line (or separated by spaces or commas), lowercased, deduplicated."""
    found: list[str] = []
    for part in re.split(r"[\s,]+", raw or ""):
        if not part:
            continue
        try:
            host = part.strip().rstrip(".").encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise Invalid("link_allowlist", "bad_domain") from None
        if not HOSTNAME.match(host):
            raise Invalid("link_allowlist", "bad_domain")
        found.append(host)
    domains = tuple(dict.fromkeys(found))
    if len(domains) > LINK_ALLOWLIST_MAX:
        raise Invalid("link_allowlist", "too_many")
    return domains


MODEL_DEFAULT = "default"
MODEL_OFF = "off"


def parse_model_threshold(name: str, raw: str | None) -> float | None:
    """A score from which an n-gram model head acts: empty or `default` keeps the shipped
    threshold (None), `off` (or 1) turns the head off (1.0), else a number from 0 to 1."""
    text = (raw or "").strip().lower()
    if text in ("", MODEL_DEFAULT):
        return None
    if text == MODEL_OFF:
        return 1.0
    return _parse_fraction(name, text)


def parse_moderation_settings(
    form: dict[str, str | None], current: ModerationSettings
) -> ModerationSettings:
    """The settings form, validated as a whole; thresholds must read warn ≤ hold ≤ reject."""
    warn = _parse_fraction("classifier_warn", form.get("classifier_warn"))
    hold = _parse_fraction("classifier_hold", form.get("classifier_hold"))
    reject = _parse_fraction("classifier_reject", form.get("classifier_reject"))
    if not warn <= hold <= reject:
        raise Invalid("thresholds", "order")
    mode = form.get("breaker_mode")
    if mode not in BREAKER_MODES:
        raise Invalid("breaker_mode", "unknown")
    return ModerationSettings(
        classifier_warn=warn,
        classifier_hold=hold,
        classifier_reject=reject,
        english_classifier=form.get("english_classifier") == "on",
        model_hold=parse_model_threshold("model_hold", form.get("model_hold")),
        model_help=parse_model_threshold("model_help", form.get("model_help")),
        link_allowlist=parse_domains(form.get("link_allowlist")),
        pow_enabled=form.get("pow_enabled") == "on",
        breaker_posts_per_minute=parse_int(
            "breaker_posts_per_minute", form.get("breaker_posts_per_minute"), 1, BREAKER_MAX
        ),
        breaker_mode=mode,
        under_attack_until=current.under_attack_until,
    )


# A lifetime as people write it: `90m`, `12h`, `3d`, `2w`, `1 天`, `6小时`; a bare number is
# seconds (what the board command and older forms take).
DURATION = re.compile(r"^(\d{1,9})\s*([a-z\u4e00-\u9fff]*)$")
DURATION_UNITS = {
    "": 1, "s": 1, "sec": 1, "秒": 1,
    "m": 60, "min": 60, "分": 60, "分钟": 60,
    "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "时": 3600, "小时": 3600,
    "d": 86400, "day": 86400, "days": 86400, "天": 86400, "日": 86400,
    "w": 604800, "week": 604800, "weeks": 604800, "周": 604800, "星期": 604800,
}  # fmt: skip


def parse_duration(name: str, raw: str | None, low: int, high: int) -> int:
    """Seconds from a lifetime as written (`12h`, `3d`, `86400`), between `low` and `high`."""
    match = DURATION.match((raw or "").strip().lower())
    if match is None or match.group(2) not in DURATION_UNITS:
        raise Invalid(name, "not_a_number")
    value = int(match.group(1)) * DURATION_UNITS[match.group(2)]
    if not low <= value <= high:
        raise Invalid(name, "out_of_range")
    return value


def format_duration(seconds: int) -> str:
    """The shortest exact way to write a lifetime for `parse_duration`: `7d`, `12h`, `90m`."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return str(seconds)


def parse_visibility(name: str, raw: str | None) -> str:
    """Who may see the public domain-block list (or its reasons): disabled | users | all."""
    if raw not in VISIBILITIES:
        raise Invalid(name, "unknown")
    return raw


def parse_ttls(raw: str | None, max_ttl: int) -> tuple[int, ...]:
    """Lifetimes (`1h, 1d, 7d`, or seconds), separated by commas or spaces, each at most the
    instance maximum."""
    parts = [part for part in re.split(r"[\s,，、]+", raw or "") if part]
    ttls = tuple(sorted({parse_duration("allowed_ttls", part, 60, max_ttl) for part in parts}))
    if not ttls:
        raise Invalid("allowed_ttls", "empty")
    if len(ttls) > TTLS_MAX:
        raise Invalid("allowed_ttls", "too_many")
    return ttls


def parse_board_settings(
    form: dict[str, str | None], max_ttl: int
) -> tuple[BoardModeration, int, tuple[int, ...]]:
    """(moderation, default TTL, allowed TTLs) from the board form."""
    premoderation = form.get("premoderation")
    if premoderation not in PREMODERATION_MODES:
        raise Invalid("premoderation", "unknown")
    hours_text = (form.get("self_destruct_hours") or "").strip()
    hours = (
        parse_int("self_destruct_hours", hours_text, 1, SELF_DESTRUCT_MAX_HOURS)
        if hours_text
        else None
    )
    allowed = parse_ttls(form.get("allowed_ttls"), max_ttl)
    default_ttl = parse_duration("default_ttl", form.get("default_ttl"), 60, max_ttl)
    if default_ttl not in allowed:
        raise Invalid("default_ttl", "not_allowed")
    moderation = BoardModeration(premoderation, form.get("pow_required") == "on", hours)
    return moderation, default_ttl, allowed


TITLE_MAX_CHARS = 200
DESCRIPTION_MAX_CHARS = 2000
RULES_MAX = 20
RULE_MAX_CHARS = 500
ABOUT_MAX_CHARS = 5000
CONTACT_MAX_CHARS = 200
SLUG = re.compile(r"^[a-z0-9][a-z0-9_]{0,31}$")


def parse_rules(name: str, raw: str | None) -> tuple[str, ...]:
    """Rules, one per line (empty lines dropped)."""
    rules = tuple(line.strip() for line in (raw or "").splitlines() if line.strip())
    if len(rules) > RULES_MAX:
        raise Invalid(name, "too_many")
    if any(len(rule) > RULE_MAX_CHARS for rule in rules):
        raise Invalid(name, "too_long")
    return rules


def _text(name: str, raw: str | None, limit: int, required: bool = False) -> str:
    value = (raw or "").strip()
    if required and not value:
        raise Invalid(name, "empty")
    if len(value) > limit:
        raise Invalid(name, "too_long")
    return value


def parse_instance_profile(form: dict[str, str]) -> InstanceProfile:
    return InstanceProfile(
        about=_text("about", form.get("about"), ABOUT_MAX_CHARS).replace("\r\n", "\n"),
        rules=parse_rules("rules", form.get("rules")),
        contact=_text("contact", form.get("contact"), CONTACT_MAX_CHARS),
    )


def parse_slug(raw: str | None) -> str:
    slug = (raw or "").strip().lower()
    if not SLUG.match(slug):
        raise Invalid("slug", "invalid")
    return slug


def parse_board_profile(form: dict[str, str | None]) -> BoardProfile:
    """What a board says about itself: title, description, language and rules."""
    language = form.get("language")
    if language not in LANGUAGES:
        raise Invalid("language", "unknown")
    return BoardProfile(
        title=_text("title", form.get("title"), TITLE_MAX_CHARS, required=True),
        description=_text("description", form.get("description"), DESCRIPTION_MAX_CHARS),
        language=language,
        rules="\n".join(parse_rules("board_rules", form.get("rules"))),
    )


def parse_choice(name: str, raw: str | None, choices: tuple[str, ...]) -> str:
    """One of `choices`, as a select sends it; `Invalid(name, "unknown")` otherwise."""
    value = (raw or "").strip()
    if value not in choices:
        raise Invalid(name, "unknown")
    return value
