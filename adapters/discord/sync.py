"""Slash command registration, only when the commands changed.

Discord allows 200 command creations a day per guild, and a global sync takes a while to
spread, so the bot hashes the exact payload it would send and syncs only when that hash
differs from the one stored in the database (table ``discord_command_sync``, one row per
scope: ``global`` or ``guild:<id>``, created by the migrations like every other table).
``ecoute discord sync`` forces it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage.tables import discord_command_sync as command_sync

log = logging.getLogger(__name__)


async def command_payload(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None = None
) -> list[dict[str, Any]]:
    """Exactly what ``tree.sync(guild=guild)`` sends, translations included."""
    commands = tree.get_commands(guild=guild)
    translator = tree.translator
    if translator is None:
        return [command.to_dict(tree) for command in commands]
    return [await command.get_translated_payload(tree, translator) for command in commands]


def payload_hash(payload: list[dict[str, Any]]) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def scope_of(guild: discord.abc.Snowflake | None) -> str:
    return "global" if guild is None else f"guild:{guild.id}"


class SyncLedger:
    """The stored hashes, on the same database as the conversations (already migrated:
    ``open_core`` brings the schema up to date before any adapter runs)."""

    def __init__(self, database_url: str) -> None:
        connect_args = {"timeout": 5} if database_url.startswith("sqlite") else {}
        self.engine: AsyncEngine = create_async_engine(database_url, connect_args=connect_args)

    async def stored(self, scope: str) -> str | None:
        async with self.engine.connect() as conn:
            row = await conn.execute(
                select(command_sync.c.hash).where(command_sync.c.scope == scope)
            )
            return row.scalar_one_or_none()

    async def record(self, scope: str, digest: str) -> None:
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            done = await conn.execute(
                update(command_sync)
                .where(command_sync.c.scope == scope)
                .values(hash=digest, synced_at=now)
            )
            if done.rowcount == 0:
                await conn.execute(
                    command_sync.insert().values(scope=scope, hash=digest, synced_at=now)
                )

    async def close(self) -> None:
        await self.engine.dispose()


async def sync_commands(
    tree: app_commands.CommandTree[Any],
    ledger: SyncLedger,
    guild: discord.abc.Snowflake | None = None,
    *,
    force: bool = False,
) -> bool:
    """Sync the commands of one scope if their payload changed (or ``force``); True if synced.

    For a guild, the global commands are copied to it first (instant, for development).
    """
    if guild is not None:
        tree.copy_global_to(guild=guild)
    scope = scope_of(guild)
    digest = payload_hash(await command_payload(tree, guild))
    if not force and await ledger.stored(scope) == digest:
        log.info("slash commands unchanged (%s): no sync", scope)
        return False
    await tree.sync(guild=guild)
    await ledger.record(scope, digest)
    log.info("slash commands synced (%s)", scope)
    return True


async def clear_commands(
    tree: app_commands.CommandTree[Any], ledger: SyncLedger, guild: discord.abc.Snowflake
) -> None:
    """Remove every command from one guild (after a development ``sync --guild``)."""
    tree.clear_commands(guild=guild)
    await tree.sync(guild=guild)
    await ledger.record(scope_of(guild), payload_hash([]))
    log.info("slash commands removed (%s)", scope_of(guild))
