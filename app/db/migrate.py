"""Run Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.db.engine import url_for_sqlalchemy

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url_for_sqlalchemy(database_url).replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Blocking; from async code call it through `asyncio.to_thread` (alembic runs its own loop)."""
    command.upgrade(alembic_config(database_url), "head")


@functools.cache
def migrations_head() -> str:
    """The newest migration this code ships (read from the scripts once per process)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the migrations directory has no head"
    return head
