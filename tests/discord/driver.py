"""Answering a whole interview the way a person would: buttons, selects and the modal."""

from __future__ import annotations

from collections.abc import Mapping

from tests.discord.fake_discord import FakeDiscord
from tests.discord.members import Member, action_of, custom_ids
from tests.discord.records import Interaction

AnswerSpec = str | tuple[str, ...]


def current_question(fake: FakeDiscord, message_id: int) -> str | None:
    """The question a message asks now (None for the review or the verdict)."""
    for cid in custom_ids(fake.messages[message_id]):
        if action_of(cid) in "amtn":
            return cid.split(":")[4]
    return None


async def answer_one(member: Member, message_id: int, value: AnswerSpec) -> list[Interaction]:
    """Answer the question the message shows, with the control a person would use."""
    fake = member.fake
    cids = custom_ids(fake.messages[message_id])
    qid = current_question(fake, message_id)
    assert qid is not None, f"no question in {cids}"
    by_action = {action_of(c): c for c in cids}
    if isinstance(value, tuple):
        if not value and "n" in by_action:
            return [await member.click(message_id, by_action["n"])]
        return [await member.choose(message_id, by_action["m"], list(value))]
    if "t" in by_action:
        opened = await member.click(message_id, by_action["t"])
        return [opened, await member.submit(opened, value)]
    choice = next(c for c in cids if action_of(c) == "a" and c.endswith(f":{value}"))
    return [await member.click(message_id, choice)]


async def answer_all(
    member: Member, message_id: int, answers: Mapping[str, AnswerSpec], *, stop_at: str = ""
) -> list[Interaction]:
    """Answer every question until the review shows (or ``stop_at`` is asked); returns every
    interaction made."""
    made: list[Interaction] = []
    for _ in range(40):
        qid = current_question(member.fake, message_id)
        if qid is None or qid == stop_at:
            return made
        made += await answer_one(member, message_id, answers[qid])
    raise AssertionError("the interview never reached the review")
