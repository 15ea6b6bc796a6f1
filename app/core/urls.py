"""Every URL we publish, built from the base URL; no path is concatenated anywhere else."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit


@dataclass(frozen=True, slots=True)
class Urls:
    base: str

    @property
    def origin(self) -> str:
        """The base URL as browsers write it in `Origin`: lowercase, no default port."""
        parts = urlsplit(self.base)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        default = {"http": 80, "https": 443}.get(scheme)
        port = f":{parts.port}" if parts.port not in (None, default) else ""
        host = f"[{host}]" if ":" in host else host
        return f"{scheme}://{host}{port}"

    def home(self) -> str:
        return f"{self.base}/"

    def board(self, slug: str) -> str:
        return f"{self.base}/b/{slug}"

    def board_page(self, slug: str, before: str | None = None) -> str:
        suffix = f"?{urlencode({'before': before})}" if before else ""
        return f"{self.base}/b/{slug}{suffix}"

    def board_post(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/post"

    def board_feed(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/feed.atom"

    def board_inbox(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/inbox"

    def board_outbox(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/outbox"

    def board_followers(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/followers"

    def board_following(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/following"

    def thread(self, thread_id: str) -> str:
        return f"{self.base}/t/{thread_id}"

    def thread_reply(self, thread_id: str) -> str:
        return f"{self.base}/t/{thread_id}/reply"

    def tag(self, name: str) -> str:
        """The page of a `#tag` (case folded, as Mastodon compares tags)."""
        return f"{self.base}/tags/{quote(name.casefold(), safe='')}"

    def note(self, note_id: str) -> str:
        return f"{self.base}/n/{note_id}"

    def note_in_thread(self, thread_id: str, note_id: str) -> str:
        return f"{self.base}/t/{thread_id}#n-{note_id}"

    def note_delete(self, note_id: str) -> str:
        return f"{self.base}/n/{note_id}/delete"

    def note_like(self, note_id: str) -> str:
        return f"{self.base}/n/{note_id}/like"

    def note_ledger(self, note_id: str) -> str:
        return f"{self.base}/n/{note_id}/ledger"

    def dm_answer(self, answer_id: str) -> str:
        """A board's direct-message answer to a sender (the Note; `delete` replies point here)."""
        return f"{self.base}/answers/{answer_id}"

    def posted(self, note_id: str) -> str:
        return f"{self.base}/posted/{note_id}"

    def about(self) -> str:
        return f"{self.base}/about"

    def board_follow(self, slug: str) -> str:
        return f"{self.base}/b/{slug}/follow"

    def admin_federation(self) -> str:
        return f"{self.base}/admin/federation"

    def admin_breaker_end(self) -> str:
        return f"{self.base}/admin/breaker/end"

    def admin_instance(self) -> str:
        return f"{self.base}/admin/instance"

    def admin_board_new(self) -> str:
        return f"{self.base}/admin/boards/new"

    def admin_report_group(self, note_id: str) -> str:
        return f"{self.base}/admin/reports/notes/{note_id}"

    def transparency(self) -> str:
        return f"{self.base}/transparency"

    def random_note(self) -> str:
        return f"{self.base}/random"

    def language(self, code: str, back: str) -> str:
        return f"{self.base}/lang/{code}?{urlencode({'next': back})}"

    def static(self, name: str) -> str:
        return f"{self.base}/static/{name}"

    def instance_actor(self) -> str:
        return f"{self.base}/actor"

    def instance_inbox(self) -> str:
        return f"{self.base}/actor/inbox"

    def instance_outbox(self) -> str:
        return f"{self.base}/actor/outbox"

    def shared_inbox(self) -> str:
        return f"{self.base}/inbox"

    def actor(self, actor_id: str) -> str:
        return f"{self.base}/a/{actor_id}"

    def actor_inbox(self, actor_id: str) -> str:
        return f"{self.base}/a/{actor_id}/inbox"

    def actor_outbox(self, actor_id: str) -> str:
        return f"{self.base}/a/{actor_id}/outbox"

    def actor_followers(self, actor_id: str) -> str:
        return f"{self.base}/a/{actor_id}/followers"

    def actor_following(self, actor_id: str) -> str:
        return f"{self.base}/a/{actor_id}/following"

    def key_id(self, actor_url: str) -> str:
        return f"{actor_url}#main-key"

    def activity(self, activity_id: str) -> str:
        return f"{self.base}/activities/{activity_id}"

    def webfinger(self) -> str:
        return f"{self.base}/.well-known/webfinger"

    def nodeinfo(self, version: str) -> str:
        return f"{self.base}/nodeinfo/{version}"

    def admin(self) -> str:
        return f"{self.base}/admin"

    def admin_login(self) -> str:
        return f"{self.base}/admin/login"

    def admin_logout(self) -> str:
        return f"{self.base}/admin/logout"

    def admin_queue(self) -> str:
        return f"{self.base}/admin/queue"

    def admin_reports(self) -> str:
        return f"{self.base}/admin/reports"

    def admin_report(self, report_id: str) -> str:
        return f"{self.base}/admin/reports/{report_id}"

    def admin_filters(self) -> str:
        return f"{self.base}/admin/filters"

    def admin_filter_categories(self) -> str:
        return f"{self.base}/admin/filters/categories"

    def admin_filter_terms(self) -> str:
        return f"{self.base}/admin/filters/terms"

    def admin_filter_term_delete(self, term_id: str) -> str:
        return f"{self.base}/admin/filters/terms/{term_id}/delete"

    def admin_allowlist(self) -> str:
        return f"{self.base}/admin/filters/allowlist"

    def admin_allowlist_delete(self) -> str:
        return f"{self.base}/admin/filters/allowlist/delete"

    def admin_settings(self) -> str:
        return f"{self.base}/admin/settings"

    def admin_domain_block_visibility(self) -> str:
        return f"{self.base}/admin/settings/domain-blocks"

    def admin_boards(self) -> str:
        return f"{self.base}/admin/boards"

    def admin_board(self, slug: str) -> str:
        return f"{self.base}/admin/boards/{slug}"

    def admin_domains(self) -> str:
        return f"{self.base}/admin/domains"

    def admin_domain_remove(self) -> str:
        return f"{self.base}/admin/domains/remove"

    def admin_actors(self) -> str:
        return f"{self.base}/admin/actors"

    def datasets(self) -> str:
        return f"{self.base}/datasets"

    def dataset(self, dataset_id: str) -> str:
        return f"{self.base}/datasets/{dataset_id}"

    def dataset_snapshot(self, dataset_id: str) -> str:
        return f"{self.base}/datasets/{dataset_id}/snapshot"

    def dataset_changes(self, dataset_id: str, since: str | None = None) -> str:
        suffix = f"?{urlencode({'since': since})}" if since else ""
        return f"{self.base}/datasets/{dataset_id}/changes{suffix}"

    def admin_subscriptions(self) -> str:
        return f"{self.base}/admin/subscriptions"

    def admin_subscription(self, source_id: str) -> str:
        return f"{self.base}/admin/subscriptions/{source_id}"

    def admin_subscription_action(self, source_id: str, action: str) -> str:
        return f"{self.base}/admin/subscriptions/{source_id}/{action}"

    def admin_subscription_settings(self) -> str:
        return f"{self.base}/admin/subscriptions/settings"

    def admin_subscription_run(self, run_id: str) -> str:
        return f"{self.base}/admin/subscriptions/runs/{run_id}"

    def admin_subscription_run_action(self, run_id: str, action: str) -> str:
        return f"{self.base}/admin/subscriptions/runs/{run_id}/{action}"

    def note_report(self, note_id: str) -> str:
        return f"{self.base}/n/{note_id}/report"

    def admin_blocks(self) -> str:
        return f"{self.base}/admin/blocks"

    def admin_blocks_page(self, page: int) -> str:
        return f"{self.base}/admin/blocks?{urlencode({'page': page})}"

    def admin_block_edit(self, domain: str) -> str:
        return f"{self.base}/admin/blocks?{urlencode({'edit': domain})}#block-form"

    def admin_block_remove(self) -> str:
        return f"{self.base}/admin/blocks/remove"

    def admin_block_shields(self) -> str:
        return f"{self.base}/admin/blocks/shields"

    def admin_block_audit(self, before: int | None = None) -> str:
        suffix = f"?{urlencode({'before': before})}" if before is not None else ""
        return f"{self.base}/admin/blocks/audit{suffix}"

    def admin_block_undo(self, audit_id: int) -> str:
        return f"{self.base}/admin/blocks/audit/{audit_id}/undo"

    def admin_block_import(self) -> str:
        return f"{self.base}/admin/blocks/import"

    def admin_block_import_run(self, run_id: str) -> str:
        return f"{self.base}/admin/blocks/import/{run_id}"

    def admin_block_import_action(self, run_id: str, action: str) -> str:
        return f"{self.base}/admin/blocks/import/{run_id}/{action}"

    def admin_block_export(self) -> str:
        return f"{self.base}/admin/blocks/export.csv"

    def api_admin_block_export(self) -> str:
        return f"{self.base}/api/v1/admin/domain_blocks/export.csv"

    def admin_tokens(self) -> str:
        return f"{self.base}/admin/tokens"

    def admin_token_revoke(self, token_id: str) -> str:
        return f"{self.base}/admin/tokens/{token_id}/revoke"
