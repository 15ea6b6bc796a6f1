"""Texts of the blocklist and token admin pages: why a form was refused, and labels for stored
values (source kinds, who changed what, diff statuses, run states, scopes). Marked with `N_` for
the catalogue extractor; translated at render time."""

from __future__ import annotations

from app.web.messages import N_

INVALID = {
    "domain: invalid": N_("That is not a valid domain name."),
    "severity: invalid": N_("Choose suspend, silence or no action."),
    "public_comment: too_long": N_("The public reason is too long (at most 1000 characters)."),
    "private_comment: too_long": N_("The private note is too long (at most 1000 characters)."),
    "kind: unknown_shield": N_("Choose the allowlist or a local exclude."),
    "change: unknown": N_("Choose to add or to remove."),
    "file: empty": N_("Choose a file or paste a list first."),
    "file: too_large": N_("The list is too large (at most 1 MB)."),
    "file: encoding": N_("The list must be UTF-8 text."),
    "file: csv": N_("That CSV file cannot be read."),
    "file: json": N_("That JSON cannot be read: it must be an array of blocks."),
    "file: too_many_rows": N_("The list has too many rows (at most 20,000)."),
    "domains: none": N_("Tick at least one domain to apply, or apply them all."),
    "run: state": N_("That import has already been applied, discarded or reverted."),
    "before: bad_cursor": N_("That page link is broken. Go back to the first page."),
    "page: bad_cursor": N_("That page link is broken. Go back to the first page."),
    "name: invalid": N_("Give the token a name (at most 100 characters)."),
    "scopes: invalid": N_("Tick at least one scope."),
}

UNDO_SKIPPED = N_(
    "Change #%(id)s was not undone: that source's entry for %(domain)s has changed since. "
    "Undo the later change first."
)

SOURCE_KINDS = {
    "manual": N_("This server's admins"),
    "token": N_("API token"),
    "import": N_("Import"),
    "subscription": N_("Subscription"),
}

ACTOR_KINDS = {
    "admin": N_("Admin"),
    "token": N_("API token"),
    "subscription": N_("Subscription"),
    "import": N_("Import"),
    "system": N_("This server"),
}

STATUSES = {
    "new": N_("New"),
    "changed": N_("Changed"),
    "unchanged": N_("Unchanged"),
    "conflict": N_("Conflict"),
}

CONFLICT_NOTES = {
    "parent": N_("A stricter block on a parent domain already covers it."),
    "manual": N_("An admin or API token decided otherwise; change it by hand if you agree."),
    "allowed": N_("It is on the allowlist or excluded here."),
}

RUN_STATES = {
    "previewed": N_("Waiting for you"),
    "applied": N_("Applied"),
    "reverted": N_("Reverted"),
    "discarded": N_("Discarded"),
    "held": N_("Held"),
    "failed": N_("Failed"),
}

ROW_ERRORS = {
    "domain": N_("no domain, or not a valid one"),
    "invalid": N_("no domain, or not a valid one"),
    "severity": N_("unknown severity"),
    "boolean": N_("a yes/no column holds something else"),
    "comment": N_("a comment is not text"),
    "entry": N_("not a block"),
    "obfuscated": N_("a hidden domain this server does not know"),
}

FORMATS = {
    "mastodon_csv": N_("Mastodon CSV"),
    "csv": N_("CSV with a plain header"),
    "plain": N_("List of domains"),
    "json": N_("JSON"),
}

SCOPES = {
    "admin:read:domain_blocks": N_("Read domain blocks"),
    "admin:write:domain_blocks": N_("Change domain blocks"),
    "admin:read": N_("Read everything the admin API offers"),
    "admin:write": N_("Change everything the admin API offers"),
}

# Subscription choices and states, in words.
SOURCE_FORMATS = {
    "mastodon_public": N_("Mastodon's public list (/api/v1/instance/domain_blocks)"),
    "mastodon_admin": N_("Mastodon's admin API (needs a token)"),
    "csv": N_("A CSV file"),
    "json": N_("A JSON file"),
    "plain": N_("A list of domains, one a line"),
    "fires": N_("A FIRES dataset"),
    "treehole": N_("Another Treehole server"),
}

AUTH_KINDS = {
    "none": N_("None"),
    "bearer": N_("Bearer token"),
    "basic": N_("User name and password"),
}

SUBSCRIPTION_MODES = {
    "review": N_("Wait for me to approve each change"),
    "auto": N_("Apply changes on their own"),
}

MERGEPLANS = {
    "max": N_("The strictest source wins"),
    "min": N_("The most lenient source wins"),
    "priority": N_("The source with the highest priority wins"),
}

THRESHOLD_TYPES = {
    "count": N_("a number of sources"),
    "pct": N_("a percentage of sources"),
}

SEVERITY_LIMITS = {
    "suspend": N_("Suspend"),
    "silence": N_("Silence"),
    "noop": N_("No action (note only)"),
}

FETCH_STATUSES = {
    "ok": N_("fetched"),
    "not_modified": N_("unchanged since the last fetch"),
    "error": N_("failed"),
}

CHANGE_KINDS = {
    "new": N_("New block"),
    "upgraded": N_("Stricter"),
    "downgraded": N_("Milder"),
    "retracted": N_("Lifted"),
    "conflicting": N_("Sources disagree"),
    "refreshed": N_("Unchanged"),
}

HELD_REASONS = {
    "review": N_("this source waits for approval"),
    "breaker": N_("it would change too many blocks at once"),
}

# What the blocklist templates see as `block_texts`.
LABELS = {
    "SOURCE_KINDS": SOURCE_KINDS,
    "ACTOR_KINDS": ACTOR_KINDS,
    "STATUSES": STATUSES,
    "CONFLICT_NOTES": CONFLICT_NOTES,
    "RUN_STATES": RUN_STATES,
    "ROW_ERRORS": ROW_ERRORS,
    "FORMATS": FORMATS,
    "SCOPES": SCOPES,
    "SOURCE_FORMATS": SOURCE_FORMATS,
    "AUTH_KINDS": AUTH_KINDS,
    "SUBSCRIPTION_MODES": SUBSCRIPTION_MODES,
    "MERGEPLANS": MERGEPLANS,
    "THRESHOLD_TYPES": THRESHOLD_TYPES,
    "SEVERITY_LIMITS": SEVERITY_LIMITS,
    "FETCH_STATUSES": FETCH_STATUSES,
    "CHANGE_KINDS": CHANGE_KINDS,
    "HELD_REASONS": HELD_REASONS,
}
