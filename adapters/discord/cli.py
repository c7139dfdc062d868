"""``ecoute discord [invite-url | sync [--guild ID]]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import discord

from adapters.discord.client import EcouteClient, application_id, configure_endpoints
from adapters.discord.runner import HOW_TO_CONNECT, run
from adapters.discord.sync import SyncLedger, clear_commands, sync_commands
from bot.bootstrap import Core, open_core
from bot.errors import ConfigError
from bot.settings import Settings, load_settings

SCOPES = ("bot", "applications.commands")
PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)
"""The interview only answers interactions, which needs no permission; a team round's live
message and report (an embed with its chart attached) and a listening poll are posted in the
channel by the bot, which needs these four."""

NO_APPLICATION_ID = (
    "DISCORD_APPLICATION_ID is not set (and DISCORD_TOKEN does not give it): copy the "
    "Application ID from the developer portal (General Information) into DISCORD_APPLICATION_ID."
)


def invite_url(settings: Settings) -> str:
    """The install link: both scopes, no permission."""
    app_id = application_id(settings)
    if app_id is None:
        raise ConfigError(NO_APPLICATION_ID)
    return discord.utils.oauth_url(app_id, permissions=PERMISSIONS, scopes=SCOPES)


def main(argv: list[str]) -> int:
    """Run the bot, print the invite link, or sync the slash commands."""
    parser = argparse.ArgumentParser(
        prog="ecoute discord", description="The écoute Discord bot (no command: run it)."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("invite-url", help="print the link that adds écoute to a server")
    sync = commands.add_parser("sync", help="register the slash commands now")
    sync.add_argument("--guild", type=int, help="a server id: instant, for development")
    sync.add_argument(
        "--clear", action="store_true", help="with --guild: remove écoute's commands there"
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=getattr(logging, settings.log_level, logging.INFO),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if args.command == "invite-url":
            print(invite_url(settings))
            return 0
        if not settings.discord_token:
            raise ConfigError(HOW_TO_CONNECT)
        if args.command == "sync":
            if args.clear and args.guild is None:
                parser.error("--clear needs --guild")
            return asyncio.run(_sync(settings, args.guild, clear=args.clear))
        asyncio.run(_serve(settings))
        return 0
    except ConfigError as exc:
        print(f"ecoute discord: cannot start:\n{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _serve(settings: Settings) -> None:
    """The bot alone, restarted with back-off if it fails (as under ``ecoute run``)."""
    from adapters.cli.run import supervise

    core = await open_core(settings)
    try:
        await supervise("discord", lambda: run(core))
    finally:
        await core.close()


async def _sync(settings: Settings, guild_id: int | None, *, clear: bool = False) -> int:
    configure_endpoints(settings)
    core = await open_core(settings)
    try:
        return await sync_now(core, guild_id, clear=clear)
    finally:
        await core.close()


async def sync_now(core: Core, guild_id: int | None, *, clear: bool = False) -> int:
    """Log in (no gateway), sync the commands of one scope whatever the stored hash says;
    ``clear`` removes them from that guild instead."""
    client = EcouteClient(core, auto_sync=False)
    ledger = SyncLedger(core.settings.database_url)
    guild = None if guild_id is None else discord.Object(guild_id)
    try:
        async with client:
            await client.login(core.settings.discord_token)
            if clear and guild is not None:
                await clear_commands(client.tree, ledger, guild)
            else:
                await sync_commands(client.tree, ledger, guild, force=True)
    except discord.LoginFailure as exc:
        raise ConfigError(f"Discord refused DISCORD_TOKEN ({exc}).") from exc
    finally:
        await ledger.close()
    if clear:
        print(f"/ecoute removed from {guild_id}.")
        return 0
    where = "globally (may take up to an hour to show)" if guild is None else f"in {guild_id}"
    print(f"/ecoute synced {where}.")
    return 0
