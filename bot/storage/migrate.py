"""Alembic driven from code (no ``alembic.ini``): bring a database to the head revision.

Imported only when an existing database's schema must change or for ``ecoute db``, so that a
start on an up-to-date database does not pay for loading Alembic; a brand-new SQLite file gets
the head schema from ``bot.storage.sqlite.head`` instead. The revisions live in ``migrations/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.errors import ConfigError
from bot.settings import normalize_database_url
from bot.store import StoreUnavailable

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
"""Beside ``bot/`` in a checkout and, as package data, in an installed wheel."""
LOCK_KEY = 4242424242
"""The PostgreSQL advisory lock held while migrating."""


def alembic_config(url: str) -> Config:
    """The Alembic configuration for ``url`` (``script_location`` = ``migrations/``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision in ``migrations/versions``."""
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None
    return head


def migration_engine(url: str, *, busy_timeout: float = 5.0) -> AsyncEngine:
    """An engine without a pool. On SQLite every transaction starts with ``BEGIN IMMEDIATE``
    (the driver's own transaction handling is switched off), so two processes migrating at
    once take turns instead of failing, and DDL is transactional."""
    url = normalize_database_url(url)
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"timeout": busy_timeout})
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _autocommit(dbapi_connection: Any, _record: object) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def upgrade(url: str, revision: str = "head", *, busy_timeout: float = 5.0) -> None:
    """Apply the migrations up to ``revision``, in one transaction.

    Raises :class:`ConfigError` when the database is at a revision this code does not know
    (a newer écoute wrote it) and :class:`StoreUnavailable` when it cannot be reached.
    """
    config = alembic_config(url)
    engine = migration_engine(url, busy_timeout=busy_timeout)
    try:
        async with engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE, one migrator at a time
            if conn.dialect.name == "postgresql":
                # Before Alembic, whose context is global to the process: the second of two
                # concurrent upgrades (two processes, or two tasks) waits, then has nothing to do.
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            await conn.run_sync(_upgrade, config, revision)
    except CommandError as exc:
        raise ConfigError(f"database migrations: {exc}") from exc
    except (DBAPIError, OSError, TimeoutError) as exc:
        raise StoreUnavailable(f"database migrations: {exc}") from exc
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def current(url: str, *, busy_timeout: float = 5.0) -> str | None:
    """The database's revision, ``None`` for an empty database."""
    engine = migration_engine(url, busy_timeout=busy_timeout)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    except (DBAPIError, OSError, TimeoutError) as exc:
        raise StoreUnavailable(f"database: {exc}") from exc
    finally:
        await engine.dispose()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
