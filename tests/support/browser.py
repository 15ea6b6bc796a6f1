"""Drive Debian's Chromium with Playwright's sync API for end-to-end tests.

Only the system browser at /usr/bin/chromium is used (installed by `make browser`); Playwright is
never allowed to download one, because every launch passes `executable_path`.

Playwright's sync API refuses to run inside a running asyncio loop, so browser tests are plain
synchronous tests (no `@pytest.mark.anyio`), and the server under test runs in a subprocess
(`servers.run_uvicorn_app`) or a thread (`servers.run_asgi_in_thread`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Containers often have a small /dev/shm, where Chromium's renderers crash.
    "--disable-dev-shm-usage",
    # Loopback only: no proxy, and every host name other than the loopback ones fails to resolve.
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
DEFAULT_TIMEOUT_MS = 10_000


def chromium_path(executable: Path = CHROMIUM) -> Path:
    """The Chromium binary, or a RuntimeError that says how to install it."""
    if not os.access(executable, os.X_OK):
        raise RuntimeError(
            f"{executable} is missing: the browser tests use Debian's chromium, never a "
            "Playwright download. Install it with `make browser` "
            "(apt-get install chromium)."
        )
    return executable


def _refuse_running_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "chromium_page() uses Playwright's sync API, which cannot run inside an asyncio loop: "
        "write browser tests as plain sync tests and run the server in a subprocess or thread"
    )


@contextlib.contextmanager
def chromium_page(
    *,
    executable: Path = CHROMIUM,
    extra_args: Sequence[str] = (),
    timeout_ms: float = DEFAULT_TIMEOUT_MS,
    viewport: tuple[int, int] = (1280, 800),
    locale: str = "en-US",
) -> Iterator[Page]:
    """Yield a page of a headless Chromium with a fresh temporary profile, closed afterwards.

    Every Playwright wait on the page is bounded by `timeout_ms` (Playwright's default is 30 s).
    """
    _refuse_running_loop()
    browser = chromium_path(executable)
    with (
        tempfile.TemporaryDirectory(prefix="treehole-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(browser),
            headless=True,
            args=[*CHROMIUM_ARGS, *extra_args],
            viewport={"width": viewport[0], "height": viewport[1]},
            locale=locale,
            timeout=30_000,
        )
        try:
            context.set_default_timeout(timeout_ms)
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            context.close()


@contextlib.contextmanager
def chromium_browser(*, executable: Path = CHROMIUM) -> Iterator[Browser]:
    """A headless Chromium (temporary profiles) for tests that need several independent
    contexts, such as an admin and an anonymous visitor with separate cookies. Give each
    context from `new_context` a bounded timeout with `bounded`."""
    _refuse_running_loop()
    browser = chromium_path(executable)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(browser),
            headless=True,
            args=list(CHROMIUM_ARGS),
            timeout=30_000,
        )
        try:
            yield launched
        finally:
            launched.close()


def bounded(context: BrowserContext, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> BrowserContext:
    """The context, with every Playwright wait on it bounded by `timeout_ms`."""
    context.set_default_timeout(timeout_ms)
    context.set_default_navigation_timeout(timeout_ms)
    return context
