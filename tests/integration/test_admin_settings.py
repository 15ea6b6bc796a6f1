"""Admin-only forms: filters, moderation settings and boards persist what is valid and refuse
the rest with a 400 page that changes nothing; domain blocks and actor moderation (moderators
may act) go through the moderation service and are recorded."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import filter_terms, moderation_decisions, remote_actors
from app.moderation.classifier import CHECK as CLASSIFIER_CHECK
from app.moderation.classifier import Classifier
from app.moderation.decision import HOLD, Decision
from app.moderation.model import CHECK as MODEL_CHECK
from app.moderation.pipeline import LOCAL, Content
from app.moderation.service import Moderator
from app.store import filters as filter_store
from app.store.blocklist_settings import get_visibility
from app.store.boards import get_board_by_slug
from app.store.domain_blocks import get_block
from app.store.moderation import ModerationSettings, get_moderation_settings
from app.web.admin.texts import INVALID
from tests.support.admin import form_token, make_remote_actor, signed_in
from tests.support.app_client import RunningApp

pytestmark = pytest.mark.anyio

GOOD_SETTINGS = {
    "classifier_warn": "0.5",
    "classifier_hold": "0.7",
    "classifier_reject": "0.9",
    "english_classifier": "on",
    "model_hold": "0.8",
    "model_help": "off",
    "link_allowlist": "Example.org\nwikipedia.org, example.org",
    "pow_enabled": "on",
    "breaker_posts_per_minute": "45",
    "breaker_mode": "review",
}
GOOD_BOARD = {
    "title": "Main board",
    "description": "Say it here.",
    "language": "en",
    "rules": "Be kind.\nNo contact details.",
    "premoderation": "threads",
    "pow_required": "on",
    "self_destruct_hours": "48",
    "allowed_ttls": "1h, 1d",
    "default_ttl": "1h",
}


@pytest.fixture
async def admin(instance: RunningApp) -> RunningApp:
    await signed_in(instance.client, instance.services.db, "root", "admin")
    return instance


async def post(instance: RunningApp, page: str, action: str, data: dict[str, object]) -> str:
    """Post a form; returns the refusal text (empty after a redirect)."""
    token = await form_token(instance.client, page)
    answer = await instance.client.post(action, data={"csrf_token": token, **data})
    assert answer.status_code in (303, 400), answer.text
    return "" if answer.status_code == 303 else html.unescape(answer.text)


async def test_admin_filters_categories_persist_and_move_the_version(admin: RunningApp) -> None:
    db = admin.services.db
    before = await filter_store.get_filter_config_version(db)
    defaults = {c.name: (c.enabled, c.action) for c in await filter_store.list_categories(db)}
    assert defaults["hate"] == (True, "reject") and defaults["self_harm"] == (True, "warn")
    # Swearing at nobody is published as is on a new instance; the admin may turn warnings on.
    assert defaults["profanity"] == (False, "warn")
    form: dict[str, object] = {f"action_{name}": "hold" for name in defaults}
    form |= {f"enabled_{name}": "on" for name in defaults if name != "spam"}
    form["action_fraud"] = "reject"
    assert await post(admin, "/admin/filters", "/admin/filters/categories", form) == ""
    stored = {c.name: (c.enabled, c.action) for c in await filter_store.list_categories(db)}
    assert stored["spam"] == (False, "hold")
    assert stored["fraud"] == (True, "reject")
    assert stored["profanity"] == (True, "hold")
    assert await filter_store.get_filter_config_version(db) != before


async def test_admin_filters_category_bad_action_changes_nothing(admin: RunningApp) -> None:
    db = admin.services.db
    before = await filter_store.list_categories(db)
    form = {f"action_{c.name}": "hold" for c in before} | {"action_hate": "explode"}
    refused = await post(admin, "/admin/filters", "/admin/filters/categories", form)
    assert INVALID["action: unknown"] in refused
    assert await filter_store.list_categories(db) == before


async def test_admin_filters_terms_and_patterns_add_and_remove(admin: RunningApp) -> None:
    db = admin.services.db
    for kind, term in (("word", "scamcoin"), ("regex", r"free\s+money")):
        data = {"category": "fraud", "kind": kind, "term": term}
        assert await post(admin, "/admin/filters", "/admin/filters/terms", data) == ""
    terms = await filter_store.list_terms(db)
    assert {(t.category, t.kind, t.term) for t in terms} == {
        ("fraud", "word", "scamcoin"),
        ("fraud", "regex", r"free\s+money"),
    }
    page = await admin.client.get("/admin/filters")
    assert "scamcoin" in page.text
    word = next(t for t in terms if t.kind == "word")
    assert await post(admin, "/admin/filters", f"/admin/filters/terms/{word.id}/delete", {}) == ""
    assert [t.term for t in await filter_store.list_terms(db)] == [r"free\s+money"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"category": "fraud", "kind": "regex", "term": "(unclosed"}, "term: bad_regex"),
        ({"category": "fraud", "kind": "regex", "term": "(a+)+$"}, "term: slow_regex"),
        ({"category": "fraud", "kind": "regex", "term": r"((\w+\s?))*x"}, "term: slow_regex"),
        ({"category": "fraud", "kind": "regex", "term": "a" * 201}, "term: too_long"),
        ({"category": "fraud", "kind": "word", "term": "   "}, "term: empty"),
        ({"category": "nonsense", "kind": "word", "term": "x"}, "category: unknown"),
        ({"category": "fraud", "kind": "glob", "term": "x"}, "kind: unknown"),
    ],
    ids=["bad-regex", "nested", "nested-deep", "too-long", "empty", "category", "kind"],
)
async def test_admin_filters_refuse_bad_terms(
    admin: RunningApp, data: dict[str, object], reason: str
) -> None:
    refused = await post(admin, "/admin/filters", "/admin/filters/terms", data)
    assert INVALID[reason] in refused
    rows = await admin.services.db.fetch_all(sa.select(filter_terms))
    assert rows == []


async def test_admin_filters_allowlist_add_and_remove(admin: RunningApp) -> None:
    db = admin.services.db
    assert (
        await post(admin, "/admin/filters", "/admin/filters/allowlist", {"term": "Scunthorpe"})
        == ""
    )
    assert await filter_store.list_allowlist(db) == ["Scunthorpe"]
    assert await post(admin, "/admin/filters", "/admin/filters/allowlist", {"term": ""}) != ""
    done = await post(
        admin, "/admin/filters", "/admin/filters/allowlist/delete", {"term": "Scunthorpe"}
    )
    assert done == ""
    assert await filter_store.list_allowlist(db) == []


async def test_admin_settings_persist(admin: RunningApp) -> None:
    assert await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS) == ""
    stored = await get_moderation_settings(admin.services.db)
    assert stored == ModerationSettings(
        classifier_warn=0.5,
        classifier_hold=0.7,
        classifier_reject=0.9,
        english_classifier=True,
        model_hold=0.8,
        model_help=1.0,
        link_allowlist=("example.org", "wikipedia.org"),
        pow_enabled=True,
        breaker_posts_per_minute=45,
        breaker_mode="review",
    )
    page = await admin.client.get("/admin/settings")
    assert "wikipedia.org" in page.text
    assert 'name="model_help" value="off"' in page.text
    assert 'name="english_classifier" aria-describedby="english-classifier-help" checked' in (
        page.text
    )
    # Back to the shipped thresholds: `default` (or an empty field) stores none.
    back = GOOD_SETTINGS | {"model_hold": "default", "model_help": ""}
    assert await post(admin, "/admin/settings", "/admin/settings", back) == ""
    stored = await get_moderation_settings(admin.services.db)
    assert stored.model_hold is None and stored.model_help is None


async def test_admin_settings_english_classifier_is_off_by_default(admin: RunningApp) -> None:
    assert ModerationSettings().english_classifier is False
    page = await admin.client.get("/admin/settings")
    assert 'aria-describedby="english-classifier-help">' in page.text  # not checked
    assert 'name="model_hold" value="default"' in page.text
    # The test extra installs the classifier: the page says nothing is missing.
    assert 'id="classifier-missing"' not in page.text


# Made up for this test; the shipped model scores it ~0.98 (the threshold is ~0.73).
LIKELY_ABUSE = "you are pathetic and everyone laughs at you"


def _model_holds(decision: Decision) -> bool:
    return any(v.check == MODEL_CHECK and v.action == HOLD for v in decision.verdicts)


async def test_model_hold_set_to_off_stops_the_models_holds(admin: RunningApp) -> None:
    db = admin.services.db
    moderator = Moderator(db)
    content = Content(LIKELY_ABUSE, None, LOCAL, is_thread_start=True)
    by_default = await moderator.assess(content, utcnow())
    assert _model_holds(by_default.decision)
    assert await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS | {
        "english_classifier": "", "model_hold": "off"
    }) == ""  # fmt: skip
    turned_off = await moderator.assess(content, utcnow())
    assert not _model_holds(turned_off.decision)
    assert await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS | {
        "english_classifier": "", "model_hold": "0.999"
    }) == ""  # fmt: skip
    assert not _model_holds((await moderator.assess(content, utcnow())).decision)
    assert await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS | {
        "english_classifier": "", "model_hold": "0.5"
    }) == ""  # fmt: skip
    assert _model_holds((await moderator.assess(content, utcnow())).decision)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"classifier_warn": "0.9", "classifier_reject": "0.5"}, "thresholds: order"),
        ({"classifier_hold": "1.5"}, "classifier_hold: out_of_range"),
        ({"classifier_warn": "nan"}, "classifier_warn: out_of_range"),
        ({"classifier_reject": "lots"}, "classifier_reject: not_a_number"),
        ({"breaker_posts_per_minute": "0"}, "breaker_posts_per_minute: out_of_range"),
        ({"breaker_mode": "panic"}, "breaker_mode: unknown"),
        ({"link_allowlist": "not a domain!"}, "link_allowlist: bad_domain"),
        ({"model_hold": "1.5"}, "model_hold: out_of_range"),
        ({"model_hold": "-0.1"}, "model_hold: out_of_range"),
        ({"model_help": "sometimes"}, "model_help: not_a_number"),
    ],
    ids=[
        "order",
        "range",
        "nan",
        "text",
        "breaker",
        "mode",
        "domain",
        "model-high",
        "model-negative",
        "model-text",
    ],  # fmt: skip
)
async def test_admin_settings_refuse_bad_input(
    admin: RunningApp, change: dict[str, str], reason: str
) -> None:
    refused = await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS | change)
    assert INVALID[reason] in refused
    assert await get_moderation_settings(admin.services.db) == ModerationSettings()


async def test_admin_settings_open_the_public_domain_block_list(admin: RunningApp) -> None:
    """spec: blocklist-visibility-reachable (Mastodon's show_domain_blocks and
    show_domain_blocks_rationale, closed by default, opened from the settings page)"""
    client, db = admin.client, admin.services.db
    page = await client.get("/admin/settings")
    for name in ("show_domain_blocks", "show_domain_blocks_rationale"):
        assert f'<select id="{name}" name="{name}"' in page.text
        assert await get_visibility(db, name) == "disabled"
    assert 'action="http://treehole.test/admin/settings/domain-blocks"' in page.text
    assert (await client.get("/api/v1/instance/domain_blocks")).status_code == 404
    form = {"show_domain_blocks": "all", "show_domain_blocks_rationale": "users"}
    assert await post(admin, "/admin/settings", "/admin/settings/domain-blocks", form) == ""
    assert (await client.get("/api/v1/instance/domain_blocks")).status_code == 200
    assert (await client.get("/domain_blocks.csv")).status_code == 200
    page = await client.get("/admin/settings")
    assert '<option value="all" selected>' in page.text
    # The moderation settings are untouched by this form, and the other way round.
    assert await get_moderation_settings(db) == ModerationSettings()
    assert await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS) == ""
    assert await get_visibility(db, "show_domain_blocks") == "all"


@pytest.mark.parametrize(
    "form",
    [
        {"show_domain_blocks": "everyone", "show_domain_blocks_rationale": "all"},
        {"show_domain_blocks": "all", "show_domain_blocks_rationale": ""},
        {"show_domain_blocks": "all"},
    ],
    ids=["unknown", "empty", "missing"],
)
async def test_admin_settings_refuse_a_bad_list_visibility(
    admin: RunningApp, form: dict[str, str]
) -> None:
    refused = await post(admin, "/admin/settings", "/admin/settings/domain-blocks", form)
    assert "holders of an API token or everyone" in refused
    for name in ("show_domain_blocks", "show_domain_blocks_rationale"):
        assert await get_visibility(admin.services.db, name) == "disabled"


async def test_admin_boards_persist(admin: RunningApp) -> None:
    assert await post(admin, "/admin/boards", "/admin/boards/main", GOOD_BOARD) == ""
    board = await get_board_by_slug(admin.services.db, "main")
    assert board is not None
    assert (board.premoderation, board.pow_required, board.self_destruct_hours) == (
        "threads",
        True,
        48,
    )
    assert (board.default_ttl, board.allowed_ttls) == (3600, (3600, 86400))
    assert (board.title, board.language, board.rule_list) == (
        "Main board",
        "en",
        ("Be kind.", "No contact details."),
    )
    off = GOOD_BOARD | {"premoderation": "off", "pow_required": "", "self_destruct_hours": ""}
    assert await post(admin, "/admin/boards", "/admin/boards/main", off) == ""
    board = await get_board_by_slug(admin.services.db, "main")
    assert board is not None
    assert (board.premoderation, board.pow_required, board.self_destruct_hours) == (
        "off",
        False,
        None,
    )
    assert board.dm_posting == "anyone", "a form without the setting leaves it as it was"
    for mode in ("followers", "off", "anyone"):
        assert (
            await post(admin, "/admin/boards", "/admin/boards/main", off | {"dm_posting": mode})
            == ""
        )
        board = await get_board_by_slug(admin.services.db, "main")
        assert board is not None and board.dm_posting == mode


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"premoderation": "sometimes"}, "premoderation: unknown"),
        ({"self_destruct_hours": "-1"}, "self_destruct_hours: not_a_number"),
        ({"self_destruct_hours": "0"}, "self_destruct_hours: out_of_range"),
        ({"allowed_ttls": ""}, "allowed_ttls: empty"),
        ({"allowed_ttls": "10"}, "allowed_ttls: out_of_range"),
        ({"allowed_ttls": "999999999"}, "allowed_ttls: out_of_range"),
        ({"default_ttl": "7200"}, "default_ttl: not_allowed"),
        ({"default_ttl": "2h"}, "default_ttl: not_allowed"),
        ({"allowed_ttls": "1h, 3 fortnights"}, "allowed_ttls: not_a_number"),
        ({"title": "  "}, "title: empty"),
        ({"language": "fr"}, "language: unknown"),
        ({"rules": "\n".join(["rule"] * 21)}, "board_rules: too_many"),
        ({"dm_posting": "everyone"}, "dm_posting: unknown"),
    ],
    ids=[
        "mode",
        "negative",
        "zero",
        "no-ttls",
        "short",
        "long",
        "default",
        "default-hours",
        "unit",
        "title",
        "language",
        "rules",
        "dm-posting",
    ],  # fmt: skip
)
async def test_admin_boards_refuse_bad_input(
    admin: RunningApp, change: dict[str, str], reason: str
) -> None:
    before = await get_board_by_slug(admin.services.db, "main")
    refused = await post(admin, "/admin/boards", "/admin/boards/main", GOOD_BOARD | change)
    assert INVALID[reason] in refused
    assert await get_board_by_slug(admin.services.db, "main") == before


async def test_admin_boards_unknown_board_answers_404(admin: RunningApp) -> None:
    token = await form_token(admin.client, "/admin/boards")
    answer = await admin.client.post(
        "/admin/boards/nosuchboard", data={"csrf_token": token, **GOOD_BOARD}
    )
    assert answer.status_code == 404


@pytest.fixture
async def moderator(instance: RunningApp) -> RunningApp:
    await signed_in(instance.client, instance.services.db, "kestrel", "moderator")
    return instance


async def recorded(instance: RunningApp) -> list[tuple[str, str]]:
    rows = await instance.services.db.fetch_all(
        sa.select(moderation_decisions)
        .where(moderation_decisions.c.check_name == "moderator")
        .order_by(moderation_decisions.c.id)
    )
    return [(row["subject_kind"], row["action"]) for row in rows]


async def test_admin_domains_block_edit_and_remove(moderator: RunningApp) -> None:
    db = moderator.services.db
    data = {
        "domain": "HTTPS://Spam.Example/",
        "severity": "silence",
        "reject_reports": "on",
        "public_comment": "spam",
    }
    assert await post(moderator, "/admin/domains", "/admin/domains", data) == ""
    block = await get_block(db, "spam.example")
    assert block is not None
    assert (block.severity, block.reject_reports, block.public_comment) == ("silence", True, "spam")
    page = await moderator.client.get("/admin/domains")
    assert "spam.example" in page.text
    data |= {"severity": "noop", "reject_reports": ""}
    assert await post(moderator, "/admin/domains", "/admin/domains", data) == ""
    block = await get_block(db, "spam.example")
    assert block is not None and (block.severity, block.reject_reports) == ("noop", False)
    done = await post(
        moderator, "/admin/domains", "/admin/domains/remove", {"domain": "spam.example"}
    )
    assert done == ""
    assert await get_block(db, "spam.example") is None
    assert await recorded(moderator) == [
        ("domain", "silence"),
        ("domain", "noop"),
        ("domain", "unblock"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"domain": "not a domain", "severity": "suspend"}, "domain: invalid"),
        ({"domain": "fine.example", "severity": "obliterate"}, "severity: invalid"),
    ],
    ids=["domain", "severity"],
)
async def test_admin_domains_refuse_bad_input(
    moderator: RunningApp, data: dict[str, str], reason: str
) -> None:
    refused = await post(moderator, "/admin/domains", "/admin/domains", data)
    assert INVALID[reason] in refused
    assert await get_block(moderator.services.db, "fine.example") is None
    assert await recorded(moderator) == []


async def test_admin_actors_suspend_silence_and_lift(moderator: RunningApp) -> None:
    db = moderator.services.db
    actor = await make_remote_actor(db)

    async def flags() -> tuple[bool, bool]:
        row = await db.fetch_one(
            sa.select(remote_actors.c.suspended, remote_actors.c.silenced).where(
                remote_actors.c.id == actor.id
            )
        )
        assert row is not None
        return bool(row["suspended"]), bool(row["silenced"])

    for action, expected in (("silence", (False, True)), ("lift", (False, False))):
        data = {"actor": actor.ap_id, "moderation": action}
        assert await post(moderator, "/admin/domains", "/admin/actors", data) == ""
        assert await flags() == expected
    data = {"actor": actor.ap_id, "moderation": "suspend"}
    assert await post(moderator, "/admin/domains", "/admin/actors", data) == ""
    assert await flags() == (True, False)
    page = await moderator.client.get("/admin/domains")
    assert actor.ap_id in page.text
    unknown = {"actor": "https://nowhere.example/users/x", "moderation": "suspend"}
    assert INVALID["actor: unknown"] in await post(
        moderator, "/admin/domains", "/admin/actors", unknown
    )
    assert await recorded(moderator) == [
        ("actor", "silence"),
        ("actor", "lift"),
        ("actor", "suspend"),
    ]


class CountingClassifier(Classifier):
    """The real classifier, counting the texts it is asked to score."""

    __slots__ = ("scored",)

    def __init__(self) -> None:
        super().__init__()
        self.scored = 0

    def score(self, texts: Sequence[str]) -> list[float]:
        self.scored += len(texts)
        return super().score(texts)


async def test_the_english_classifier_runs_only_when_the_admin_turns_it_on(
    admin: RunningApp,
) -> None:
    moderator = Moderator(admin.services.db, CountingClassifier())
    counting = moderator.classifier
    assert isinstance(counting, CountingClassifier)
    # English aimed at someone: the text the classifier would score if it were on.
    content = Content("you are a stupid idiot", None, LOCAL, is_thread_start=True)
    await moderator.assess(content, utcnow())
    assert counting.scored == 0
    assert await post(admin, "/admin/settings", "/admin/settings", GOOD_SETTINGS) == ""
    decision = (await moderator.assess(content, utcnow())).decision
    assert counting.scored == 1
    assert any(verdict.check == CLASSIFIER_CHECK for verdict in decision.verdicts)
