"""The stored filter settings start from defaults that name exactly the moderation word lists'
categories (a category added to one and not the other would never be matched or never be shown)."""

from __future__ import annotations

from app.moderation.filters import RULE_ACTIONS
from app.moderation.wordlists import CATEGORIES
from app.store.filters import CATEGORY_DEFAULTS


def test_category_defaults_cover_the_word_list_categories_in_order() -> None:
    assert tuple(CATEGORY_DEFAULTS) == CATEGORIES
    assert set(CATEGORY_DEFAULTS.values()) <= set(RULE_ACTIONS)
