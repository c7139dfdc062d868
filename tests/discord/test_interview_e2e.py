"""The whole interview through a real discord.Client against the fake Discord."""

from __future__ import annotations

import pytest

from bot.bootstrap import Core
from bot.events import ConversationKey
from tests.cases import BURRITO
from tests.discord.driver import answer_all, current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import assert_sent_well, message_payloads, running
from tests.discord.members import Member, action_of, custom_ids, find

CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL = 4, 6, 7, 9
EPHEMERAL = 64
EXPECTED = {
    **BURRITO,
    "effort_hours": 15,
    "honesty": 5,
}


@pytest.mark.parametrize(
    ("locale", "progress", "verdict_title", "review_title"),
    [
        ("en-US", "Question 1 of 12", "Your verdict", "Your answers"),
        ("fr", "Question 1 sur 12", "Votre verdict", "Vos réponses"),
    ],
)
async def test_start_answer_everything_and_get_the_verdict(
    core: Core, fake: FakeDiscord, locale: str, progress: str, verdict_title: str, review_title: str
) -> None:
    async with running(core, fake):
        alice = Member(fake, 111, "alice", locale=locale)
        started = await alice.slash("start")
        kind, data, _ = started.responses[0]
        assert kind == CHANNEL_MESSAGE
        assert data["flags"] & EPHEMERAL
        assert progress in data["content"]
        message_id = started.original
        assert message_id is not None

        made = await answer_all(alice, message_id, BURRITO)

        # buttons, selects and the modal were all used; every click edited the same message
        assert {r.first_type for r in made} == {UPDATE_MESSAGE, MODAL}
        used = {action_of(r.payload["data"]["custom_id"]) for r in made if r.payload["type"] == 3}
        assert used >= {"a", "m", "t"}
        assert all(r.original == message_id for r in made if r.first_type == UPDATE_MESSAGE)

        review = fake.messages[message_id]
        assert review["embeds"][0]["title"] == review_title
        assert len(review["embeds"][0]["fields"]) == len(EXPECTED)
        confirm = find(review, "ec:k:")
        verdict = await alice.click(message_id, confirm["custom_id"])
        assert verdict.first_type == UPDATE_MESSAGE

        shown = fake.messages[message_id]
        embeds = shown["embeds"]
        assert embeds[0]["title"] == verdict_title
        networks = embeds[1]["fields"]
        names = [f["name"].split()[1].rstrip(":") for f in networks]
        assert names == ["Facebook", "Instagram", "TikTok"]
        assert all(f["value"].startswith("•") for f in networks)
        actions = sorted(action_of(c) for c in custom_ids(shown))
        # change an answer (select), restart, share, ask your audience (no test: no check-in)
        assert actions == ["e", "r", "s", "w"]

    stored = await core.store.load(ConversationKey("discord", "910000000000000001", "111"))
    assert stored is not None
    assert stored.answers == EXPECTED
    updates = sum(r.first_type == UPDATE_MESSAGE for r in made)
    assert len(message_payloads(fake)) == updates + 2  # and /ecoute start, and the confirmation
    assert_sent_well(fake)
    (identify,) = fake.gateway.identify_payloads
    assert identify["intents"] == 1  # GUILDS only: no privileged intent


async def test_the_interview_works_in_a_direct_message(core: Core, fake: FakeDiscord) -> None:
    async with running(core, fake):
        bob = Member(fake, 222, "bob", in_guild=False)
        started = await bob.slash("start")
        assert started.original is not None
        await answer_all(bob, started.original, BURRITO | {"business_model": "b2b"})
    stored = await core.store.load(ConversationKey("discord", "dm", "222"))
    assert stored is not None
    assert stored.answers["business_model"] == "b2b"
    assert_sent_well(fake)


async def test_a_typed_answer_out_of_range_keeps_the_question(
    core: Core, fake: FakeDiscord
) -> None:
    async with running(core, fake):
        alice = Member(fake, 111, "alice")
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO, stop_at="effort_hours")
        opened = await alice.click(
            message_id, find(fake.messages[message_id], "ec:t:")["custom_id"]
        )
        refused = await alice.submit(opened, "999")
        assert refused.first_type == UPDATE_MESSAGE
        shown = fake.messages[message_id]["content"]
        assert "from 0 to 168" in shown
        assert current_question(fake, message_id) == "effort_hours"
        await answer_all(alice, message_id, BURRITO)
        assert current_question(fake, message_id) is None
    assert_sent_well(fake)
