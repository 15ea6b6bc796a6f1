"""pytest fixture for browser tests; bind it in the test module by assignment (see
fixtures_fedipeer for why not `from ... import`):

    from tests.support import fixtures_browser
    browser_page = fixtures_browser.browser_page

Browser tests must be plain sync tests: Playwright's sync API refuses a running asyncio loop.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.support.browser import chromium_page


@pytest.fixture
def browser_page() -> Iterator[Page]:
    """A fresh headless Chromium page (fresh profile) per test."""
    with chromium_page() as page:
        yield page
