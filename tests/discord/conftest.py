"""Fixtures: a fake Discord on 127.0.0.1 and a core on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import adapters.discord  # noqa: F401  (first: silences discord.py's audioop warning)
from bot.bootstrap import Core, open_core
from bot.settings import Settings
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import assert_sent_well

TOKEN = "OTAwMDAwMDAwMDAwMDAwMDAx.fake.token"  # base64 of the fake application id


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord; after the test, checks everything the bot sent to it."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()
    assert_sent_well(server)


@pytest.fixture(autouse=True)
def _restore_endpoints() -> Iterator[None]:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
def settings(tmp_path: Path, fake: FakeDiscord) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/ecoute.db",
        discord_token=TOKEN,
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
    )


@pytest.fixture
async def core(settings: Settings) -> AsyncIterator[Core]:
    opened = await open_core(settings)
    yield opened
    await opened.close()
