"""Run every configured platform in one process (``ecoute run`` / ``make run``)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from bot.app import open_core
from bot.settings import Settings


async def run_platforms(settings: Settings) -> None:
    """Slack and/or Discord, as their tokens say, sharing one database; until cancelled."""
    core = await open_core(settings)
    jobs: list[Coroutine[Any, Any, None]] = []
    try:
        if settings.slack_configured:
            from adapters.slack.runner import run as run_slack

            jobs.append(run_slack(core))
        if settings.discord_configured:
            from adapters.discord.runner import run as run_discord

            jobs.append(run_discord(core))
        await asyncio.gather(*jobs)
    finally:
        await core.close()
