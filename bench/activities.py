"""Signed activities for the load runs: realistic bodies, real draft-cavage signatures."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from federation.httpsig import sign_request_cavage

NOTE_TEXT = "A benchmark note. " * 40  # ~700 characters, a typical note with some HTML around it


@dataclass(frozen=True, slots=True)
class FakeActor:
    """A remote actor whose key the instance has cached."""

    ap_id: str
    key_id: str
    private_pem: str
    public_pem: str


def build_like(actor: FakeActor, object_url: str) -> bytes:
    """A Like with a fresh id and a note-sized payload (as big as a typical Create)."""
    document = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.ap_id}/likes/{uuid.uuid4().hex}",
        "type": "Like",
        "actor": actor.ap_id,
        "object": object_url,
        "to": [object_url.rsplit("/", 2)[0]],
        "content": NOTE_TEXT,
    }
    return json.dumps(document, separators=(",", ":")).encode()


def signed_post(
    url: str, body: bytes, actor: FakeActor, now: datetime
) -> tuple[dict[str, str], bytes]:
    headers = {"Content-Type": "application/activity+json"}
    signed = sign_request_cavage("POST", url, headers, body, actor.key_id, actor.private_pem, now)
    return signed, body
