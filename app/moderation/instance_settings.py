"""Every admin setting kept in the database, by name: what it holds, the admin page that sets
it, and how to read and change it with the same validation as that page.

`treehole settings show|set` works through this table, and the reachability test checks that
each setting here has its page, its command and its line in the README. A setting is changed
as a page changes it: its group (the fields one form sends together) is read as the page shows
it, the one value is replaced, and the whole group is parsed and stored, so rules that span
fields (warn ≤ hold ≤ reject) hold whichever way a value is set.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass

from app.blocklists.source_input import parse_settings_form
from app.core.errors import Invalid
from app.db.engine import Db
from app.moderation import admin_input
from app.store import blocklist_settings, instance_profile, moderation, subscription_settings
from app.store.moderation import ModerationSettings

ON, OFF = "on", "off"

Values = dict[str, str]


@dataclass(frozen=True, slots=True)
class SettingGroup:
    """Fields one admin form sends together, with how to show, parse and store them."""

    page: str  # the admin page's path
    read: Callable[[Db], Awaitable[Values]]  # every field as the page shows it
    write: Callable[[Db, Values], Awaitable[None]]  # parse the whole group, then store it


@dataclass(frozen=True, slots=True)
class InstanceSetting:
    name: str  # as `treehole settings` and the README name it
    field: str  # the form field on its page
    group: SettingGroup
    meaning: str
    # Its value may hold line breaks, which `treehole settings` writes as `\n` (and a
    # backslash as `\\`) so that each setting stays on one line.
    multiline: bool = False


# --- the moderation settings (/admin/settings) --------------------------------------------


def shown_moderation_settings(settings: ModerationSettings) -> Values:
    """The moderation settings as the settings form shows them."""
    return {
        "classifier_warn": str(settings.classifier_warn),
        "classifier_hold": str(settings.classifier_hold),
        "classifier_reject": str(settings.classifier_reject),
        "english_classifier": ON if settings.english_classifier else "",
        "model_hold": _shown_model_threshold(settings.model_hold),
        "model_help": _shown_model_threshold(settings.model_help),
        "link_allowlist": "\n".join(settings.link_allowlist),
        "pow_enabled": ON if settings.pow_enabled else "",
        "breaker_posts_per_minute": str(settings.breaker_posts_per_minute),
        "breaker_mode": settings.breaker_mode,
    }


def _shown_model_threshold(value: float | None) -> str:
    if value is None:
        return admin_input.MODEL_DEFAULT
    return admin_input.MODEL_OFF if value >= 1.0 else str(value)


async def _read_moderation(db: Db) -> Values:
    return shown_moderation_settings(await moderation.get_moderation_settings(db))


async def _write_moderation(db: Db, values: Values) -> None:
    current = await moderation.get_moderation_settings(db)
    entered: dict[str, str | None] = dict(values)
    chosen = admin_input.parse_moderation_settings(entered, current)
    await moderation.update_moderation_settings(db, chosen)


MODERATION = SettingGroup("/admin/settings", _read_moderation, _write_moderation)

# --- who may see the public domain-block list (/admin/settings) ---------------------------


async def _read_visibility(db: Db) -> Values:
    return {
        key: await blocklist_settings.get_visibility(db, key)
        for key in (
            blocklist_settings.SHOW_DOMAIN_BLOCKS,
            blocklist_settings.SHOW_DOMAIN_BLOCKS_RATIONALE,
        )
    }


async def _write_visibility(db: Db, values: Values) -> None:
    chosen = {key: admin_input.parse_visibility(key, value) for key, value in values.items()}
    for key, value in chosen.items():
        await blocklist_settings.set_visibility(db, key, value)


VISIBILITY = SettingGroup("/admin/settings", _read_visibility, _write_visibility)

# --- how subscriptions merge, and their circuit breaker (/admin/subscriptions) ------------


async def _read_subscriptions(db: Db) -> Values:
    chosen = await subscription_settings.get_subscription_settings(db)
    return {name: str(value) for name, value in asdict(chosen).items()}


async def _write_subscriptions(db: Db, values: Values) -> None:
    await subscription_settings.update_subscription_settings(db, parse_settings_form(values))


SUBSCRIPTIONS = SettingGroup("/admin/subscriptions", _read_subscriptions, _write_subscriptions)

# --- what the instance says about itself (/admin/instance) --------------------------------


async def _read_instance_profile(db: Db) -> Values:
    profile = await instance_profile.get_instance_profile(db)
    return {"about": profile.about, "rules": "\n".join(profile.rules), "contact": profile.contact}


async def _write_instance_profile(db: Db, values: Values) -> None:
    profile = admin_input.parse_instance_profile(values)
    await instance_profile.update_instance_profile(db, profile)


INSTANCE_PROFILE = SettingGroup("/admin/instance", _read_instance_profile, _write_instance_profile)

SETTINGS: tuple[InstanceSetting, ...] = (
    InstanceSetting(
        "classifier_warn", "classifier_warn", MODERATION,
        "classifier score (0-1) from which a post gets a content warning",
    ),
    InstanceSetting(
        "classifier_hold", "classifier_hold", MODERATION,
        "classifier score from which a post waits for review",
    ),
    InstanceSetting(
        "classifier_reject", "classifier_reject", MODERATION,
        "classifier score from which a post is refused (warn <= hold <= reject)",
    ),
    InstanceSetting(
        "english_classifier", "english_classifier", MODERATION,
        "on: also score English text with the optional classifier (treehole[classifier]; "
        "~85 MB more memory per process); off by default, then never loaded (on | off)",
    ),
    InstanceSetting(
        "model_hold", "model_hold", MODERATION,
        "n-gram model score (0-1) from which a post it finds likely abusive waits for review: "
        "default (the shipped threshold) | off | a number",
    ),
    InstanceSetting(
        "model_help", "model_help", MODERATION,
        "n-gram model score (0-1) from which a post is asked about self-harm and shown the "
        "help page: default (the shipped threshold) | off | a number",
    ),
    InstanceSetting(
        "link_allowlist", "link_allowlist", MODERATION,
        "domains links may point to without review (separated by commas or spaces)",
    ),
    InstanceSetting(
        "pow_enabled", "pow_enabled", MODERATION,
        "on: every poster's browser solves a small proof of work (on | off)",
    ),
    InstanceSetting(
        "breaker_posts_per_minute", "breaker_posts_per_minute", MODERATION,
        "posts a minute that trip the circuit breaker",
    ),
    InstanceSetting(
        "breaker_mode", "breaker_mode", MODERATION,
        "what the tripped breaker asks for: pow | review",
    ),
    InstanceSetting(
        "show_domain_blocks", blocklist_settings.SHOW_DOMAIN_BLOCKS, VISIBILITY,
        "who may read the public domain-block list: disabled | users | all",
    ),
    InstanceSetting(
        "show_domain_blocks_rationale", blocklist_settings.SHOW_DOMAIN_BLOCKS_RATIONALE,
        VISIBILITY, "who may read the reasons in it: disabled | users | all",
    ),
    InstanceSetting(
        "subscription_mergeplan", "mergeplan", SUBSCRIPTIONS,
        "how subscribed lists merge: max | min | priority",
    ),
    InstanceSetting(
        "subscription_threshold", "threshold", SUBSCRIPTIONS,
        "sources that must agree before a block applies",
    ),
    InstanceSetting(
        "subscription_threshold_type", "threshold_type", SUBSCRIPTIONS,
        "the threshold counts sources or a percentage of them: count | pct",
    ),
    InstanceSetting(
        "subscription_max_changes", "max_changes", SUBSCRIPTIONS,
        "a sync changing more blocks than this waits for review",
    ),
    InstanceSetting(
        "subscription_max_share_pct", "max_share_pct", SUBSCRIPTIONS,
        "... or more than this percentage of them",
    ),
    InstanceSetting(
        "subscription_share_floor", "share_floor", SUBSCRIPTIONS,
        "the percentage applies from this many blocks on",
    ),
    InstanceSetting(
        "instance_about", "about", INSTANCE_PROFILE,
        "what this server is, on /about and in the instance API (paragraphs split by \\n\\n)",
        multiline=True,
    ),
    InstanceSetting(
        "instance_rules", "rules", INSTANCE_PROFILE,
        "the server's rules, one per line (lines split by \\n)", multiline=True,
    ),
    InstanceSetting(
        "instance_contact", "contact", INSTANCE_PROFILE,
        "how to reach the admins: an e-mail address, a fediverse handle or a URL",
    ),
)  # fmt: skip
BY_NAME: Mapping[str, InstanceSetting] = {setting.name: setting for setting in SETTINGS}


# Checkboxes on their page: `on` | `off` on the command line.
SWITCHES = frozenset({"pow_enabled", "english_classifier"})
LINE_ESCAPE = re.compile(r"\\(\\|n)")


def _from_field(setting: InstanceSetting, value: str) -> str:
    """A value as its command line gives it, into what the page's form would send."""
    if setting.multiline:
        return LINE_ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else "\\", value)
    if setting.name in SWITCHES:
        if value not in (ON, OFF):
            raise Invalid(setting.field, "not_on_or_off")
        return ON if value == ON else ""
    return value


def _to_shown(setting: InstanceSetting, value: str) -> str:
    if setting.multiline:
        return value.replace("\\", "\\\\").replace("\n", "\\n")
    if setting.name in SWITCHES:
        return ON if value == ON else OFF
    if setting.name == "link_allowlist":
        return ",".join(value.split())
    return value


async def show_settings(db: Db) -> dict[str, str]:
    """Every setting's current value, by name, as `treehole settings show` prints it."""
    groups: dict[int, Values] = {}
    shown: dict[str, str] = {}
    for setting in SETTINGS:
        key = id(setting.group)
        if key not in groups:
            groups[key] = await setting.group.read(db)
        shown[setting.name] = _to_shown(setting, groups[key][setting.field])
    return shown


async def set_setting(db: Db, name: str, value: str) -> None:
    """Change one setting as its admin page would; `Invalid(field, reason)` if the page would
    refuse it (then nothing changes), `KeyError` for a name that is no setting."""
    setting = BY_NAME[name]
    values = await setting.group.read(db)
    values[setting.field] = _from_field(setting, value.strip())
    async with db.transaction():
        await setting.group.write(db, values)
