"""The platforms' tables in the migrations: Slack's OAuth tables (frozen copies of slack_sdk's
declarations, usable by slack_sdk's own stores) and Discord's command-sync table."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from bot.storage import SCHEMA_REVISION, sqlite_path
from bot.storage.migrate import migration_engine, upgrade
from tests.integration.rows import SLACK_TABLES, TABLES, fetch, table_names

ROOT = Path(__file__).resolve().parents[2]


def slack_sdk_metadata() -> MetaData:
    """Slack's OAuth tables as the installed slack_sdk declares them."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    slack = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(slack, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(slack, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(slack, "slack_oauth_states")
    return slack


async def prepare(url: str) -> None:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


async def test_the_frozen_slack_tables_are_the_ones_slack_sdk_declares(db_url: str) -> None:
    """Columns, types, nullability, server defaults and indexes. If this fails after a
    slack_sdk upgrade, its tables changed: write a revision that changes them the same way."""

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": lambda name, kind, _: (
                    kind != "table" or (name or "").startswith("slack_")
                ),
            },
        )
        return list(compare_metadata(context, slack_sdk_metadata()))

    engine = migration_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


def test_running_the_slack_revision_does_not_load_slack_sdk(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "from bot.storage.migrate import upgrade\n"
        "asyncio.run(upgrade(sys.argv[1]))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('slack_sdk', 'slack_bolt')))\n"
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    done = subprocess.run(
        [sys.executable, "-c", script, url], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
    assert asyncio.run(table_names(url)) == TABLES | SLACK_TABLES


async def test_slack_tables_that_slack_sdk_created_are_kept(empty_db_url: str) -> None:
    from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
    from sqlalchemy.ext.asyncio import create_async_engine

    await prepare(empty_db_url)
    await upgrade(empty_db_url, "0001_initial")
    engine = create_async_engine(empty_db_url)
    try:
        async with engine.begin() as conn:  # what slack_sdk's create_tables() does
            await conn.run_sync(slack_sdk_metadata().create_all)
        states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
        state = await states.async_issue()
        await upgrade(empty_db_url)
        assert await states.async_consume(state)  # the row issued before is still there
    finally:
        await engine.dispose()
    assert await table_names(empty_db_url) == TABLES | SLACK_TABLES


async def test_a_command_sync_table_the_discord_adapter_made_is_kept(empty_db_url: str) -> None:
    from sqlalchemy import Column, DateTime, String, Table
    from sqlalchemy.ext.asyncio import create_async_engine

    await prepare(empty_db_url)
    await upgrade(empty_db_url, "0002_slack_oauth")
    own = MetaData()  # how the adapter created it before revision 0003
    made = Table(
        "discord_command_sync",
        own,
        Column("scope", String(64), primary_key=True),
        Column("hash", String(64), nullable=False),
        Column("synced_at", DateTime(timezone=True), nullable=False),
    )
    engine = create_async_engine(empty_db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(own.create_all)
            await conn.execute(
                made.insert().values(scope="global", hash="a" * 64, synced_at=datetime.now(UTC))
            )
    finally:
        await engine.dispose()
    await upgrade(empty_db_url)
    rows = await fetch(empty_db_url, "SELECT scope, hash FROM discord_command_sync")
    assert rows == [("global", "a" * 64)]
    assert await fetch(empty_db_url, "SELECT version_num FROM alembic_version") == [
        (SCHEMA_REVISION,)
    ]


async def test_slack_sdk_can_use_the_slack_tables(db_url: str) -> None:
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(db_url)
    try:
        installs = AsyncSQLAlchemyInstallationStore(client_id="C1", engine=engine)
        await installs.async_save(
            Installation(app_id="A1", team_id="T1", user_id="U1", bot_token="xoxb-1",
                         bot_id="B1", bot_user_id="UB1", bot_scopes=["chat:write"])
        )  # fmt: skip
        found = await installs.async_find_installation(enterprise_id=None, team_id="T1")
        assert found is not None
        assert found.bot_token == "xoxb-1"
        states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
        state = await states.async_issue()
        assert await states.async_consume(state)
    finally:
        await engine.dispose()
