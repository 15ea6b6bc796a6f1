"""Near-duplicate detection by SimHash, for floods of copy-pasted posts with small edits.

Owns the fingerprint (64-bit SimHash over character bigram shingles of the plain form's letters,
digits and CJK only, lower case, stretched letters squeezed, so punctuation, spacing, case and
full-width tricks change nothing) and the comparison. Character shingles work the same for
Chinese, which has no spaces, and English. Stores nothing: the caller keeps recent
fingerprints and passes them in.

Rule for short texts: a text with fewer than `MIN_CHARS` folded characters ("hi", "+1", "谢谢")
is not compared at all (`has_enough_text` is False). Short replies are legitimately identical,
and their few shingles make SimHash distances meaningless; floods of short posts are left to
rate limits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

from app.moderation.decision import ALLOW, HOLD, Verdict
from app.moderation.normalize import Normalized, squeeze

_DIGITS = re.compile(r"\d+")
CHECK = "duplicates"
REASON = "duplicate"
MIN_CHARS = 8
SHINGLE = 2
# Measured with this module (tests/unit/app/moderation/corpus.py): with digits folded and
# punctuation ignored, one word swapped in a 100-180 character post moves the fingerprint 1-4
# bits, while 1,225 pairs of distinct genuine posts (English and Chinese, 25-110 characters)
# were never closer than 12 bits (most 20-36). 6 leaves room on both sides. Shorter posts are
# noisier: one word swapped in an 80-character post moved 8 bits and is not caught. Bigrams
# beat trigrams here: they change fewer features per edit, and Chinese words are mostly two
# characters. A heuristic that holds for review, never a reason to reject.
DEFAULT_MAX_DISTANCE = 6


def has_enough_text(normalized: Normalized, min_chars: int = MIN_CHARS) -> bool:
    return len(_source(normalized)) >= min_chars


# Read by the duplicate check and again to be stored.
@lru_cache(maxsize=8)
def fingerprint(normalized: Normalized) -> str:
    """64-bit SimHash of the text's character shingles, as 16 lowercase hex digits."""
    source = _source(normalized)
    shingles = [source[i : i + SHINGLE] for i in range(max(1, len(source) - SHINGLE + 1))]
    rows = [f"{_hash(shingle):064b}" for shingle in shingles]
    half = len(rows) / 2
    # Column i of the bit rows is bit (63 - i) of every shingle hash; counting "1"s per column
    # is the SimHash vote, done in C rather than 64 Python additions per shingle.
    bits = "".join("1" if column.count("1") > half else "0" for column in zip(*rows, strict=True))
    return f"{int(bits, 2):016x}"


def is_near_duplicate(
    fp: str, recent: Iterable[str], max_distance: int = DEFAULT_MAX_DISTANCE
) -> bool:
    """Whether any recent fingerprint is within `max_distance` bits of `fp`."""
    value = int(fp, 16)
    return any((value ^ int(other, 16)).bit_count() <= max_distance for other in recent)


def check_duplicate(
    normalized: Normalized, recent: Iterable[str], max_distance: int = DEFAULT_MAX_DISTANCE
) -> Verdict:
    """HOLD a near-copy of a recent post; texts below `MIN_CHARS` are never compared."""
    if has_enough_text(normalized) and is_near_duplicate(
        fingerprint(normalized), recent, max_distance
    ):
        return Verdict(HOLD, CHECK, REASON)
    return Verdict(ALLOW, CHECK)


def _source(normalized: Normalized) -> str:
    # Read from `plain`, not the leetspeak-read forms: there "win2024" would become "win2o2a"
    # and every changed digit would move shingles. Every run of digits counts as one "0":
    # floods vary prices, codes and phone numbers.
    letters = "".join(char for char in normalized.plain if char.isalnum())
    return _DIGITS.sub("0", squeeze(letters, 2))


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
