"""Every page template, rendered in each language with made-up data, read back as HTML: one h1,
a label for every control, only our own deferred scripts, and no English left on a Chinese page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from app.blocklists.imports import ProposedBlock
from app.blocklists.service import RevertOutcome
from app.core.i18n import LANGUAGES, Catalogues, load_translations
from app.core.urls import Urls
from app.moderation.filter_stats import build_stats, week_starts
from app.moderation.transparency import build_weeks
from app.notes.ledger import LedgerLine
from app.notes.submit import CARE
from app.security.tokens import KNOWN_SCOPES
from app.store.admins import Admin
from app.store.api_tokens import ApiToken
from app.store.block_assertions import Assertion
from app.store.block_audit import AuditEntry
from app.store.blocklist_runs import Run
from app.store.blocklist_settings import VISIBILITIES
from app.store.boards import Board
from app.store.domain_blocks import BlockValues, DomainBlock
from app.store.federation_health import DomainHealth, QueueState
from app.store.filters import ACTIONS, KINDS, FilterCategory, FilterTerm
from app.store.instance_profile import InstanceProfile
from app.store.moderated import ModeratedActor
from app.store.moderation import BREAKER_MODES, RecordedDecision
from app.store.notes import Note
from app.store.remote_actors import RemoteActor
from app.web.admin.blocklist_texts import LABELS as BLOCK_LABELS
from app.web.admin.dashboard import ChartCard
from app.web.admin.nav import AdminNav
from app.web.admin.note_context import NoteContext
from app.web.admin.reports import group_reports
from app.web.admin.texts import LABELS
from app.web.charts import Point, bar_chart
from app.web.messages import REASONS, TITLES
from app.web.templates import Templates

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOW_2026 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
DAY = 86400
PSEUDONYM = "Curious Bamboo b7"
# ASCII words a Chinese page may show: data, brand names and units, not interface text.
ZH_ALLOWED_WORDS = {"UTC", "Atom", "IP", "Cookie", "English", "main", "tree", "example", "tok"}
ZH_ALLOWED_WORDS |= set(PSEUDONYM.split())
# Data on the admin pages: domains, account URLs, board paths, check names.
ZH_ALLOWED_WORDS |= {"b", "bad", "https", "users", "troll", "org", "words"}
# The blocklist pages: API scopes, file formats, the API and tools they are for.
ZH_ALLOWED_WORDS |= {"API", "admin", "read", "write", "domain", "blocks", "CSV", "JSON", "Mastodon"}
ZH_ALLOWED_WORDS |= {"FediBlockHole", "MB", "http", "api", "v1", "export", "csv"}
# The federation page: domains and delivery errors as servers gave them; HTTP status codes.
ZH_ALLOWED_WORDS |= {"mastodon", "down", "gone", "connect", "failed", "HTTP"}
# Lifetimes are written 30m, 12h, 1d, 2w (Chinese units are accepted too).
ZH_ALLOWED_WORDS |= {"m", "h", "d", "w"}
# The settings page: what a model threshold field takes, the model's kind, the install command.
ZH_ALLOWED_WORDS |= {
    "default",
    "off",
    "on",
    "n",
    "gram",
    "pip",
    "install",
    "treehole",
    "classifier",
}


def make_board() -> Board:
    return Board("b1", "main", "心事", "说说心里话", DAY, (3600, DAY, 7 * DAY), False, NOW, None)


def make_note(note_id: str, reply_to: str | None = None, summary: str | None = None) -> Note:
    return Note(
        id=note_id,
        board_id="b1",
        thread_id="root",
        in_reply_to_id=reply_to,
        origin="local",
        ap_id=None,
        local_actor_id="a1",
        remote_actor_id=None,
        pseudonym=PSEUDONYM,
        is_op=True,
        content="今天下雨了",
        content_format="text",
        summary=summary,
        url=None,
        state="live",
        deletion_token_hash=None,
        created_at=NOW,
        published_at=NOW,
        expires_at=NOW + timedelta(days=1),
        federate_after=None,
        deleted_at=None,
        deletion_reason=None,
    )


def admin_contexts() -> dict[str, tuple[str, dict[str, Any]]]:
    admin = {
        "admin": Admin("a1", "小林", "admin"),
        "texts": LABELS,
        "block_texts": BLOCK_LABELS,
        "nav": AdminNav(3, 2, None, "pow"),
    }
    held = replace(make_note("h1"), state="held")
    remote = replace(make_note("h2", reply_to="root"), origin="remote", state="held")
    decision = RecordedDecision("h1", "note", "words", "hold", "色情", NOW)
    report = {
        "id": "r1",
        "note_id": "h2",
        "source": "remote",
        "category": "色情",
        "comment": "广告",
        "created_at": NOW,
        "target_url": None,
    }
    other_report = {**report, "id": "r2", "source": "local", "category": "spam", "comment": ""}
    gone_report = {**report, "id": "r3", "note_id": None}
    account_report = {**gone_report, "id": "r4", "target_url": "https://bad.example/users/troll"}
    author = RemoteActor(
        "x1", "https://bad.example/users/troll", "bad.example", "troll", None, None,
        "https://bad.example/inbox", None, None, None, False, False, False, NOW,
    )  # fmt: skip
    ctx = NoteContext(
        boards={"b1": make_board()},
        parents={"h2": make_note("root")},
        roots={"root": make_note("root")},
        authors={"h2": author},
    )
    points = [Point("2025-03-01", "3月1日", 2), Point("2025-03-02", "3月2日", 0)]
    block = DomainBlock("d1", "bad.example", "suspend", False, True, "广告", "", False, NOW, NOW)
    actor = ModeratedActor(
        "x1", "https://bad.example/users/troll", "bad.example", "troll", True, False
    )
    settings_values = {
        "classifier_warn": "0.6",
        "classifier_hold": "0.8",
        "classifier_reject": "0.97",
        "english_classifier": "on",
        "model_hold": "default",
        "model_help": "0.9",
        "link_allowlist": "example.org",
        "pow_enabled": "on",
        "breaker_posts_per_minute": "30",
        "breaker_mode": "pow",
    }
    board_values = {
        "title": "心事",
        "description": "说说",
        "language": "zh",
        "rules": "友善",
        "premoderation": "threads",
        "pow_required": "",
        "self_destruct_hours": "",
        "default_ttl": "1d",
        "allowed_ttls": "1h, 1d",
        "hashtags": "on",
        "dm_posting": "followers",
    }
    filters = {
        "categories": [
            FilterCategory("sexual", True, "hold"),
            FilterCategory("hate", False, "reject"),
        ],
        "terms": [FilterTerm("t1", "sexual", "约.*炮", "regex", NOW)],
        "allowlist": ["木瓜"],
        "actions": ACTIONS,
        "kinds": KINDS,
        "values": {},
        "weeks": week_starts(NOW.date()),
        "caught": build_stats(
            NOW.date(),
            [
                (NOW.date().isoformat(), "sexual", "filters", "hold", 3),
                (NOW.date().isoformat(), "contact", "links", "reject", 1),
                (NOW.date().isoformat(), "profanity", "classifier", "publish_with_warning", 1),
            ],
            [(NOW.date().isoformat(), "sexual", 2)],
            always=("sexual", "hate"),
        ),
    }
    return {
        "admin-login": ("admin/login.html", {"username": ""}),
        "admin-login-refused": ("admin/login.html", {"username": "小林", "error": "wrong"}),
        "admin-queue": (
            "admin/queue.html",
            {
                **admin,
                "held": [held, remote],
                "reasons": {"h1": decision},
                "ctx": ctx,
                "care": CARE,
            },
        ),
        "admin-queue-empty": (
            "admin/queue.html",
            {**admin, "held": [], "reasons": {}, "ctx": NoteContext(), "care": CARE},
        ),
        "admin-reports": (
            "admin/reports.html",
            {
                **admin,
                "groups": group_reports(
                    [report, other_report, gone_report, account_report], {"h2": remote}
                ),
                "forwarded": set(),
                "remote": "remote",
                "ctx": ctx,
            },
        ),
        "admin-confirm-thread": (
            "admin/confirm_thread.html",
            {**admin, "note": remote, "root": make_note("root"), "count": 3},
        ),
        "admin-dashboard": (
            "admin/dashboard.html",
            {
                **admin,
                "cards": [
                    ChartCard("posts", "帖子", bar_chart(points, "帖子"), 5, 1, "3月1日", "3月30日")
                ],
                "queue": QueueState(12, 3, NOW),
                "unhealthy": 1,
                "followers": {"main": 4},
            },
        ),
        "admin-federation": (
            "admin/federation.html",
            {
                **admin,
                "queue": QueueState(12, 3, NOW),
                "domains": [
                    DomainHealth("down.example", NOW, False, 3, NOW, "connect failed", None),
                    DomainHealth("gone.example", NOW, True, 1, None, None, 503),
                ],
                "by_board": {"main": 4},
                "by_domain": [("bad.example", 4)],
                "refusals": [("malformed", 2), ("bad_signature", 0)],
                "drops": [("relayed", 1)],
                "refusal_days": 7,
            },
        ),
        "admin-federation-calm": (
            "admin/federation.html",
            {
                **admin,
                "queue": QueueState(0, 0, None),
                "domains": [],
                "by_board": {},
                "by_domain": [],
                "refusals": [],
                "drops": [],
                "refusal_days": 7,
            },
        ),
        "admin-instance": (
            "admin/instance.html",
            {**admin, "values": {"about": "关于", "rules": "友善", "contact": "站长"}},
        ),
        "admin-filters": ("admin/filters.html", {**admin, **filters, "error": "错误"}),
        "admin-settings": (
            "admin/settings.html",
            {
                **admin,
                "values": settings_values,
                "classifier_installed": False,
                "model_stop": 0.7251,
                "model_care": 0.9617,
                "modes": BREAKER_MODES,
                "nav": AdminNav(3, 2, NOW + timedelta(minutes=5), "pow"),
                "visibilities": VISIBILITIES,
                "visibility": {
                    "show_domain_blocks": "all",
                    "show_domain_blocks_rationale": "users",
                },
            },  # fmt: skip
        ),
        "admin-boards": (
            "admin/boards.html",
            {
                **admin,
                "boards": [make_board()],
                "values": {"main": board_values},
                "modes": ("off", "threads", "all"),
                "dm_modes": ("anyone", "followers", "off"),
                "languages": LANGUAGES,
                "new_board": {"language": "en"},
                "max_ttl": 7 * DAY,
                "error": "错误",
                "error_board": "main",
            },
        ),
        "admin-domains": (
            "admin/domains.html",
            {
                **admin,
                "blocks": [block],
                "actors": [actor],
                "severities": ("suspend", "silence", "noop"),
                "values": {},
            },
        ),
    }


def blocklist_contexts() -> dict[str, tuple[str, dict[str, Any]]]:
    admin = {
        "admin": Admin("a1", "小林", "admin"),
        "texts": LABELS,
        "block_texts": BLOCK_LABELS,
        "nav": None,
    }
    values = BlockValues("suspend", True, True, "广告", "备注", True)
    block = DomainBlock("d1", "bad.example", "suspend", True, True, "广告", "备注", True, NOW, NOW)
    sources = {
        "bad.example": [
            Assertion("bad.example", "manual", "local", values, NOW, NOW),
            Assertion("bad.example", "token", "t1", replace(values, severity="silence"), NOW, NOW),
        ]
    }
    entry = AuditEntry(
        7,
        NOW,
        "token",
        "t1",
        "令牌",
        "bad.example",
        None,
        values.as_dict(),
        "",
        "run1",
        {"source_kind": "token", "source_id": "t1", "before": None, "after": values.as_dict()},
    )
    run = Run("run1", "import", None, "previewed", {"filename": "名单"}, None, None, NOW, None)
    proposed = [
        ProposedBlock("bad.example", values, "new"),
        ProposedBlock("b.bad.example", values, "conflict", "parent", values),
    ]
    run_page = {
        **admin,
        "run": run,
        "groups": [("new", proposed[:1]), ("conflict", proposed[1:])],
        "selectable": ("new", "changed"),
        "row_errors": [[3, "severity"]],
        "filename": "名单",
        "format": "mastodon_csv",
        "summary": {"new": 1, "conflict": 1, "errors": 1},
        "outcome": None,
    }
    token = ApiToken("t1", "令牌", ["admin:read"], "a1", NOW, None, None)
    revoked = ApiToken("t2", "旧令牌", ["admin:write"], "a1", NOW, NOW, NOW)
    tokens = {**admin, "tokens": [token, revoked], "scopes": KNOWN_SCOPES, "values": {}}
    return {
        "admin-blocks": (
            "admin/blocks.html",
            {
                **admin,
                "blocks": [block],
                "sources": sources,
                "labels": {("token", "t1"): "令牌"},
                "page": 2,
                "has_next": True,
                "total": 201,
                "allows": ["bad.example"],
                "excludes": [],
                "severities": ("noop", "silence", "suspend"),
                "values": {"domain": "bad.example", **values.as_dict()},
            },
        ),
        "admin-block-audit": (
            "admin/block_audit.html",
            {
                **admin,
                "entries": [entry],
                "run_kinds": {"run1": "import"},
                "next_before": 7,
                "before": 9,
            },
        ),
        "admin-block-import": ("admin/block_import.html", {**admin, "runs": [run]}),
        "admin-block-import-run": ("admin/block_import_run.html", run_page),
        "admin-block-import-reverted": (
            "admin/block_import_run.html",
            {
                **run_page,
                "run": replace(run, state="applied"),
                "outcome": RevertOutcome(["bad.example"], ["b.bad.example"]),
            },
        ),
        "admin-tokens": ("admin/tokens.html", tokens),
        "admin-token-created": ("admin/tokens.html", {**tokens, "new_token": "th_x"}),
    }


def page_contexts(language: str = "en") -> dict[str, tuple[str, dict[str, Any]]]:
    board, root = make_board(), make_note("root", summary="有点丧")
    reply = make_note("r1", reply_to="root")
    reply_to_reply = replace(make_note("r2", reply_to="r1"), warning_labels="profanity,offensive")
    form = {"ttls": board.allowed_ttls, "default_ttl": DAY, "max_chars": 2000}
    facts = {"followers": 3, "posts_per_day": 2.4, "follow_error": None}
    own = {"root": "tok"}
    translations = load_translations(language)  # error pages get their text translated
    return {
        "home": ("home.html", {"boards": [board]}),
        "tag": ("tag.html", {"tag": "树洞", "notes": [], "counts": {}, "own_tokens": {}}),
        "board": (
            "board.html",
            {
                "board": board,
                "threads": [root],
                "replies": {"root": 2},
                "counts": {},
                "next_cursor": "x",
                "own_tokens": own,
                **facts,
                **form,
            },
        ),
        "board-empty": (
            "board.html",
            {
                "board": board,
                "threads": [],
                "replies": {},
                "counts": {},
                "next_cursor": None,
                "error": "错误",
                **facts,
                "follow_error": "错误",
                **form,
            },
        ),
        "thread": (
            "thread.html",
            {
                "board": board,
                "root": root,
                "notes": [root, reply, reply_to_reply],
                "parents": {"r2": reply},
                "heading": None,
                "counts": {},
                "own_tokens": own,
                "reply_to": "r1",
                "reply_to_note": reply,
                **form,
            },
        ),
        "bottle": ("bottle.html", {"note": root, "counts": {}, **form}),
        "bottle-empty": ("bottle.html", {"note": None, "counts": {}}),
        "posted": ("posted.html", {"note": root, "token": "tok", "held_because": None}),
        "posted-later": ("posted.html", {"note": root, "token": None, "held_because": None}),
        "posted-held": (
            "posted.html",
            {"note": replace(root, state="held"), "token": "tok", "held_because": "有链接"},
        ),
        "delete": ("delete.html", {"note_id": "root", "note": root, "token": None}),
        "delete-remembered": ("delete.html", {"note_id": "root", "note": root, "token": "tok"}),
        "report": (
            "report.html",
            {"note_id": "root", "note": root, "categories": [("spam", "垃圾")], "sent": False},
        ),
        "report-sent": ("report.html", {"note_id": "root", "sent": True}),
        "follow": (
            "follow.html",
            {"board": board, "server": "mastodon.example", "target": "https://m.example/x"},
        ),
        "about": (
            "about.html",
            {"profile": InstanceProfile("关于", ("友善",), "站长"), "boards": [board]},
        ),
        "about-empty": ("about.html", {"profile": InstanceProfile(), "boards": []}),
        "deleted": (
            "deleted.html",
            {
                "note_id": "root",
                "lines": [LedgerLine("127.0.0.9", "delivered", "pending")],
                "token": "t",
            },
        ),
        "deleted-nowhere": ("deleted.html", {"note_id": "root", "lines": [], "token": "t"}),
        "ledger-form": ("ledger.html", {"note_id": "root", "token": None, "lines": None}),
        "ledger": (
            "ledger.html",
            {"note_id": "root", "lines": [LedgerLine("127.0.0.9", "delivered", "pending")]},
        ),
        "ledger-empty": ("ledger.html", {"note_id": "root", "lines": []}),
        "transparency": (
            "transparency.html",
            {
                "weeks": build_weeks(
                    datetime(2026, 11, 27, tzinfo=UTC),
                    [
                        {"action": action, "reason": reason, "created_at": NOW_2026}
                        for action, reason in (
                            ("remove", "report: spam"),
                            ("remove", "removed in review"),
                            ("reject", "hate"),
                        )
                    ],
                    [],
                    [],
                    weeks=2,
                ),
                "charts": [("每周", bar_chart([Point("2026-11-23", "11月23日", 2)], "每周"), 2)],
            },
        ),
        **admin_contexts(),
        **blocklist_contexts(),
        "error": (
            "error.html",
            {
                "title": translations.gettext(TITLES[404]),
                "message": translations.gettext(REASONS["not_found"]),
                "back": None,
            },
        ),
    }


@dataclass
class PageReader(HTMLParser):
    h1: int = 0
    scripts: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    html_lang: str | None = None
    controls: list[str] = field(default_factory=list)
    labelled: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)
    selected: dict[str, str] = field(default_factory=dict)
    _select: str | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        self.handlers += [name for name in attr if name.startswith("on")]
        if tag == "html":
            self.html_lang = attr.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "script":
            self.scripts.append(attr.get("src", "<inline>") + (" defer" if "defer" in attr else ""))
        elif tag == "label" and "for" in attr:
            self.labelled.add(attr["for"])
        elif tag in ("textarea", "select") or (tag == "input" and attr.get("type") != "hidden"):
            self.controls.append(attr.get("id", f"<{tag} name={attr.get('name')} without id>"))
        if tag == "select":
            self._select = attr.get("id")
        if tag == "option" and "selected" in attr and self._select:
            self.selected[self._select] = attr.get("value", "")

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def read_page(language: str, name: str) -> tuple[PageReader, str]:
    templates = Templates.load(Catalogues.load())
    template, context = page_contexts(language)[name]
    base = {
        "urls": Urls("http://tree.example"),
        "domain": "tree.example",
        "csrf_token": "c",
        "current_path": "/",
        "own_tokens": {},
        "values": {},
        "error": None,
    }
    html = templates.render(language, template, {**base, **context})
    reader = PageReader()
    reader.feed(html)
    return reader, html


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", list(page_contexts()))
def test_page_template_has_one_h1_labels_and_no_inline_script(language: str, name: str) -> None:
    """Scripts only from our own static files, deferred, as the CSP's `script-src 'self'` allows
    and so that every page works before (and without) them; never inline code or handlers."""
    page, _ = read_page(language, name)
    assert page.h1 == 1
    assert [c for c in page.controls if c not in page.labelled] == []
    own = re.compile(r"http://tree\.example/static/(pow|enhance)\.js defer")
    assert [script for script in page.scripts if not own.fullmatch(script)] == []
    assert page.handlers == []
    assert page.html_lang == {"en": "en", "zh": "zh-Hans"}[language]


@pytest.mark.parametrize("name", list(page_contexts()))
def test_page_template_zh_shows_no_english_interface_text(name: str) -> None:
    page, _ = read_page("zh", name)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", " ".join(page.texts)))
    assert words - ZH_ALLOWED_WORDS == set()


def test_page_template_form_keeps_chosen_lifetime_after_an_error() -> None:
    templates = Templates.load(Catalogues.load())
    _, context = page_contexts()["board-empty"]
    base = {
        "urls": Urls("http://tree.example"),
        "domain": "tree.example",
        "csrf_token": "c",
        "current_path": "/",
        "own_tokens": {},
    }
    for values, expected in (({"ttl": "3600"}, "3600"), ({}, str(DAY))):
        html = templates.render("en", "board.html", {**base, **context, "values": values})
        reader = PageReader()
        reader.feed(html)
        assert reader.selected == {"ttl-p": expected}
        assert 'aria-describedby="error-p"' in html


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_settings_page_says_when_the_classifier_is_not_installed(language: str) -> None:
    _, page = read_page(language, "admin-settings")  # the context has it turned on, missing
    assert 'id="classifier-missing"' in page
    assert 'name="english_classifier" aria-describedby="english-classifier-help" checked' in page
    assert "0.7251" in page  # the shipped threshold, beside the model's fields
