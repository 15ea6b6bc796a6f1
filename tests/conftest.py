"""Shared fixtures: every database-backed test runs on SQLite and, when TEST_DATABASE_URL is set,
again on PostgreSQL (mandatory under CI=true)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from app.core.settings import Settings, load_settings
from tests.support.app_client import RunningApp, running_app
from tests.support.databases import (
    PostgresTemplate,
    fresh_sqlite,
    in_ci,
    migrate_sqlite_template,
    postgres_problem,
    postgres_url,
)

ENGINES = ["sqlite", "postgresql"] if postgres_url() or in_ci() else ["sqlite"]
_PG_PROBLEM: list[str | None] = []


def pytest_configure(config: pytest.Config) -> None:
    if in_ci():
        problem = postgres_problem()
        if problem is not None:
            raise pytest.UsageError(f"CI=true needs PostgreSQL for the test suite: {problem}")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrate_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate | None]:
    url = postgres_url()
    template = PostgresTemplate(url) if url else None
    yield template
    if template is not None:
        template.drop_all()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql" and not in_ci():
        if not _PG_PROBLEM:
            _PG_PROBLEM.append(postgres_problem())
        if _PG_PROBLEM[0] is not None:
            pytest.skip(f"PostgreSQL not available: {_PG_PROBLEM[0]}")
    return name


@pytest.fixture
def make_database_url(
    engine: str,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: PostgresTemplate | None,
) -> Callable[[str], str]:
    """A fresh, migrated, empty (but for the default board) database per name."""

    def make(name: str = "") -> str:
        if engine == "sqlite":
            return fresh_sqlite(
                sqlite_template, tmp_path, f"treehole{('-' + name) if name else ''}.db"
            )
        assert postgres_template is not None
        return postgres_template.prepare(name)

    return make


@pytest.fixture
def database_url(make_database_url: Callable[[str], str]) -> str:
    return make_database_url("")


def make_settings(database_url: str, data_dir: Path, **overrides: str) -> Settings:
    env = {
        "TREEHOLE_BASE_URL": "http://treehole.test",
        "TREEHOLE_DATA_DIR": str(data_dir),
        "TREEHOLE_DATABASE_URL": database_url,
        "TREEHOLE_PUBLISH_DELAY_MAX": "0",
        "TREEHOLE_KEYPOOL_SIZE": "2",
        "TREEHOLE_ALLOW_LOOPBACK": "1",
        **overrides,
    }
    return load_settings(env)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data")


@pytest.fixture
async def instance(settings: Settings) -> AsyncIterator[RunningApp]:
    async with running_app(settings) as running:
        yield running
