"""``ecoute run`` with Discord configured: what Discord sends cannot end it; a refused token
does, with its message."""

from __future__ import annotations

import asyncio

import pytest

from adapters.cli.run import run_platforms
from bot.errors import ConfigError
from bot.settings import Settings
from tests.discord.fake_discord import FakeDiscord
from tests.discord.members import Member

CHANNEL_MESSAGE = 4


async def test_a_malformed_event_does_not_end_ecoute_run(
    settings: Settings, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    serving = asyncio.create_task(run_platforms(settings))
    try:
        await fake.until(lambda: fake.identified == 1)
        broken = alice.slash_payload("start")
        del broken["member"]["user"]
        await fake.gateway.dispatch("INTERACTION_CREATE", broken)
        started = await alice.slash("start")
        assert started.first_type == CHANNEL_MESSAGE
        assert not serving.done()
        assert fake.identified == 1  # the same connection: nothing was restarted
    finally:
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(serving, 10)
    await fake.until(lambda: not fake.sockets)


async def test_a_refused_token_stops_ecoute_run_with_its_message(
    settings: Settings, fake: FakeDiscord
) -> None:
    fake.refuse_token = True
    with pytest.raises(ConfigError, match="Discord refused DISCORD_TOKEN"):
        await asyncio.wait_for(run_platforms(settings), 10)
