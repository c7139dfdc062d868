"""Looking at the database directly, past the store, with SQLAlchemy (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.settings import normalize_database_url


async def fetch(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one query, read on a connection of its own."""
    engine = create_async_engine(normalize_database_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(sql), params)).all()]
    finally:
        await engine.dispose()


async def count(url: str, table: str, where: str = "1 = 1", **params: Any) -> int:
    rows = await fetch(url, f"SELECT count(*) FROM {table} WHERE {where}", **params)  # noqa: S608
    return int(rows[0][0])


TABLES = {
    "conversations",
    "answers",
    "processed_events",
    "discord_command_sync",
    "inbox",
    "rounds",
    "round_participants",
    "polls",
    "poll_votes",
    "jobs",
    "alembic_version",
}
"""The tables the migrations create, besides Slack's."""
SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


async def table_names(url: str) -> set[str]:
    """The tables of the database (SQLite's own bookkeeping table left out)."""
    if url.startswith("sqlite"):
        found = await fetch(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        found = await fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {str(name) for (name,) in found} - {"sqlite_sequence"}
