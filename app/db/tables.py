"""Every table, in one MetaData: the single source of table and column names.

States are lowercase strings; each state column lists its values and transitions in
`app/core/states.py`.
Foreign keys are declared for documentation and PostgreSQL integrity, but code never relies on
SQLite enforcing them (the pragma is per connection): `store/` deletes dependants explicitly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

metadata = sa.MetaData()


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC on both engines: SQLite keeps no offset, so normalise on the way in and
    re-attach UTC on the way out."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Json(sa.types.TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL. `databases` talks to asyncpg without SQLAlchemy's
    JSONB codec, so PostgreSQL hands back text: decode it here. Only lists and dicts are stored."""

    impl = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return json.loads(value) if isinstance(value, str) else value


Id = sa.String(32)
Url = sa.String(2048)


boards = sa.Table(
    "boards",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("default_ttl", sa.Integer, nullable=False),
    sa.Column("allowed_ttls", Json(), nullable=False),
    sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_post_at", UtcDateTime, nullable=True),
    # off | threads | all: which new posts wait for a moderator before anyone sees them.
    sa.Column("premoderation", sa.String(8), nullable=False, server_default="off"),
    sa.Column("pow_required", sa.Boolean, nullable=False, server_default=sa.false()),
    # The board deletes everything after this many hours without a new post (None: never).
    sa.Column("self_destruct_hours", sa.Integer, nullable=True),
    # The language the board is written in (a code of app/core/i18n.LANGUAGES): its pseudonyms
    # and automatic content warnings follow it.
    sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    # The board's own rules, one per line, shown on its page and in its actor's attachments.
    sa.Column("rules", sa.Text, nullable=False, server_default=""),
    # Federated notes carry `#tags` as Hashtag tags and links (a board can switch it off).
    sa.Column("hashtags", sa.Boolean, nullable=False, server_default=sa.true()),
    # Who may post by direct message to the board (issue #13): anyone | followers | off.
    sa.Column("dm_posting", sa.String(16), nullable=False, server_default="anyone"),
)

# Our own actors: the instance actor, one per board, and throwaway authors (one per poster per
# thread). `poster_tag` is an HMAC of the poster's browser secret and the thread id, so it links
# posts inside one thread and nothing across threads.
local_actors = sa.Table(
    "local_actors",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("board_id", Id, sa.ForeignKey("boards.id"), nullable=True),
    sa.Column("thread_id", Id, nullable=True),
    sa.Column("poster_tag", sa.String(64), nullable=True),
    sa.Column("private_key_pem", sa.Text, nullable=True),
    sa.Column("public_key_pem", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.Column("deleted_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("thread_id", "poster_tag", name="uq_local_actors_thread_poster"),
)

# Pre-generated RSA keys so posting never waits ~50 ms for key generation.
key_pool = sa.Table(
    "key_pool",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("private_key_pem", sa.Text, nullable=False),
    sa.Column("public_key_pem", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

remote_actors = sa.Table(
    "remote_actors",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("ap_id", Url, nullable=False, unique=True),
    sa.Column("domain", sa.String(255), nullable=False, index=True),
    sa.Column("preferred_username", sa.String(255), nullable=True),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("url", Url, nullable=True),
    sa.Column("inbox", Url, nullable=False),
    sa.Column("shared_inbox", Url, nullable=True),
    sa.Column("key_id", Url, nullable=True, unique=True),
    sa.Column("public_key_pem", sa.Text, nullable=True),
    sa.Column("blocks_us", sa.Boolean, nullable=False, server_default=sa.false()),
    # Moderation of one actor: suspended (refused, content removed) or silenced (held).
    sa.Column("suspended", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("silenced", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("fetched_at", UtcDateTime, nullable=False),
)

notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("board_id", Id, sa.ForeignKey("boards.id"), nullable=False),
    sa.Column("thread_id", Id, nullable=False),
    sa.Column("in_reply_to_id", Id, nullable=True),
    sa.Column("origin", sa.String(8), nullable=False),
    sa.Column("ap_id", Url, nullable=True, unique=True),
    sa.Column("local_actor_id", Id, sa.ForeignKey("local_actors.id"), nullable=True),
    sa.Column("remote_actor_id", Id, sa.ForeignKey("remote_actors.id"), nullable=True),
    sa.Column("pseudonym", sa.String(100), nullable=False),
    sa.Column("is_op", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("content", sa.Text, nullable=True),
    sa.Column("content_format", sa.String(8), nullable=False, server_default="text"),
    sa.Column("summary", sa.String(500), nullable=True),
    sa.Column("url", Url, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("deletion_token_hash", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("federate_after", UtcDateTime, nullable=True),
    sa.Column("deleted_at", UtcDateTime, nullable=True),
    sa.Column("deletion_reason", sa.String(32), nullable=True),
    # Codes of the content warnings moderation added (comma-separated, app/notes/warnings.py),
    # rendered in each reader's language; `summary` holds them in the board's language.
    sa.Column("warning_labels", sa.String(200), nullable=True),
    # Thread roots only, so "newest roots first" is an index range read on both engines:
    # PostgreSQL does not take `in_reply_to_id IS NULL` as fixing that column for the ordering
    # and sorted every root of the board on each board page (migration 0005).
    sa.Index(
        "ix_notes_board_roots",
        "board_id",
        "state",
        "created_at",
        "id",
        sqlite_where=sa.text("in_reply_to_id IS NULL"),
        postgresql_where=sa.text("in_reply_to_id IS NULL"),
    ),
    sa.Index("ix_notes_thread", "thread_id", "created_at"),
    # How busy a board is (its page says "about N notes a day") and the dashboard's daily counts.
    sa.Index("ix_notes_board_created", "board_id", "created_at"),
    sa.Index("ix_notes_expiry", "state", "expires_at"),
    sa.Index("ix_notes_federate", "state", "federate_after"),
)

# Likes and boosts of notes: by remote actors (from their servers) or by local posters (a like
# from the web, made by the poster's throwaway actor of that thread).
interactions = sa.Table(
    "interactions",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("ap_id", Url, nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("note_id", Id, nullable=False, index=True),
    sa.Column("remote_actor_id", Id, nullable=True, index=True),
    sa.Column("local_actor_id", Id, nullable=True, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("kind", "note_id", "local_actor_id", name="uq_interactions_local"),
)

followers = sa.Table(
    "followers",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("local_actor_id", Id, nullable=False),
    sa.Column("remote_actor_id", Id, nullable=False, index=True),
    sa.Column("follow_ap_id", Url, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # The follower's server reads FEP-1b12 group Announces of activities (Lemmy, Mbin...).
    sa.Column("group_aware", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("local_actor_id", "remote_actor_id", name="uq_followers_pair"),
)

# Outgoing activities, serialised once; deliveries sign these exact bytes at send time.
activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("ap_id", Url, nullable=False, unique=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("local_actor_id", Id, nullable=False, index=True),
    sa.Column("note_id", Id, nullable=True, index=True),
    sa.Column("payload", sa.Text, nullable=False),
    # Set only while an activity must be signed with a key the actor no longer has (the Update
    # announcing a rotated key is signed with the old one); cleared once it is delivered.
    sa.Column("signing_key_pem", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Follows we sent (a board following a remote actor, e.g. another Treehole's board).
follows = sa.Table(
    "follows",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("local_actor_id", Id, nullable=False),
    sa.Column("remote_actor_id", Id, nullable=False),
    sa.Column("follow_ap_id", Url, nullable=False, unique=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("local_actor_id", "remote_actor_id", name="uq_follows_pair"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("activity_id", Id, nullable=False),
    sa.Column("note_id", Id, nullable=True, index=True),
    sa.Column("inbox_url", Url, nullable=False),
    sa.Column("domain", sa.String(255), nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("run_after", UtcDateTime, nullable=False),
    sa.Column("locked_until", UtcDateTime, nullable=True),
    sa.Column("locked_by", sa.String(64), nullable=True),
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("settled_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("activity_id", "inbox_url", name="uq_deliveries_activity_inbox"),
    sa.Index("ix_deliveries_due", "state", "run_after"),
)

delivery_domains = sa.Table(
    "delivery_domains",
    metadata,
    sa.Column("domain", sa.String(255), primary_key=True),
    sa.Column("failing_since", UtcDateTime, nullable=True),
    sa.Column("last_failure_at", UtcDateTime, nullable=True),
    sa.Column("last_success_at", UtcDateTime, nullable=True),
    sa.Column("dead", sa.Boolean, nullable=False, server_default=sa.false()),
)

# Verified inbound activities, stored before they are answered 202 and applied by the worker.
# A board's answer to a post sent by direct message (issue #13, docs/decisions/0013): what a
# `delete` reply to the answer deletes. `sender_check` is an HMAC (the instance's secret key) of
# the sender's actor id and the answer's id: it confirms a later reply comes from the same sender
# without naming them. The `notify_*` columns name the sender only while a held post waits for a
# moderator (the approval or removal is answered to them), and are cleared at the decision.
dm_answers = sa.Table(
    "dm_answers",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("note_id", Id, nullable=False, index=True),
    sa.Column("sender_check", sa.String(64), nullable=False),
    sa.Column("board_id", Id, nullable=False),
    sa.Column("notify_actor", Url, nullable=True),
    sa.Column("notify_handle", sa.String(255), nullable=True),
    sa.Column("notify_inbox", Url, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

inbox_items = sa.Table(
    "inbox_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ap_id", Url, nullable=False, unique=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("actor_uri", Url, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("run_after", UtcDateTime, nullable=False),
    sa.Column("locked_until", UtcDateTime, nullable=True),
    sa.Column("locked_by", sa.String(64), nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Index("ix_inbox_items_due", "state", "run_after"),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("note_id", Id, nullable=True, index=True),
    sa.Column("source", sa.String(8), nullable=False),
    sa.Column("remote_actor_id", Id, nullable=True),
    sa.Column("ap_id", Url, nullable=True, unique=True),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Column("resolution", sa.String(32), nullable=True),
    # What a remote Flag named when it named no note of ours: a board or a throwaway actor.
    sa.Column("target_url", Url, nullable=True),
)

# Domain blocks as enforced (severity suspend | silence | noop). Their provenance (which source
# asserts what) belongs to blocklist sharing; enforcement reads only this table.
domain_blocks = sa.Table(
    "domain_blocks",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("domain", sa.String(255), nullable=False, unique=True),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("reject_media", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("reject_reports", sa.Boolean, nullable=False, server_default=sa.false()),
    # Comments are stored exactly as written: "" stays "", NULL stays NULL (a second sync by a
    # Mastodon-API tool must find nothing to change).
    sa.Column("public_comment", sa.Text, nullable=True),
    sa.Column("private_comment", sa.Text, nullable=True),
    sa.Column("obfuscate", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# Provenance: every source that asserts a block on a domain, with what it said and since when.
# The effective row in domain_blocks is computed from these.
domain_block_assertions = sa.Table(
    "domain_block_assertions",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("domain", sa.String(255), nullable=False, index=True),
    # manual | import | token | subscription
    sa.Column("source_kind", sa.String(16), nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("reject_media", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("reject_reports", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("public_comment", sa.Text, nullable=True),
    sa.Column("private_comment", sa.Text, nullable=True),
    sa.Column("obfuscate", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("first_seen", UtcDateTime, nullable=False),
    sa.Column("last_seen", UtcDateTime, nullable=False),
    sa.UniqueConstraint("domain", "source_kind", "source_id", name="uq_assertions_source"),
)

# Every change to a domain block: who or what made it, values before and after, and the run it
# belongs to (an import or a subscription sync can be reverted in one step).
domain_block_audit = sa.Table(
    "domain_block_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    # admin | token | subscription | import | system
    sa.Column("actor_kind", sa.String(16), nullable=False),
    sa.Column("actor_id", sa.String(64), nullable=True),
    sa.Column("actor_label", sa.String(200), nullable=False),
    sa.Column("domain", sa.String(255), nullable=False, index=True),
    sa.Column("before", Json(), nullable=True),
    sa.Column("after", Json(), nullable=True),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("run_id", Id, nullable=True, index=True),
    # The source's own assertion before and after: {source_kind, source_id, before, after}; or, for
    # a lift or an allowlist/exclude change, {dropped, restored, shield} (app/blocklists/
    # compound_changes.py). Undoing a change or reverting a run restores it, and the effective
    # block is recomputed.
    sa.Column("assertion", Json(), nullable=True),
)

# Bearer tokens for the Mastodon-compatible admin API (stored hashed).
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("scopes", Json(), nullable=False),
    sa.Column("created_by", Id, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

# Blocklist sources an admin subscribes to.
blocklist_sources = sa.Table(
    "blocklist_sources",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    # mastodon_public | mastodon_admin | csv | json | plain | fires | treehole
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    # none | bearer | basic
    sa.Column("auth_kind", sa.String(8), nullable=False, server_default="none"),
    sa.Column("auth_secret", sa.Text, nullable=True),
    sa.Column("trust", sa.Float, nullable=False, server_default="1.0"),
    sa.Column("max_severity", sa.String(16), nullable=False, server_default="suspend"),
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
    # auto | review
    sa.Column("mode", sa.String(8), nullable=False, server_default="review"),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("fetch_every_seconds", sa.Integer, nullable=False, server_default="3600"),
    sa.Column("etag", sa.String(512), nullable=True),
    sa.Column("cursor", sa.String(200), nullable=True),
    sa.Column("last_fetched_at", UtcDateTime, nullable=True),
    sa.Column("last_status", sa.String(32), nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# One import or subscription sync: its parsed proposal (for preview/review), its outcome, and
# what it changed (through domain_block_audit.run_id) so it can be reverted.
blocklist_runs = sa.Table(
    "blocklist_runs",
    metadata,
    sa.Column("id", Id, primary_key=True),
    # import | subscription
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("source_id", Id, nullable=True, index=True),
    # previewed | applied | held | reverted | failed | discarded
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("proposal", Json(), nullable=True),
    sa.Column("summary", Json(), nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=True),
)

# Domains that are never blocked by imports or subscriptions (the allowlist always wins), and
# local exclusions of single entries.
domain_allows = sa.Table(
    "domain_allows",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("domain", sa.String(255), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

domain_excludes = sa.Table(
    "domain_excludes",
    metadata,
    sa.Column("domain", sa.String(255), primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Our published list as a FIRES change log: append-only, ids are UUIDv7 (ordered by time).
fires_changes = sa.Table(
    "fires_changes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    # Recommendation | Advisory | Retraction
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("domain", sa.String(255), nullable=False, index=True),
    sa.Column("document", Json(), nullable=False),
    sa.Column("published", UtcDateTime, nullable=False),
)

# Word and pattern filters, in categories an admin switches on one by one.
filter_categories = sa.Table(
    "filter_categories",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("action", sa.String(8), nullable=False),
)

filter_terms = sa.Table(
    "filter_terms",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("term", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("category", "term", "kind", name="uq_filter_terms"),
)

filter_allowlist = sa.Table(
    "filter_allowlist",
    metadata,
    sa.Column("term", sa.String(200), primary_key=True),
)

moderation_settings = sa.Table(
    "moderation_settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", Json(), nullable=False),
)

# Every moderation decision: what was decided about which content, by which check, why, when.
# Never who posted.
moderation_decisions = sa.Table(
    "moderation_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subject_id", Id, nullable=False, index=True),
    sa.Column("subject_kind", sa.String(16), nullable=False),
    sa.Column("check_name", sa.String(32), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
)

# Fingerprints of recent posts for near-duplicate detection (a flood copies and pastes). Only a
# locality-sensitive hash is kept, for a short window, and never longer than its note:
# `subject_id` names the note it was taken from (None for content that was never stored).
content_fingerprints = sa.Table(
    "content_fingerprints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.Column("subject_id", Id, nullable=True, index=True),
)

# Proof-of-work challenges already used (each is single-use until it expires).
pow_spent = sa.Table(
    "pow_spent",
    metadata,
    sa.Column("signature", sa.String(128), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# Rate limiting: counts per salted hash of a client key per window. The salt rotates daily and is
# deleted with its counts, after which nothing maps a hash back to an address.
rate_salts = sa.Table(
    "rate_salts",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("salt", sa.String(64), nullable=False),
)

rate_counts = sa.Table(
    "rate_counts",
    metadata,
    sa.Column("scope", sa.String(16), primary_key=True),
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("window_start", UtcDateTime, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

# Periodic jobs run once across all processes: whoever holds the lease runs it.
scheduler_leases = sa.Table(
    "scheduler_leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("locked_until", UtcDateTime, nullable=False),
    sa.Column("locked_by", sa.String(64), nullable=False),
)

# Event counts per UTC day (inbox rejections by reason, …): numbers only, never who or what.
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

admins = sa.Table(
    "admins",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
