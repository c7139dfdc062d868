"""Alembic migrations and ``ecoute db``, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from adapters.cli import db
from bot.errors import ConfigError
from bot.settings import DEFAULT_DATABASE_URL, load_settings
from bot.storage import SCHEMA_REVISION, open_store, sqlite_path
from bot.storage.migrate import alembic_config, head_revision, migration_engine, upgrade
from bot.storage.tables import metadata
from tests.integration.rows import SLACK_TABLES, TABLES, fetch, table_names

ROOT = Path(__file__).resolve().parents[2]


def test_the_code_expects_the_newest_revision() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_db_upgrade_on_an_empty_database_twice(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert db.main(["current", "--url", empty_db_url]) == 0
    assert capsys.readouterr().out == "none (empty database)\n"
    assert db.main(["upgrade", "--url", empty_db_url]) == 0
    assert db.main(["upgrade", "--url", empty_db_url]) == 0  # nothing left to do
    assert capsys.readouterr().out.count(f"at revision {SCHEMA_REVISION}") == 2
    assert db.main(["current", "--url", empty_db_url]) == 0
    assert capsys.readouterr().out == f"{SCHEMA_REVISION}\n"
    assert asyncio.run(table_names(empty_db_url)) == TABLES | SLACK_TABLES


def test_db_reports_bad_usage_and_unreachable_databases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert db.main(["sideways"]) == 2
    assert db.main(["current", "--url", "postgres://nobody@127.0.0.1:1/none"]) == 1
    assert "cannot reach the database" in capsys.readouterr().err


def test_ecoute_db_upgrade_is_the_default_database_in_data(tmp_path: Path) -> None:
    script = "import sys; from adapters.cli.db import main; sys.exit(main(sys.argv[1:]))"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "ecoute.db").is_file()


async def test_the_migrated_schema_is_the_one_the_code_declares(db_url: str) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _: (
                    not (kind == "table" and (name or "").startswith("slack_"))
                ),
            },
        )
        return list(compare_metadata(context, metadata))

    engine = migration_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


async def test_downgrade_to_nothing_then_up_again(db_url: str) -> None:
    def downgrade(connection: Connection) -> None:
        config = alembic_config(db_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    engine = migration_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
    finally:
        await engine.dispose()
    assert await table_names(db_url) == {"alembic_version"}
    await upgrade(db_url)
    assert await table_names(db_url) == TABLES | SLACK_TABLES


async def test_two_processes_upgrading_at_once_take_turns(empty_db_url: str) -> None:
    path = sqlite_path(empty_db_url)
    if path is not None:
        path.parent.mkdir(parents=True)
    await asyncio.gather(upgrade(empty_db_url), upgrade(empty_db_url))
    assert await fetch(empty_db_url, "SELECT version_num FROM alembic_version") == [
        (SCHEMA_REVISION,)
    ]


async def test_open_store_creates_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = await open_store(DEFAULT_DATABASE_URL)
    try:
        assert await store.ping()
    finally:
        await store.close()
    assert (tmp_path / "data" / "ecoute.db").is_file()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_database_from_a_newer_version_refuses_to_start(db_url: str) -> None:
    path = sqlite_path(db_url)
    assert path is not None
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(ConfigError, match="9999_from_the_future"):
        await open_store(db_url)


async def test_heroku_postgres_url_is_rewritten_and_works(pg_url: str) -> None:
    heroku = pg_url.replace("postgresql+asyncpg://", "postgres://")
    settings = load_settings({"DATABASE_URL": heroku}, dotenv=None)
    assert settings.database_url == pg_url
    store = await open_store(heroku)
    try:
        assert await store.ping()
    finally:
        await store.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_start_on_a_current_sqlite_database_loads_neither_alembic_nor_sqlalchemy(
    db_url: str,
) -> None:
    script = (
        "import asyncio, sys\n"
        "from bot.storage import open_store\n"
        "async def main():\n"
        "    await (await open_store(sys.argv[1])).close()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in ('alembic', 'sqlalchemy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, db_url], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
