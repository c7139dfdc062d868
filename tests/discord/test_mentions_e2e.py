"""User text that looks like a mention pings no one and shows as typed."""

from __future__ import annotations

import json
import re

from bot.bootstrap import Core
from tests.cases import BURRITO
from tests.discord.driver import answer_all
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import message_payloads, running
from tests.discord.members import Member, find
from tests.discord.oracle import message_problems

LOUD = "@everyone and @here, ask <@123> in <#456> or <@&789> **now**"
RAW_MENTION = re.compile(r"(?<!\\)<[@#][&!]?\d+>|@(everyone|here)")


def shown_texts(body: dict[str, object]) -> str:
    """Everything a message shows as text (content and embeds), as one string."""
    return json.dumps(
        {"content": body.get("content"), "embeds": body.get("embeds")}, ensure_ascii=False
    )


async def test_an_answer_with_mentions_pings_no_one(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(alice, message_id, BURRITO | {"audience": LOUD})
        await alice.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        shared = await alice.click(
            message_id, find(fake.messages[message_id], "ec:s:")["custom_id"]
        )
        assert shared.responses[0][1].get("flags", 0) & 64 == 0  # public in the channel

    bodies = message_payloads(fake)
    echoed = [b for b in bodies if "ask" in shown_texts(b)]
    assert len(echoed) >= 3  # the recorded answer, the review, the verdict, the shared verdict
    for body in bodies:
        assert body["allowed_mentions"] == {"parse": []}
        assert message_problems(body) == []
        assert RAW_MENTION.search(shown_texts(body)) is None, shown_texts(body)
    review = next(b for b in echoed if b.get("embeds") and "fields" in b["embeds"][0])
    audience = next(f["value"] for f in review["embeds"][0]["fields"] if "ask" in f["value"])
    assert audience == (
        "@\u200beveryone and @\u200bhere, ask \\<\u200b@123\\> in \\<\u200b#456\\> "
        "or \\<\u200b@&789\\> \\*\\*now\\*\\*"
    )


async def test_a_display_name_with_a_mention_is_escaped_when_sharing(
    core: Core, fake: FakeDiscord
) -> None:
    loud = Member(fake, 333, "@everyone")
    async with running(core, fake):
        started = await loud.slash("start")
        message_id = started.original
        assert message_id is not None
        await answer_all(loud, message_id, BURRITO)
        await loud.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        shared = await loud.click(message_id, find(fake.messages[message_id], "ec:s:")["custom_id"])
    body = shared.responses[0][1]
    assert body["content"].startswith("**@\u200beveryone**")
    assert body["allowed_mentions"] == {"parse": []}
