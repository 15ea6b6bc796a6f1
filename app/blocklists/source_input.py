"""Admin form input for subscriptions, checked (pure): a source's settings and the merge and
breaker settings. Every refusal is `Invalid(field, reason)`; nothing half-valid comes through."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from app.blocklists.merge import MERGEPLANS, THRESHOLD_TYPES
from app.blocklists.sources import AUTH_KINDS, AUTH_NONE, KINDS
from app.blocklists.subscriptions import MODES
from app.core.errors import Invalid
from app.store.blocklist_sources import Source
from app.store.domain_blocks import SEVERITIES
from app.store.subscription_settings import SubscriptionSettings

NAME_MAX = 100
URL_MAX = 2048
SECRET_MAX = 1000
MIN_FETCH_SECONDS = 300
MAX_FETCH_SECONDS = 30 * 86400
MAX_TRUST = 10.0
MAX_PRIORITY = 255


def _number(raw: str, name: str, low: float, high: float) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise Invalid(name, "not_a_number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise Invalid(name, "out_of_range")
    return value


def _whole(raw: str, name: str, low: int, high: int) -> int:
    value = _number(raw, name, low, high)
    if value != int(value):
        raise Invalid(name, "not_a_number")
    return int(value)


def _choice(raw: str, name: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise Invalid(name, "unknown")
    return raw


def _url(raw: str) -> str:
    url = raw.strip()
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("url", "invalid")
    return url


def parse_source_form(form: Mapping[str, str], current: Source | None) -> dict[str, Any]:
    """The source's new settings. An empty secret keeps the stored one."""
    name = form.get("name", "").strip()
    if not name or len(name) > NAME_MAX:
        raise Invalid("name", "invalid")
    auth_kind = _choice(form.get("auth_kind", AUTH_NONE), "auth_kind", AUTH_KINDS)
    secret = form.get("auth_secret", "")
    if len(secret) > SECRET_MAX:
        raise Invalid("auth_secret", "invalid")
    values: dict[str, Any] = {
        "name": name,
        "kind": _choice(form.get("kind", ""), "kind", KINDS),
        "url": _url(form.get("url", "")),
        "auth_kind": auth_kind,
        "trust": _number(form.get("trust", "1"), "trust", 0.0, MAX_TRUST),
        "max_severity": _choice(form.get("max_severity", ""), "max_severity", SEVERITIES),
        "priority": _whole(form.get("priority", "0"), "priority", 0, MAX_PRIORITY),
        "mode": _choice(form.get("mode", ""), "mode", MODES),
        "enabled": form.get("enabled") == "on",
        "fetch_every_seconds": _whole(
            form.get("fetch_every_seconds", "3600"),
            "fetch_every_seconds",
            MIN_FETCH_SECONDS,
            MAX_FETCH_SECONDS,
        ),
    }
    if auth_kind == AUTH_NONE:
        values["auth_secret"] = None
    elif secret:
        values["auth_secret"] = secret
    elif current is None or current.auth_secret is None:
        raise Invalid("auth_secret", "missing")
    return values


def parse_settings_form(form: Mapping[str, str]) -> SubscriptionSettings:
    threshold_type = _choice(form.get("threshold_type", ""), "threshold_type", THRESHOLD_TYPES)
    high = 100.0 if threshold_type == "pct" else 1000.0
    return SubscriptionSettings(
        mergeplan=_choice(form.get("mergeplan", ""), "mergeplan", MERGEPLANS),
        threshold=_number(form.get("threshold", "0"), "threshold", 0.0, high),
        threshold_type=threshold_type,
        max_changes=_whole(form.get("max_changes", ""), "max_changes", 0, 100_000),
        max_share_pct=_number(form.get("max_share_pct", ""), "max_share_pct", 0.0, 100.0),
        share_floor=_whole(form.get("share_floor", ""), "share_floor", 0, 100_000),
    )
