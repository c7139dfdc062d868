"""Team rounds on the fake Discord: opening one, finding its messages, reading the report."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Mapping
from typing import Any, cast

from adapters.discord.escape import discord_escape
from bot.bootstrap import Core
from bot.events import Answer, Confirm, ConversationKey
from bot.store import StoreUnavailable
from bot.team.rounds import RoundStore
from bot.views import QuestionView, ReviewView, VerdictView
from tests.cases import BURRITO
from tests.discord import wire
from tests.discord.driver import AnswerSpec, answer_all
from tests.discord.fake_discord import FakeDiscord
from tests.discord.members import Member, custom_ids, find
from tests.discord.records import Interaction

CHANNEL_MESSAGE, UPDATE_MESSAGE, EPHEMERAL = 4, 7, 64
MANAGE_GUILD = 1 << 5
ROUND_TITLE = "Team round: is anyone listening?"
REPORT_TITLE = "Team report: is anyone listening?"
PNG = b"\x89PNG\r\n\x1a\n"


def key_of(user_id: int, guild: int = wire.GUILD_ID) -> ConversationKey:
    return ConversationKey("discord", str(guild), str(user_id))


async def give_verdict(
    core: Core, user_id: int, answers: Mapping[str, AnswerSpec] = BURRITO
) -> None:
    """``user_id`` answers the whole interview earlier (through the core, as any surface would)
    and has a verdict."""
    service = core.service(discord_escape)
    key = key_of(user_id)
    reply = await service.current(key, locale="en-US")
    while isinstance(reply.view, QuestionView):
        reply = await service.handle(key, Answer(answers[reply.view.question_id]))
    assert isinstance(reply.view, ReviewView)
    reply = await service.handle(key, Confirm())
    assert isinstance(reply.view, VerdictView)


def private_text(record: Interaction) -> str:
    """What a private (ephemeral) answer said; fails if it was public."""
    kind, data, _ = record.responses[0]
    assert kind == CHANNEL_MESSAGE, record.responses
    assert data["flags"] & EPHEMERAL
    return str(data.get("content") or "")


def live_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The rounds' messages in the test channel, oldest first."""
    return [
        m
        for m in fake.channel_messages(wire.CHANNEL_ID)
        if m["embeds"] and m["embeds"][0].get("title") == ROUND_TITLE
    ]


def reports(fake: FakeDiscord, channel: int = wire.CHANNEL_ID) -> list[dict[str, Any]]:
    """The team reports posted in a channel."""
    return [
        m
        for m in fake.channel_messages(channel)
        if m["embeds"] and m["embeds"][0].get("title") == REPORT_TITLE
    ]


def report_requests(fake: FakeDiscord) -> list[Any]:
    """Every request that posted a report (a second post would be a second report)."""
    return [
        r
        for r in fake.requests
        if r.method == "POST"
        and r.path.startswith("/channels/")
        and isinstance(r.body, dict)
        and (r.body.get("embeds") or [{}])[0].get("title") == REPORT_TITLE
    ]


def description(message: Mapping[str, Any]) -> str:
    return str(message["embeds"][0].get("description") or "")


def shown(message: Mapping[str, Any]) -> str:
    """Everything a message shows as text, as one string."""
    return json.dumps(
        {"content": message.get("content"), "embeds": message.get("embeds")}, ensure_ascii=False
    )


def mentions_anyone(text: str, *user_ids: int) -> bool:
    """Whether ``text`` names a user: a mention, or one of their ids on its own."""
    if "<@" in text:
        return True
    return any(re.search(rf"(?<!\d){u}(?!\d)", text) for u in user_ids)


def button(message: Mapping[str, Any], action: str) -> str:
    """The custom_id of the message's team button ``ec:<action>:``."""
    return str(find(dict(message), f"ec:{action}:")["custom_id"])


async def open_round(owner: Member, **options: str | bool | int) -> dict[str, Any]:
    """``/ecoute team ...`` by ``owner``; the round's live message as first posted (a copy:
    ``fake.messages`` has it as it is now)."""
    fake = owner.fake
    before = len(live_messages(fake))
    opened = await owner.slash("team", **options)
    assert private_text(opened) == "Your team round is open in this channel."
    await fake.until(lambda: len(live_messages(fake)) > before)
    return copy.deepcopy(live_messages(fake)[-1])


async def click_as_seen(member: Member, seen: Mapping[str, Any], custom_id: str) -> Interaction:
    """A click on a button of a message as ``seen`` earlier (a client not yet refreshed)."""
    payload = member.click_payload(int(seen["id"]), custom_id, seen=dict(seen))
    return await member.settle(await member.fake.send_interaction(payload))


async def take_part_and_answer(
    member: Member, live: Mapping[str, Any], answers: Mapping[str, AnswerSpec] = BURRITO
) -> Interaction:
    """Take part from the round's message, answer every question, confirm: the confirmation."""
    joined = await member.click(int(live["id"]), button(live, "j"))
    assert "Question 1 of 12" in private_text(joined)
    private = joined.original
    assert private is not None
    await answer_all(member, private, answers)
    return await member.click(private, find(member.fake.messages[private], "ec:k:")["custom_id"])


def progress_seen(fake: FakeDiscord, message_id: int) -> list[str]:
    """The count line of each version of a live message (its REST edits), in order."""
    seen: list[str] = []
    for body in fake.edits_of(message_id):
        text = body["embeds"][0]["description"]
        last = text.rsplit("\n", 1)[-1].strip("*")
        if not seen or seen[-1] != last:
            seen.append(last)
    return seen


def action_ids(message: Mapping[str, Any]) -> list[str]:
    return [c.split(":")[1] for c in custom_ids(dict(message))]


class GatedRounds:
    """The rounds store behind a gate: while :meth:`hold` is on, every call waits (a slow
    database); :attr:`down` makes every call fail as an unreachable one."""

    def __init__(self, inner: RoundStore) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.gate.set()
        self.blocked = asyncio.Event()
        self.down = False

    def hold(self) -> None:
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        async def gated(*args: Any, **kwargs: Any) -> Any:
            if not self.gate.is_set():
                self.blocked.set()
                await self.gate.wait()
            if self.down:
                raise StoreUnavailable("the test switched the database off")
            return await method(*args, **kwargs)

        return gated

    def store(self) -> RoundStore:
        return cast(RoundStore, self)
