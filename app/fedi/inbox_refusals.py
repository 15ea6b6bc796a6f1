"""Why the inbox refuses a request, as counted (per UTC day, in `counters`): per status, as
`inbox_refused_<status>`, and per kind, as `inbox_refusal:<kind>`; and what it accepts but drops
unread, as `inbox_dropped_<kind>`. The admin's federation page puts the kinds into words. Numbers
only, never who sent what."""

from __future__ import annotations

REFUSED_STATUS = "inbox_refused_"
REFUSED_KIND = "inbox_refusal:"
MALFORMED = "malformed"
SUSPENDED = "suspended"
BAD_SIGNATURE = "bad_signature"
KEY_UNUSABLE = "key_unusable"
FOREIGN_ID = "foreign_id"
FOREIGN_OBJECT = "foreign_object"
TOO_MANY = "too_many"
REFUSAL_KINDS = (
    MALFORMED, SUSPENDED, BAD_SIGNATURE, KEY_UNUSABLE, FOREIGN_ID, FOREIGN_OBJECT, TOO_MANY,
)  # fmt: skip

# Answered 202 and dropped: a relayed activity, signed by someone other than its actor (Mastodon
# does the same; a refusal would only be retried).
DROPPED = "inbox_dropped_"
RELAYED = "relayed"
DROP_KINDS = (RELAYED,)
