"""Faults on the gateway: dropped connections, malformed events.

The real écoute client runs against ``tests/discord``'s fake Discord with a gateway that can
drop the connection (:mod:`tests.fault.discord_gateway`). Three ways back: RESUME (what the
bot missed is replayed), RESUME refused (the bot IDENTIFYs again), and a click made while the
bot was away (delivered on RESUME, still answered in time). And events Discord sends
malformed are dropped with one log line: the bot keeps answering the next interactions; so
are malformed frames, without the connection (or its session) being lost.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import adapters.discord  # noqa: F401  (first: silences discord.py's audioop warning)
from bot.bootstrap import Core, open_core
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


def without(*path: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A copy of a payload with the key at ``path`` removed."""

    def malform(payload: dict[str, Any]) -> dict[str, Any]:
        broken = copy.deepcopy(payload)
        inner = broken
        for key in path[:-1]:
            inner = inner[key]
        del inner[path[-1]]
        return broken

    return malform


def with_null(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda payload: {**payload, key: None}


MALFORMED_CLICKS = {
    "a click without data": without("data"),
    "a click whose data is null": with_null("data"),
    "a click without token": without("token"),
    "a click by a member without user": without("member", "user"),
}
MALFORMED_COMMANDS = {
    "a command without token": without("token"),
    "a command by a member without user": without("member", "user"),
    "a command without id": without("id"),
}


@pytest.mark.parametrize("malform", MALFORMED_CLICKS.values(), ids=list(MALFORMED_CLICKS))
async def test_a_malformed_click_is_dropped_and_the_next_one_is_answered(
    core: Core,
    fake: FakeDiscord,
    gateway: ResumableGateway,
    caplog: pytest.LogCaptureFixture,
    malform: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    alice = Member(fake, ALICE, "alice")
    caplog.set_level(logging.INFO)
    async with running(core, fake) as client:
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        click = alice.click_payload(message_id, "ec:a:en:111:business_model:b2c")
        await gateway.dispatch("INTERACTION_CREATE", malform(click))
        await alice.click(message_id, "ec:a:en:111:business_model:b2b")
        assert current_question(fake, message_id) == "buyers"
        assert not client.is_closed()
    assert_dropped_once(caplog, click)


@pytest.mark.parametrize("malform", MALFORMED_COMMANDS.values(), ids=list(MALFORMED_COMMANDS))
async def test_a_malformed_command_is_dropped_and_the_next_one_is_answered(
    core: Core,
    fake: FakeDiscord,
    gateway: ResumableGateway,
    caplog: pytest.LogCaptureFixture,
    malform: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    alice = Member(fake, ALICE, "alice")
    caplog.set_level(logging.INFO)
    async with running(core, fake) as client:
        command = alice.slash_payload("start")
        await gateway.dispatch("INTERACTION_CREATE", malform(command))
        started = await alice.slash("start")
        assert current_question(fake, started.original or 0) == "business_model"
        assert not client.is_closed()
    assert_dropped_once(caplog, command)


async def test_any_malformed_gateway_event_is_dropped(
    core: Core, fake: FakeDiscord, gateway: ResumableGateway, caplog: pytest.LogCaptureFixture
) -> None:
    alice = Member(fake, ALICE, "alice")
    caplog.set_level(logging.INFO)
    async with running(core, fake) as client:
        await gateway.dispatch("GUILD_CREATE", {"name": "no id"})
        await gateway.dispatch("CHANNEL_CREATE", {"type": 0, "guild_id": "not a number"})
        await gateway.dispatch("INTERACTION_CREATE", "not even an object")
        started = await alice.slash("start")
        assert current_question(fake, started.original or 0) == "business_model"
        assert not client.is_closed()
    dropped = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert [r.getMessage().split()[3] for r in dropped] == [
        "GUILD_CREATE",
        "CHANNEL_CREATE",
        "INTERACTION_CREATE",
    ]


def assert_dropped_once(caplog: pytest.LogCaptureFixture, payload: dict[str, Any]) -> None:
    """One warning line for the malformed event, with no traceback and no token."""
    dropped = [r for r in caplog.records if "malformed INTERACTION_CREATE" in r.getMessage()]
    assert len(dropped) == 1, caplog.text
    (record,) = dropped
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "\n" not in record.getMessage()
    assert payload["token"] not in caplog.text
    assert TOKEN not in caplog.text


MALFORMED_FRAMES = {
    "text that is not JSON": lambda seq: "this is not json {",
    "a JSON array": lambda seq: "[1, 2, 3]",
    "a JSON number": lambda seq: "42",
    "a HELLO without heartbeat_interval": lambda seq: json.dumps({"op": 10, "d": {}}),
    "a READY without session_id": lambda seq: json.dumps(
        {"op": 0, "t": "READY", "s": seq, "d": {"v": 10}}
    ),
    "a RESUMED whose data is text": lambda seq: json.dumps(
        {"op": 0, "t": "RESUMED", "s": seq, "d": "x"}
    ),
}


@pytest.mark.parametrize("frame", MALFORMED_FRAMES.values(), ids=list(MALFORMED_FRAMES))
async def test_a_malformed_frame_is_dropped_and_the_session_kept(
    core: Core,
    fake: FakeDiscord,
    gateway: ResumableGateway,
    caplog: pytest.LogCaptureFixture,
    frame: Callable[[int], str],
) -> None:
    alice = Member(fake, ALICE, "alice")
    caplog.set_level(logging.INFO)
    async with running(core, fake) as client:
        started = await alice.slash("start")
        message_id = started.original or 0
        await gateway.send_raw(frame(gateway.sequence))
        await alice.click(message_id, "ec:a:en:111:business_model:b2b")  # on the same connection
        assert current_question(fake, message_id) == "buyers"
        assert (gateway.identified, gateway.resumes, gateway.drops) == (1, [], 0)
        assert not client.is_closed()
    dropped = [r for r in caplog.records if "malformed gateway frame" in r.getMessage()]
    assert len(dropped) == 1, caplog.text
    assert dropped[0].levelno == logging.WARNING
    assert dropped[0].exc_info is None
    assert "\n" not in dropped[0].getMessage()
    assert "Attempting a reconnect" not in caplog.text
    assert TOKEN not in caplog.text
