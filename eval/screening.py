"""Each post of the corpus through the moderation a local web post meets, on a fresh instance with
default settings: the self-harm question and `moderate` from app/notes/submit.py, against a
temporary SQLite database migrated like a new install. No network, no database server.

A post's fingerprint is never stored (`moderate` only assesses), so posts never count as
near-duplicates of each other: each is judged as if it were the only post.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.clock import utcnow
from app.db.engine import connect, disconnect
from app.db.migrate import upgrade_to_head
from app.moderation.decision import HOLD, PUBLISH_WITH_WARNING, REJECT
from app.moderation.model import OFF
from app.moderation.service import Moderator
from app.notes.posting import PostPolicy, validate_submission
from app.notes.submit import asks_for_help, moderate
from app.store.boards import Board, get_board_by_slug
from app.store.moderation import ModerationSettings, get_moderation_settings
from eval.corpus import CARE, PUBLISH, STOP, Post

# The defaults of TREEHOLE_POST_MAX_CHARS, TREEHOLE_MAX_TTL and TREEHOLE_PUBLISH_DELAY_MAX.
DEFAULT_POLICY = PostPolicy(max_chars=2000, max_ttl=30 * 86_400, publish_delay_max=60)
WARM_UP = "warming up: the filters compile and the classifier loads on the first post"
# The distributions only alt-profanity-check brings in (numpy stays: py3langid needs it).
CLASSIFIER_DISTRIBUTIONS = (
    "alt-profanity-check",
    "scikit-learn",
    "scipy",
    "joblib",
    "threadpoolctl",
)
# Everything moderation installs: the classifier's stack and the lists, matchers and converters.
MODERATION_DISTRIBUTIONS = (*CLASSIFIER_DISTRIBUTIONS, "glin-profanity", "opencc", "ahocorasick-rs")


@dataclass(frozen=True, slots=True)
class Screened:
    """What became of one post: the decision's outcome (publish, publish_with_warning, hold,
    reject; a post that asked for help counts as posted anyway, so held for care), whether the
    help page was shown, the deciding check and reason, and the CPU it took."""

    post: Post
    outcome: str
    help_shown: bool
    check: str
    reason: str
    cpu_ms: float

    @property
    def stopped(self) -> bool:
        return self.outcome in (HOLD, REJECT)

    @property
    def warned(self) -> bool:
        return self.outcome == PUBLISH_WITH_WARNING

    @property
    def caught(self) -> bool:
        """A must-stop post held or rejected; a care post shown the help page."""
        if self.post.expect == STOP:
            return self.stopped
        if self.post.expect == CARE:
            return self.help_shown
        raise ValueError(f"{self.post.id} is an honest post")

    @property
    def false_hold(self) -> bool:
        """An honest post held, rejected or shown the help page."""
        if self.post.expect != PUBLISH:
            raise ValueError(f"{self.post.id} is not an honest post")
        return self.stopped or self.help_shown


@dataclass(frozen=True, slots=True)
class Run:
    screened: list[Screened]
    rss_before_kb: int  # the process's resident set before the first post (filters not built)
    rss_warm_kb: int  # after the first post: filters built, classifier loaded
    rss_after_kb: int  # after the last


def resident_kb() -> int:
    """This process's resident set size now (Linux), in KiB; 0 where /proc is missing."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def installed_kb(distributions: Sequence[str]) -> int:
    """What these installed distributions take on disk, in KiB (0 for those not installed)."""
    total = 0
    for name in distributions:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in files:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
    return total // 1024


def screen_all(posts: Sequence[Post], classifier: bool, model: bool = True) -> Run:
    """Every post through the pipeline on a fresh temporary database (blocking)."""
    with tempfile.TemporaryDirectory(prefix="treehole-eval-") as directory:
        url = f"sqlite:///{Path(directory) / 'eval.db'}"
        upgrade_to_head(url)  # alembic runs its own event loop: before ours
        return asyncio.run(_screen_all(url, posts, classifier, model))


async def _screen_all(url: str, posts: Sequence[Post], classifier: bool, model: bool) -> Run:
    db = await connect(url)
    try:
        board = await get_board_by_slug(db, "main")
        assert board is not None, "a new instance has the main board"
        # The admin's `english_classifier` setting (off by default); the Moderator is built as
        # the app builds it, so off means the classifier is never imported.
        settings = replace(await get_moderation_settings(db), english_classifier=classifier)
        if not model:
            # What an admin does by setting model_hold and model_help to off.
            settings = replace(settings, model_hold=OFF, model_help=OFF)
        moderator = Moderator(db)
        before = resident_kb()
        await _screen_one(moderator, board, settings, WARM_UP)
        warm = resident_kb()
        screened = []
        for post in posts:
            outcome, help_shown, check, reason, cpu = await _screen_one(
                moderator, board, settings, post.text
            )
            screened.append(Screened(post, outcome, help_shown, check, reason, cpu * 1000))
        return Run(screened, before, warm, resident_kb())
    finally:
        await disconnect(db)


async def _screen_one(
    moderator: Moderator, board: Board, settings: ModerationSettings, text: str
) -> tuple[str, bool, str, str, float]:
    """One post as a new thread from the web form, the poster going on past the help page."""
    submission = validate_submission(text, None, None, board, DEFAULT_POLICY)
    started = time.process_time()
    help_shown = asks_for_help(moderator, submission, settings)
    assessment = await moderate(
        moderator, submission, board, settings, utcnow(), True, hold_for_care=help_shown
    )
    cpu = time.process_time() - started
    decision = assessment.decision
    return decision.outcome, help_shown, decision.check, decision.reason, cpu
