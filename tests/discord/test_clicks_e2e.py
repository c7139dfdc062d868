"""Double clicks, stale clicks and other people's clicks change nothing they shouldn't."""

from __future__ import annotations

import copy

from bot.bootstrap import Core
from bot.events import ConversationKey
from tests.cases import BURRITO
from tests.discord.driver import answer_all, current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member, find

KEY = ConversationKey("discord", "910000000000000001", "111")
CHANNEL_MESSAGE, UPDATE_MESSAGE, EPHEMERAL = 4, 7, 64


async def test_a_double_click_records_one_answer(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        button = "ec:a:en:111:business_model:b2b"
        first = alice.click_payload(message_id, button)
        second = alice.click_payload(message_id, button)  # the same message, clicked twice
        records = [await fake.send_interaction(first), await fake.send_interaction(second)]
        for record in records:
            await alice.settle(record)
        assert [r.first_type for r in records] == [UPDATE_MESSAGE, UPDATE_MESSAGE]
        # both responses show the next question; one of them says the click was stale
        assert current_question(fake, message_id) == "buyers"
        contents = [r.responses[0][1]["content"] for r in records]
        assert all("Question 2 of 12" in c for c in contents)
        assert sum("already answered" in c for c in contents) == 1
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.answers == {"business_model": "b2b"}
    assert stored.version == 2  # created with the first question, then one answer


async def test_a_stale_click_changes_nothing_and_shows_the_current_question(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        earlier = copy.deepcopy(fake.messages[message_id])  # e.g. an older copy of the message
        await answer_all(alice, message_id, BURRITO, stop_at="audience")
        before = await core.store.load(KEY)

        payload = alice.click_payload(message_id, "ec:a:en:111:business_model:both", seen=earlier)
        stale = await alice.settle(await fake.send_interaction(payload))
        kind, data, _ = stale.responses[0]
        assert kind == UPDATE_MESSAGE
        assert "already answered" in data["content"]
        assert "Question 3 of 12" in data["content"]
        assert find(data, "ec:t:en:111:audience:")
    assert await core.store.load(KEY) == before


async def test_someone_elses_button_is_refused_privately(core: Core, fake: FakeDiscord) -> None:
    alice, bob = Member(fake, 111, "alice"), Member(fake, 222, "bob")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        shown = copy.deepcopy(fake.messages[message_id])
        payload = bob.click_payload(message_id, "ec:a:en:111:business_model:b2b", seen=shown)
        refused = await bob.settle(await fake.send_interaction(payload))
        kind, data, _ = refused.responses[0]
        assert kind == CHANNEL_MESSAGE
        assert data["flags"] & EPHEMERAL
        assert "someone else" in data["content"]
        assert fake.messages[message_id] == shown
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.answers == {}
    assert await core.store.load(ConversationKey("discord", "910000000000000001", "222")) is None
