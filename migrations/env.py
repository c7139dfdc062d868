"""Alembic's entry point: runs the revisions in ``versions/`` on an async engine.

``bot.storage.migrate`` passes an open connection in ``config.attributes["connection"]`` (the normal
path: ``ecoute db upgrade`` and every start). Without one — the ``alembic`` command line with
an ini file naming ``sqlalchemy.url`` — it opens its own engine (aiosqlite or asyncpg).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.storage.migrate import LOCK_KEY, migration_engine
from bot.storage.tables import metadata

config = context.config


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Slack's OAuth tables are slack_sdk's, not in ``bot.storage.tables``: autogenerate leaves them
    alone (revision 0002 freezes them; a test compares it with slack_sdk's own declaration)."""
    return not (type_ == "table" and (name or "").startswith("slack_"))


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes starting at once: the second waits, then finds nothing to do
            # (bot.storage.migrate takes it first; taking it again in the same session is a no-op).
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = migration_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run_on)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    run_on(shared)
else:
    asyncio.run(run_with_own_engine(config.get_main_option("sqlalchemy.url") or ""))
