"""The first response within 3 s, exactly once, even when the database is slow or down."""

from __future__ import annotations

import dataclasses

import pytest

from bot.bootstrap import Core
from tests.discord.driver import current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member
from tests.fakes import GatedStore

CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
EPHEMERAL = 64


async def test_a_slow_database_gets_a_deferral_first_then_the_reply(
    core: Core, fake: FakeDiscord
) -> None:
    store = GatedStore(core.store)
    slow_core = dataclasses.replace(core, store=store)
    alice = Member(fake, 111, "alice")
    async with running(slow_core, fake, budget=0.05):
        store.hold()
        command = await fake.send_interaction(alice.slash_payload("start"))
        await fake.until(lambda: command.first_type is not None)
        kind, data, _ = command.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (DEFERRED_MESSAGE, EPHEMERAL)
        assert store.held == 1  # the turn was still held up when the deferral went out
        store.release()
        await alice.settle(command)
        assert command.edits == 1
        message_id = command.original
        assert message_id is not None
        assert current_question(fake, message_id) == "business_model"

        store.hold()
        click = await fake.send_interaction(
            alice.click_payload(message_id, "ec:a:en:111:business_model:b2b")
        )
        await fake.until(lambda: click.first_type is not None)
        assert click.first_type == DEFERRED_UPDATE
        store.release()
        await alice.settle(click)
        assert click.edits == 1
        assert current_question(fake, message_id) == "buyers"
    for record in fake.interactions.values():
        assert len(record.responses) == 1
        assert record.refused == []
        assert record.responses[0][2] - record.sent_at < 3.0


async def test_a_database_outage_says_try_again_and_leaves_the_question(
    core: Core, fake: FakeDiscord
) -> None:
    store = GatedStore(core.store)
    alice = Member(fake, 111, "alice", locale="fr")
    async with running(dataclasses.replace(core, store=store), fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        before = dict(fake.messages[message_id])

        store.down = True
        click = await alice.click(message_id, "ec:a:fr:111:business_model:b2b")
        kind, data, _ = click.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
        assert data["content"].startswith("Désolé")
        assert fake.messages[message_id] == before
        command = await alice.slash("start")
        assert command.responses[0][1]["content"].startswith("Désolé")

        store.down = False
        again = await alice.click(message_id, "ec:a:fr:111:business_model:b2b")
        assert again.first_type == UPDATE_MESSAGE
        assert current_question(fake, message_id) == "buyers"


async def test_an_unexpected_error_still_gets_an_answer(
    core: Core, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    store = GatedStore(core.store)
    alice = Member(fake, 111, "alice")
    async with running(dataclasses.replace(core, store=store), fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        store.broken = True
        click = await alice.click(message_id, "ec:a:en:111:business_model:b2b")
        kind, data, _ = click.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
        assert data["content"].startswith("Something went wrong")
        assert current_question(fake, message_id) == "business_model"
    assert "a bug the adapter did not expect" in caplog.text
