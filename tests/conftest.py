"""Shared fixtures: real databases.

- ``pg_cluster``: one throwaway PostgreSQL server for the whole session, started here with
  ``initdb``/``pg_ctl`` on 127.0.0.1 and a free port; tests that need it are skipped, with the
  reason, where the server binaries are missing.
- ``empty_db_url``: an empty database, a SQLite file then a PostgreSQL database (parametrized).
- ``db_url``: the same, already migrated to the head revision (copied from a template that is
  migrated once per session), so that each test starts from a blank, current schema quickly.
- ``store``: an open :class:`SqlStore` on ``db_url``, closed after the test.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.storage import SqlStore, open_store
from tests import pgcluster

# One Hypothesis profile for the whole suite, set once: no deadline (a loaded machine is no
# bug), the health checks that only measure speed off, and in CI a derandomised run, so the
# suite is green every time and in any order. ``HYPOTHESIS_PROFILE=explore`` searches further.
settings.register_profile(
    "ecoute",
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=bool(os.environ.get("CI")),
    print_blob=True,
)
settings.register_profile("explore", parent=settings.get_profile("ecoute"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ecoute"))

_names = itertools.count(1)
BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def sqlite_url_of(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def migrate(url: str) -> None:
    """Bring a database to the head revision (outside the tests' event loops)."""

    async def run() -> None:
        await (await open_store(url)).close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pgcluster.PostgresCluster]:
    reason = pgcluster.missing()
    if reason is not None:
        pytest.skip(f"no PostgreSQL here: {reason}")
    with pgcluster.PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ecoute.db"
    migrate(sqlite_url_of(path))
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: pgcluster.PostgresCluster) -> str:
    pg_cluster.create_database("ecoute_template")
    migrate(pg_cluster.url("ecoute_template"))
    return "ecoute_template"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database (its folder does not exist yet)."""
    return sqlite_url_of(tmp_path / "data" / "ecoute.db")


@pytest.fixture
def pg_url(pg_cluster: pgcluster.PostgresCluster) -> Iterator[str]:
    """An empty PostgreSQL database."""
    name = f"ecoute_test_{next(_names)}"
    yield pg_cluster.create_database(name)
    pg_cluster.drop_database(name)


@pytest.fixture(params=BOTH)
def empty_db_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return url


@pytest.fixture(params=BOTH)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "migrated.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield sqlite_url_of(path)
        return
    cluster: pgcluster.PostgresCluster = request.getfixturevalue("pg_cluster")
    name = f"ecoute_test_{next(_names)}"
    yield cluster.create_database(name, template=request.getfixturevalue("pg_template"))
    cluster.drop_database(name)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SqlStore]:
    """An open store on a migrated database; closed after the test."""
    opened = await open_store(db_url)
    try:
        yield opened
    finally:
        await opened.close()
