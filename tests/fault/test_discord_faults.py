"""The gateway connection dropped mid-interview: discord.py reconnects and the interview goes on.

The real écoute client runs against ``tests/discord``'s fake Discord with a gateway that can
drop the connection (:mod:`tests.fault.discord_gateway`). Three ways back: RESUME (what the
bot missed is replayed), RESUME refused (the bot IDENTIFYs again), and a click made while the
bot was away (delivered on RESUME, still answered in time).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import adapters.discord  # noqa: F401  (first: silences discord.py's audioop warning)
from bot.app import Core, open_core
from bot.events import ConversationKey
from bot.settings import Settings
from tests.cases import BURRITO
from tests.discord.driver import answer_all, current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import assert_sent_well, running
from tests.discord.members import Member, find
from tests.discord.wire import GUILD_ID
from tests.fault.discord_gateway import ResumableGateway

TOKEN = "OTAwMDAwMDAwMDAwMDAwMDAx.fake.token"
ALICE = 111
KEY = ConversationKey("discord", str(GUILD_ID), str(ALICE))
WITHIN = 15.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    server.gateway = ResumableGateway(server._notify, lambda: server.gateway_url)
    await server.start()
    yield server
    await server.close()
    assert_sent_well(server)  # one answer per interaction, in time, pinging no one


@pytest.fixture
def gateway(fake: FakeDiscord) -> ResumableGateway:
    assert isinstance(fake.gateway, ResumableGateway)
    return fake.gateway


@pytest.fixture(autouse=True)
def _restore_endpoints() -> Iterator[None]:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    base, default = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, default


@pytest.fixture
async def core(tmp_path: Path, fake: FakeDiscord) -> AsyncIterator[Core]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/ecoute.db",
        discord_token=TOKEN,
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
    )
    opened = await open_core(settings)
    yield opened
    await opened.close()


async def reconnected(fake: FakeDiscord, gateway: ResumableGateway) -> None:
    """Wait until the bot holds a gateway connection again."""
    await fake.until(lambda: bool(gateway.sockets), WITHIN)


async def finish(alice: Member, fake: FakeDiscord, message_id: int, core: Core) -> None:
    """Answer the rest, confirm the review, and check every answer is stored."""
    await answer_all(alice, message_id, BURRITO)
    assert current_question(fake, message_id) is None
    confirm = find(fake.messages[message_id], "ec:k:")
    await alice.click(message_id, confirm["custom_id"])
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.phase == "verdict"
    assert stored.answers["audience"] == BURRITO["audience"]
    assert stored.answers["effort_hours"] == 15
    assert len(stored.answers) == len(BURRITO)


async def test_dropped_gateway_resumes_and_interview_goes_on(
    core: Core, fake: FakeDiscord, gateway: ResumableGateway
) -> None:
    alice = Member(fake, ALICE, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO, stop_at="audience")
        await gateway.drop(4000)
        await reconnected(fake, gateway)
        assert len(gateway.resumes) == 1
        assert gateway.resumes[0]["session_id"].startswith("session")
        assert gateway.identified == 1  # resumed: no new session
        await finish(alice, fake, message_id, core)


async def test_refused_resume_identifies_again_and_interview_goes_on(
    core: Core, fake: FakeDiscord, gateway: ResumableGateway
) -> None:
    alice = Member(fake, ALICE, "alice")
    gateway.refuse_resume = True
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO, stop_at="platforms")
        await gateway.drop(1001)
        await fake.until(lambda: gateway.identified == 2, WITHIN)
        assert gateway.resumes, "the bot should try to RESUME first"
        await finish(alice, fake, message_id, core)


async def test_click_made_while_the_bot_was_away_is_answered_on_resume(
    core: Core, fake: FakeDiscord, gateway: ResumableGateway
) -> None:
    alice = Member(fake, ALICE, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await gateway.drop(4000)
        payload = alice.click_payload(message_id, "ec:a:en:111:business_model:b2c")
        record = await fake.send_interaction(payload)  # queued by Discord for the session
        await alice.settle(record, WITHIN)
        assert current_question(fake, message_id) == "buyers"
        assert len(gateway.resumes) == 1
        await finish(alice, fake, message_id, core)


async def test_many_drops_during_one_interview_and_no_token_in_the_logs(
    core: Core, fake: FakeDiscord, gateway: ResumableGateway, caplog: pytest.LogCaptureFixture
) -> None:
    alice = Member(fake, ALICE, "alice")
    caplog.set_level(logging.DEBUG)  # everything discord.py and écoute log, gateway frames too
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        for stop in ("buyers", "audience", "platforms", "hooks", "effort_hours", "honesty"):
            await answer_all(alice, message_id, BURRITO, stop_at=stop)
            await gateway.drop(4000 if stop != "hooks" else 1000)
            await reconnected(fake, gateway)
        await finish(alice, fake, message_id, core)
    assert (gateway.drops, len(gateway.resumes), gateway.identified) == (6, 6, 1)
    assert "RESUME" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.split(".")[0] not in caplog.text
