"""Components keep working after the bot restarts: their state is in their custom_id."""

from __future__ import annotations

from bot.bootstrap import Core
from bot.events import ConversationKey
from tests.cases import BURRITO
from tests.discord.driver import answer_all, current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member, find

KEY = ConversationKey("discord", "910000000000000001", "111")
UPDATE_MESSAGE = 7


async def test_a_button_clicked_after_a_restart_works(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake) as first:
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO, stop_at="buyers")
    assert first.is_closed()
    assert fake.sockets == []

    async with running(core, fake) as second:
        assert second is not first
        button = find(fake.messages[message_id], "ec:a:en:111:buyers:mass")
        clicked = await alice.click(message_id, button["custom_id"])
        assert clicked.first_type == UPDATE_MESSAGE
        assert current_question(fake, message_id) == "audience"
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.answers == {"business_model": "b2c", "buyers": "mass"}


async def test_a_modal_opened_before_a_restart_is_submitted_after_it(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO, stop_at="audience")
        opened = await alice.click(
            message_id, find(fake.messages[message_id], "ec:t:")["custom_id"]
        )
        assert opened.modal is not None

    async with running(core, fake):
        submitted = await alice.submit(opened, "Café owners in Lyon")
        assert submitted.first_type == UPDATE_MESSAGE
        assert current_question(fake, message_id) == "platforms"
        # the shared modal still listens after a submission (discord.py would stop it)
        await answer_all(alice, message_id, BURRITO, stop_at="effort_hours")
        second = await alice.click(
            message_id, find(fake.messages[message_id], "ec:t:")["custom_id"]
        )
        await alice.submit(second, "12")
        assert current_question(fake, message_id) == "owned_channels"
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.answers["audience"] == "Café owners in Lyon"
    assert stored.answers["effort_hours"] == 12
