"""Why the inbox refuses a request, as counted (per UTC day, in `counters`): per status, as
`inbox_refused_<status>`, and per kind, as `inbox_refusal:<kind>`. The admin's federation page
puts the kinds into words. Numbers only, never who sent what."""

from __future__ import annotations

REFUSED_STATUS = "inbox_refused_"
REFUSED_KIND = "inbox_refusal:"
MALFORMED = "malformed"
SUSPENDED = "suspended"
BAD_SIGNATURE = "bad_signature"
KEY_UNUSABLE = "key_unusable"
NOT_SIGNER = "not_signer"
FOREIGN_ID = "foreign_id"
FOREIGN_OBJECT = "foreign_object"
TOO_MANY = "too_many"
REFUSAL_KINDS = (
    MALFORMED, SUSPENDED, BAD_SIGNATURE, KEY_UNUSABLE, NOT_SIGNER, FOREIGN_ID, FOREIGN_OBJECT,
    TOO_MANY,
)  # fmt: skip
