"""``DISCORD_SHARDS=auto``: an AutoShardedClient, with the shard count from ``GET /gateway/bot``.

By default (``off``) the bot is a plain Client, which never asks for ``/gateway/bot``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from adapters.discord.client import EcouteClient, ShardedEcouteClient, new_client
from bot.bootstrap import Core, open_core
from bot.errors import ConfigError
from bot.settings import Settings, load_settings
from tests.discord.driver import current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member

CHANNEL_MESSAGE = 4


def gateway_bot_calls(fake: FakeDiscord) -> int:
    return sum(1 for r in fake.requests if (r.method, r.path) == ("GET", "/gateway/bot"))


@pytest.fixture
async def sharded(settings: Settings) -> AsyncIterator[Core]:
    opened = await open_core(dataclasses.replace(settings, discord_shards="auto"))
    yield opened
    await opened.close()


async def test_auto_shards_start_and_answer_an_interaction(
    sharded: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(sharded, fake) as client:
        assert isinstance(client, discord.AutoShardedClient)
        assert client.shard_count == 1
        assert gateway_bot_calls(fake) == 1
        (identify,) = fake.gateway.identify_payloads
        assert identify["shard"] == [0, 1]
        started = await alice.slash("start")
        assert started.first_type == CHANNEL_MESSAGE
        assert current_question(fake, started.original or 0) == "business_model"
        clicked = await alice.click(started.original or 0, "ec:a:en:111:business_model:b2c")
        assert clicked.settled
        assert current_question(fake, started.original or 0) == "buyers"


async def test_by_default_one_plain_client_and_no_gateway_lookup(
    core: Core, fake: FakeDiscord
) -> None:
    async with running(core, fake) as client:
        assert not isinstance(client, discord.AutoShardedClient)
        started = await Member(fake, 111, "alice").slash("start")
        assert started.first_type == CHANNEL_MESSAGE
    assert gateway_bot_calls(fake) == 0
    assert "shard" not in fake.gateway.identify_payloads[0]


def test_the_setting_picks_the_client_class(sharded: Core, core: Core) -> None:
    assert type(new_client(sharded)) is ShardedEcouteClient
    assert type(new_client(core)) is EcouteClient


@pytest.mark.parametrize(
    ("value", "expected"), [("auto", "auto"), ("AUTO", "auto"), ("off", "off"), ("", "off")]
)
def test_discord_shards_values(tmp_path: Path, value: str, expected: str) -> None:
    assert load_settings({"DISCORD_SHARDS": value}, tmp_path / ".env").discord_shards == expected


def test_discord_shards_defaults_to_off(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path / ".env").discord_shards == "off"


@pytest.mark.parametrize("value", ["4", "yes", "on", "automatic"])
def test_an_invalid_discord_shards_is_refused_with_what_to_set(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"DISCORD_SHARDS": value}, tmp_path / ".env")
    message = str(refused.value)
    assert message.startswith("DISCORD_SHARDS must be auto")
    assert "off" in message
    assert repr(value) in message


async def test_a_malformed_event_does_not_end_a_sharded_client(
    sharded: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(sharded, fake) as client:
        broken = alice.slash_payload("start")
        del broken["token"]
        await fake.gateway.dispatch("INTERACTION_CREATE", broken)
        started = await alice.slash("start")
        assert started.first_type == CHANNEL_MESSAGE
        assert not client.is_closed()
