"""/ecoute lang|help|restart|resume|forget, changing answers, sharing the verdict."""

from __future__ import annotations

import json

from bot.bootstrap import Core
from bot.events import ConversationKey
from tests.cases import BURRITO
from tests.discord.driver import answer_all, current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member, action_of, custom_ids, find

KEY = ConversationKey("discord", "910000000000000001", "111")
CHANNEL_MESSAGE, UPDATE_MESSAGE, EPHEMERAL = 4, 7, 64


def content(record_message: dict[str, object]) -> str:
    return str(record_message.get("content") or "")


async def test_commands_lang_help_restart_resume_and_forget(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        assert started.original is not None
        await answer_all(alice, started.original, BURRITO, stop_at="audience")

        french = await alice.slash("lang", language="fr")
        shown = fake.messages[french.original or 0]
        assert "Je vous parle désormais en français." in content(shown)
        assert "Question 3 sur 12" in content(shown)
        assert all(":fr:111:" in c for c in custom_ids(shown))

        helped = await alice.slash("help")
        assert "un verdict pour chaque réseau" in content(fake.messages[helped.original or 0])

        resumed = await alice.slash("resume")
        assert current_question(fake, resumed.original or 0) == "audience"

        restarted = await alice.slash("restart")
        assert "On recommence" in content(fake.messages[restarted.original or 0])
        assert current_question(fake, restarted.original or 0) == "business_model"
        stored = await core.store.load(KEY)
        assert stored is not None
        assert stored.answers == {}

        forgotten = await alice.slash("forget")
        kind, data, _ = forgotten.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
        assert data["content"] == "Done: everything I stored about you has been deleted."
    assert await core.store.load(KEY) is None


async def test_change_an_answer_from_the_review_and_from_the_verdict(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO)

        edit = find(fake.messages[message_id], "ec:e:")
        await alice.choose(message_id, edit["custom_id"], ["buyers"])
        assert current_question(fake, message_id) == "buyers"
        assert "Your answer so far: The general public" in content(fake.messages[message_id])
        await alice.click(message_id, "ec:a:en:111:buyers:niche")
        review = fake.messages[message_id]["embeds"][0]
        field = review["fields"][1]
        assert (field["name"], field["value"]) == ("Potential buyers", "A professional niche")

        await alice.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        assert fake.messages[message_id]["embeds"][0]["title"] == "Your verdict"
        change = find(fake.messages[message_id], "ec:e:")  # the verdict's own select of answers
        await alice.choose(message_id, change["custom_id"], ["honesty"])
        assert current_question(fake, message_id) == "honesty"
        await alice.click(message_id, "ec:a:en:111:honesty:2")
        verdict = fake.messages[message_id]["embeds"]
        assert verdict[0]["title"] == "Your verdict"  # straight back to it, recomputed
        # honesty 2 caps every network at test: the flips now point at that answer
        assert "if the answer to \\u201cDo they want to listen" in json.dumps(verdict)

        again = find(fake.messages[message_id], "ec:r:")
        await alice.click(message_id, again["custom_id"])
        assert current_question(fake, message_id) == "business_model"
        assert "Starting again" in content(fake.messages[message_id])


async def test_share_posts_the_verdict_and_anyone_can_run_their_own(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob = Member(fake, 111, "alice"), Member(fake, 222, "bob", locale="fr")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO)
        await alice.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        private = dict(fake.messages[message_id])

        shared = await alice.click(message_id, find(private, "ec:s:")["custom_id"])
        assert shared.first_type == CHANNEL_MESSAGE
        post = fake.messages[shared.original or 0]
        assert post["flags"] & EPHEMERAL == 0
        assert post["content"] == "**alice** shared their écoute verdict:"
        assert post["embeds"] == private["embeds"]
        assert [action_of(c) for c in custom_ids(post)] == ["o"]
        assert fake.messages[message_id] == private  # the private verdict stays as it was

        own = await bob.click(shared.original or 0, custom_ids(post)[0])
        kind, data, _ = own.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
        assert "Question 1 sur 12" in data["content"]
        assert all(":fr:222:" in c for c in custom_ids(data))
    bobs = await core.store.load(ConversationKey("discord", "910000000000000001", "222"))
    assert bobs is not None
    assert bobs.lang == "fr"


async def test_sharing_before_any_verdict_says_so_privately(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO)
        await alice.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        verdict = dict(fake.messages[message_id])
        await alice.slash("restart")
        late = await alice.click(message_id, find(verdict, "ec:s:")["custom_id"])
        kind, data, _ = late.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
        assert "no verdict to share" in data["content"]
