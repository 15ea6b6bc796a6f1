"""The language of a note's text, guessed offline, for the `contentMap` of federated notes.

Mastodon files a note under the first `contentMap` key, and its users' language filters hide
notes in languages they did not pick, so a wrong guess hides a note while no guess shows it to
everyone. py3langid (a maintained fork of langid.py; BSD; its 97-language model ships in the
wheel, about 4.5 MB, numpy is already here) answers in well under a millisecond, and its
normalised confidence tells a sentence from a word: below `MIN_CONFIDENCE` we say nothing.
A board-wide language would be wrong on every bilingual board (Treehole serves English and
Chinese side by side), and Mastodon itself dropped guessing from the text only because its old
detector was weak on short posts; the confidence floor answers that.

The model takes about half a second to load: it is read once per process, on first use (or at
start-up through `warm_up`), and is never written after.
"""

from __future__ import annotations

import functools
from typing import Final

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_CONFIDENCE: Final = 0.5
MIN_LETTERS: Final = 3


@functools.cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the model now (call from a thread), so the first note does not wait for it."""
    _identifier()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when the guess is not confident enough."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= MIN_CONFIDENCE else None
