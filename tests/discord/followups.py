"""Asking the audience on the fake Discord: polls, their votes, the clock of what is due."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.discord.client import EcouteClient
from adapters.discord.followups import Followups
from tests.cases import BURRITO
from tests.clock import Clock
from tests.discord import wire
from tests.discord.driver import AnswerSpec, answer_all
from tests.discord.fake_discord import FakeDiscord
from tests.discord.members import Member, custom_ids, find
from tests.discord.records import Interaction

UNSURE: dict[str, AnswerSpec] = {
    **BURRITO,
    **{f"presence.{p}": "unknown" for p in BURRITO["platforms"]},
}
"""The burrito shop, unsure whether its customers are on any of its networks: tests only."""
POLL_QUESTION = "would like to know: where would you like to hear from them?"
DAY = 86_400.0


def followups(client: EcouteClient, clock: Clock | None = None) -> Followups:
    """The client's follow-ups; with ``clock``, on the test's time."""
    found = client.followups
    if clock is not None:
        found.scheduler.clock = clock
        found.polls.clock = clock
        found.checkins.clock = clock
    return found


def polls_in(fake: FakeDiscord, channel: int = wire.CHANNEL_ID) -> list[dict[str, Any]]:
    """The poll messages the bot posted in a channel, oldest first."""
    return [
        m
        for m in fake.channel_messages(channel)
        if m["embeds"] and POLL_QUESTION in str(m["embeds"][0].get("description"))
    ]


def poll_text(message: Mapping[str, Any]) -> str:
    return str(message["embeds"][0].get("description") or "")


def everything(message: Mapping[str, Any]) -> str:
    """What a message shows, as one string (content, embeds, component labels)."""
    return json.dumps(
        {k: message.get(k) for k in ("content", "embeds", "components")}, ensure_ascii=False
    )


def actions(message: Mapping[str, Any]) -> list[str]:
    return [c.split(":")[1] for c in custom_ids(dict(message))]


def cid(message: Mapping[str, Any], action: str, suffix: str = "") -> str:
    """The custom_id of the message's ``ec:<action>:`` component (ending with ``suffix``)."""
    for c in custom_ids(dict(message)):
        if c.startswith(f"ec:{action}:") and c.endswith(suffix):
            return c
    raise AssertionError(f"no ec:{action}:…{suffix} in {custom_ids(dict(message))}")


async def vote(
    member: Member, poll: Mapping[str, Any], *choices: str, send_only: bool = False
) -> Interaction:
    """``member`` picks ``choices`` in the poll, as the message was when ``poll`` was seen."""
    payload = member.choose_payload(int(poll["id"]), cid(poll, "p"), list(choices), seen=dict(poll))
    record = await member.fake.send_interaction(payload)
    return record if send_only else await member.settle(record)


def said(fake: FakeDiscord, record: Interaction) -> str:
    """What the bot's private answer to an interaction says now (after any deferral's
    edit); fails if the answer was public."""
    assert record.original is not None, record.responses
    message = fake.messages[record.original]
    if record.first_type in (4, 5):
        assert int(message.get("flags") or 0) & 64, "a public answer"
    return str(message.get("content") or "")


def followup_texts(fake: FakeDiscord, record: Interaction) -> list[str]:
    """Each followup message of an interaction, as text (content and embeds)."""
    return [everything(fake.messages[m]) for m in record.followups]


async def verdict_of(member: Member, answers: Mapping[str, AnswerSpec] = UNSURE) -> int:
    """``member`` answers the whole interview in the server and confirms: the message id of
    their (private) verdict."""
    started = await member.slash("start")
    message_id = started.original
    assert message_id is not None
    await answer_all(member, message_id, answers)
    confirm = find(member.fake.messages[message_id], "ec:k:")["custom_id"]
    await member.click(message_id, confirm)
    return message_id


async def remind_off(member: Member) -> Interaction:
    """``/ecoute remind off`` (a subcommand of the group ``remind``)."""
    off = {"type": 1, "name": "off", "options": []}
    payload = member.command_payload("ecoute", [{"type": 2, "name": "remind", "options": [off]}])
    return await member.settle(await member.fake.send_interaction(payload))
