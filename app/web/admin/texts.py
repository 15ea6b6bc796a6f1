"""Admin-facing texts: why an admin form was refused, and labels for stored values. Marked with
`N_` for the catalogue extractor; translated at render time."""

from __future__ import annotations

from app.web.messages import N_

INVALID = {
    "category: unknown": N_("Choose one of the listed categories."),
    "action: unknown": N_("Choose reject, hold or add a content warning."),
    "kind: unknown": N_("Choose a word or a regular expression."),
    "term: empty": N_("Enter a word or pattern."),
    "term: too_long": N_("That is too long (at most 200 characters)."),
    "term: bad_regex": N_("That regular expression does not compile."),
    "term: slow_regex": N_(
        "That regular expression repeats a repeated group (like (a+)+), which can take "
        "forever on a crafted post. Rewrite it without nested repetition."
    ),
    "thresholds: order": N_(
        "The classifier thresholds must read warn ≤ hold ≤ reject, each between 0 and 1."
    ),
    "classifier_warn: not_a_number": N_("Thresholds are numbers between 0 and 1."),
    "classifier_hold: not_a_number": N_("Thresholds are numbers between 0 and 1."),
    "classifier_reject: not_a_number": N_("Thresholds are numbers between 0 and 1."),
    "classifier_warn: out_of_range": N_("Thresholds are numbers between 0 and 1."),
    "classifier_hold: out_of_range": N_("Thresholds are numbers between 0 and 1."),
    "classifier_reject: out_of_range": N_("Thresholds are numbers between 0 and 1."),
    "english_classifier: not_on_or_off": N_("The English classifier is on or off."),
    "model_hold: not_a_number": N_(
        "Model thresholds are numbers between 0 and 1, default (the shipped one) or off."
    ),
    "model_hold: out_of_range": N_(
        "Model thresholds are numbers between 0 and 1, default (the shipped one) or off."
    ),
    "model_help: not_a_number": N_(
        "Model thresholds are numbers between 0 and 1, default (the shipped one) or off."
    ),
    "model_help: out_of_range": N_(
        "Model thresholds are numbers between 0 and 1, default (the shipped one) or off."
    ),
    "link_allowlist: bad_domain": N_("One of the link domains is not a valid domain name."),
    "link_allowlist: too_many": N_("The link allowlist holds at most 500 domains."),
    "breaker_posts_per_minute: not_a_number": N_(
        "The circuit breaker threshold is a whole number of posts per minute."
    ),
    "breaker_posts_per_minute: out_of_range": N_(
        "The circuit breaker threshold is a whole number of posts per minute."
    ),
    "breaker_mode: unknown": N_("Choose proof of work or review for the circuit breaker."),
    "pow_enabled: not_on_or_off": N_("Proof of work is on or off."),
    "show_domain_blocks: unknown": N_("Choose nobody, holders of an API token or everyone."),
    "show_domain_blocks_rationale: unknown": N_(
        "Choose nobody, holders of an API token or everyone."
    ),
    "premoderation: unknown": N_("Choose off, new threads or every post."),
    "dm_posting: unknown": N_(
        "Choose who may post by direct message: anyone, followers or nobody."
    ),
    "self_destruct_hours: not_a_number": N_(
        "Self-destruct is a whole number of hours (at most a year), or empty for never."
    ),
    "self_destruct_hours: out_of_range": N_(
        "Self-destruct is a whole number of hours (at most a year), or empty for never."
    ),
    "allowed_ttls: not_a_number": N_(
        "Write lifetimes like 30m, 12h, 1d or 2w, separated by commas, from one minute up to "
        "the instance maximum."
    ),
    "allowed_ttls: out_of_range": N_(
        "Write lifetimes like 30m, 12h, 1d or 2w, separated by commas, from one minute up to "
        "the instance maximum."
    ),
    "allowed_ttls: empty": N_("Offer at least one lifetime."),
    "allowed_ttls: too_many": N_("Offer at most 12 lifetimes."),
    "default_ttl: not_a_number": N_(
        "The default lifetime must be one of the offered ones, written the same way (like 1d)."
    ),
    "default_ttl: out_of_range": N_("The default lifetime must be one of the offered ones."),
    "default_ttl: not_allowed": N_("The default lifetime must be one of the offered ones."),
    "domain: invalid": N_("That is not a valid domain name."),
    "slug: invalid": N_(
        "The board's short name is lowercase letters, digits and _ (at most 32); it becomes "
        "its fediverse handle and cannot change later."
    ),
    "slug: taken": N_("There is a board with that short name already."),
    "title: empty": N_("Give the board a title."),
    "title: too_long": N_("The title is too long (at most 200 characters)."),
    "description: too_long": N_("The description is too long (at most 2000 characters)."),
    "language: unknown": N_("Choose one of the listed languages."),
    "board_rules: too_many": N_("A board has at most 20 rules."),
    "board_rules: too_long": N_("A rule is at most 500 characters."),
    "rules: too_many": N_("The server has at most 20 rules."),
    "rules: too_long": N_("A rule is at most 500 characters."),
    "about: too_long": N_("The about text is too long (at most 5000 characters)."),
    "contact: too_long": N_("The contact is too long (at most 200 characters)."),
    "severity: invalid": N_("Choose suspend, silence or no action."),
    "actor: unknown": N_(
        "This server does not know that account. Only accounts it has seen can be moderated."
    ),
    "report: not_remote": N_("Only reports on notes from other servers can be forwarded."),
    "moderation: unknown": N_("Choose suspend, silence or lift."),
}

CATEGORIES = {
    "sexual": N_("Sexual spam"),
    "harassment": N_("Harassment"),
    "violence": N_("Violence"),
    "fraud": N_("Fraud"),
    "self_harm": N_("Self-harm"),
    "hate": N_("Hate"),
    "spam": N_("Spam"),
    "profanity": N_("Profanity"),
}

ACTIONS = {
    "reject": N_("Reject"),
    "hold": N_("Hold for review"),
    "warn": N_("Add a content warning"),
}

KINDS = {"word": N_("Word"), "regex": N_("Regular expression")}

# Which check of the pipeline decided (a moderation record's check), on the filter page.
CHECKS = {
    "filters": N_("word and pattern lists"),
    "classifier": N_("English classifier"),
    "links": N_("links and contact details"),
    "duplicates": N_("near-duplicates"),
    "self_harm": N_("self-harm question"),
    "premoderation": N_("board premoderation"),
    "silenced": N_("silenced sender"),
    "under_attack": N_("circuit breaker"),
}

# What the pipeline did, on the filter page.
OUTCOMES = {
    "publish_with_warning": N_("warned"),
    "hold": N_("held"),
    "reject": N_("rejected"),
}

PREMODERATION = {
    "off": N_("Off"),
    "threads": N_("New threads wait for approval"),
    "all": N_("Every post waits for approval"),
}

DM_POSTING = {
    "anyone": N_("Anyone may post by direct message"),
    "followers": N_("Only the board's followers may post by direct message"),
    "off": N_("No posting by direct message"),
}

SEVERITIES = {
    "suspend": N_("Suspend"),
    "silence": N_("Silence"),
    "noop": N_("No action (note only)"),
}

BREAKER_MODES = {
    "pow": N_("Require proof of work"),
    "review": N_("Hold every new post for review"),
}

# The dashboard's charts.
SERIES_TITLES = {
    "posts": N_("Notes posted"),
    "holds": N_("Held for review"),
    "rejections": N_("Refused by moderation"),
    "reports": N_("Reports received"),
    "removals": N_("Removed"),
}

# Why the inbox refused requests (app/fedi/inbox_refusals.py REFUSAL_KINDS).
REFUSALS = {
    "malformed": N_("Not a readable activity"),
    "suspended": N_("From a suspended server or account"),
    "bad_signature": N_("Signature missing, expired or wrong"),
    "key_unusable": N_("The sender's key could not be fetched or read"),
    "foreign_id": N_("Its id is on another server than the signer's"),
    "foreign_object": N_("About an object that is not the sender's"),
    "too_many": N_("Too many activities from one account or server"),
}

# What the inbox accepted but dropped unread (app/fedi/inbox_refusals.py DROP_KINDS).
DROPS = {
    "relayed": N_("Relayed: signed by someone other than its actor (accepted, dropped unread)"),
}

# Who may read the public domain-block list (Mastodon's values; "users" are holders of an API
# token here: Treehole has no user accounts).
VISIBILITIES = {
    "disabled": N_("Nobody"),
    "users": N_("Holders of an API token"),
    "all": N_("Everyone"),
}

# What the admin templates see as `texts`.
LABELS = {
    "CATEGORIES": CATEGORIES,
    "ACTIONS": ACTIONS,
    "KINDS": KINDS,
    "CHECKS": CHECKS,
    "OUTCOMES": OUTCOMES,
    "PREMODERATION": PREMODERATION,
    "DM_POSTING": DM_POSTING,
    "SEVERITIES": SEVERITIES,
    "BREAKER_MODES": BREAKER_MODES,
    "REFUSALS": REFUSALS,
    "DROPS": DROPS,
    "VISIBILITIES": VISIBILITIES,
}
