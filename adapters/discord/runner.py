"""``adapters.discord.runner.run``: the Discord bot inside ``ecoute run`` / ``ecoute discord``."""

from __future__ import annotations

import discord

from adapters.discord.client import configure_endpoints, new_client
from bot.bootstrap import Core
from bot.errors import ConfigError

HOW_TO_CONNECT = (
    "DISCORD_TOKEN is not set. Create an application at https://discord.com/developers/"
    "applications, open Bot > Reset Token, and put the token in DISCORD_TOKEN (in .env or "
    "the environment)."
)


async def run(core: Core) -> None:
    """Run the bot until cancelled; raises ConfigError when Discord refuses the token."""
    settings = core.settings
    if not settings.discord_token:
        raise ConfigError(HOW_TO_CONNECT)
    configure_endpoints(settings)
    client = new_client(core)
    try:
        async with client:
            await client.start(settings.discord_token)
    except discord.LoginFailure as exc:
        raise ConfigError(
            "Discord refused DISCORD_TOKEN: copy the bot token again from the developer "
            f"portal (Bot > Reset Token). ({exc})"
        ) from exc
