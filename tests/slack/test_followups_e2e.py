"""Asking the audience and following up, end to end on the fake Slack: a poll posted, six
respondents (one changes its mind, one clicks twice), closed, and the marketer's verdict moves
as the poll says and cites it; a check-in and a reminder, each once, at the test's time."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

from adapters.slack import followups as f
from adapters.slack import values as v
from adapters.slack.followups import SlackFollowups
from tests.slack import slack_requests as rq
from tests.slack.conftest import Harness
from tests.slack.driver import SlackUser, kind_of
from tests.slack.script import BURRITO, answer_all

AUDIENCE = "C0AUDIENCE"
MARKETER = "U0000020"
UNSURE = {**BURRITO, "presence": ("choose", "unknown")}
DAY = 86_400.0


def buttons(msg: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in msg.get("blocks", []):
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            found.setdefault(el["action_id"], []).append(el.get("value", ""))
    return found


def text_of(msg: dict[str, Any]) -> str:
    return str(msg.get("blocks")) + str(msg.get("text"))


async def send(user: SlackUser, channel: str, msg: dict[str, Any], action: dict[str, Any]) -> None:
    body = rq.block_actions(
        user.team, user.user, {**action, "block_id": "b"}, message=msg, channel=channel,
        response_url=user.fake.response_url(),
    )  # fmt: skip
    status, _ = await user.transport.send("interactive", body)
    assert status == 200


async def press(
    user: SlackUser, channel: str, msg: dict[str, Any], action_id: str, value: str
) -> None:
    await send(user, channel, msg, {"type": "button", "action_id": action_id, "value": value})


async def vote(user: SlackUser, poll: dict[str, Any], *choices: str) -> None:
    picker = next(
        el
        for b in poll["blocks"]
        if b.get("type") == "actions"
        for el in b["elements"]
        if el["action_id"] == f.VOTE
    )
    picked = [o for o in picker["options"] if o["value"].partition(":")[2] in choices]
    action = {"type": "multi_static_select", "action_id": f.VOTE, "selected_options": picked}
    await send(user, AUDIENCE, poll, action)


async def verdict_of(h: Harness, user: SlackUser, plan: dict[str, Any]) -> dict[str, Any]:
    await user.command("")
    review, _ = await answer_all(user, plan, await user.next_live())
    await user.click(review, "confirm")
    verdict = await user.next_live(after=review["ts"])
    assert kind_of(verdict) == "verdict"
    return verdict


def poll_message(h: Harness) -> dict[str, Any] | None:
    found = [
        m for m in h.fake.messages.get(AUDIENCE, []) if "where would you like" in str(m["text"])
    ]
    return found[0] if found else None


def followups(h: Harness) -> SlackFollowups:
    found = h.served.slack.followups
    assert found is not None
    return found


def set_clock(h: Harness, at: float) -> None:
    fu = followups(h)
    for part in (fu.scheduler, fu.polls, fu.checkins):
        part.clock = lambda: at


def ephemerals(h: Harness, user: str) -> list[str]:
    return [
        str(c.params["text"])
        for c in h.fake.calls_to("chat.postEphemeral")
        if c.params["user"] == user
    ]


async def test_a_poll_of_six_moves_the_verdict_and_is_cited(harness: Harness) -> None:
    h = harness
    marketer = h.user(MARKETER)
    verdict = await verdict_of(h, marketer, UNSURE)
    assert "Test" in text_of(verdict)
    assert f.ASK in buttons(verdict)
    assert buttons(verdict)[f.BOOK] == ["2", "4", "8"]

    await marketer.command("poll 3", channel=AUDIENCE)
    poll = copy.deepcopy(await h.fake.wait_for(lambda: poll_message(h)))  # as first posted
    assert "0 answers so far" in text_of(poll)
    assert buttons(poll)[f.CLOSE]
    people = [h.user(f"U00009{n:02d}") for n in range(6)]
    for person in people[:4]:
        await vote(person, poll, "instagram", "tiktok")
    await vote(people[4], poll, "facebook")  # changes its mind below
    await vote(people[4], poll, "instagram", "email")
    await asyncio.gather(vote(people[5], poll, "tiktok"), vote(people[5], poll, "tiktok"))
    await h.fake.wait_for(lambda: "6 answers so far" in text_of(poll_message(h) or {}) or None)
    assert " of 6" not in text_of(poll_message(h) or {})  # no results while open

    # A respondent may not close it; the marketer does.
    await press(people[0], AUDIENCE, poll, f.CLOSE, buttons(poll)[f.CLOSE][0])
    await h.fake.wait_for(
        lambda: [t for t in ephemerals(h, people[0].user) if "Only the person" in t] or None
    )
    before = marketer.live()
    assert before is not None
    await press(marketer, AUDIENCE, poll, f.CLOSE, buttons(poll)[f.CLOSE][0])
    closed = await h.fake.wait_for(
        lambda: poll_message(h) if "This poll is closed" in text_of(poll_message(h) or {}) else None
    )
    assert "6 people answered" in text_of(closed)
    assert "Instagram: 5 of 6" in text_of(closed)
    assert "Facebook: 0 of 6" in text_of(closed)
    assert f.VOTE not in buttons(closed)
    after = await marketer.next_live(after=before["ts"])
    body = text_of(after)
    assert "5 of the 6 people who answered your poll" in body
    assert "*Instagram*: Engage" in body
    assert "*Facebook*: Drop" in body
    assert "*Instagram*: Test" in text_of(verdict)
    # a late vote is refused politely
    await vote(h.user("U0000999"), poll, "email")
    await h.fake.wait_for(
        lambda: [t for t in ephemerals(h, "U0000999") if "This poll is closed" in t] or None
    )


async def test_a_poll_closes_at_its_time_once(harness: Harness) -> None:
    h = harness
    marketer = h.user(MARKETER)
    await marketer.command("poll 2", channel=AUDIENCE)
    poll = await h.fake.wait_for(lambda: poll_message(h))
    for n in range(5):
        await vote(h.user(f"U00008{n:02d}"), poll, "email")
    await h.fake.wait_for(lambda: "5 answers so far" in text_of(poll_message(h) or {}) or None)
    set_clock(h, time.time() + 2 * DAY + 1)
    await asyncio.gather(followups(h).sweep_once(), followups(h).sweep_once())
    await followups(h).sweep_once()
    closed = poll_message(h)
    assert closed is not None
    assert "This poll is closed" in text_of(closed)
    said = [t for t in ephemerals(h, MARKETER) if "Your poll is closed" in t]
    assert len(said) == 1


async def test_a_checkin_asks_once_at_its_date_and_recomputes(harness: Harness) -> None:
    h = harness
    marketer = h.user(MARKETER)
    verdict = await verdict_of(h, marketer, UNSURE)
    await press(marketer, marketer.dm, verdict, f.BOOK, "2")
    await h.fake.wait_for(
        lambda: [t for t in ephemerals(h, MARKETER) if "I’ll ask you on" in t] or None
    )
    fu = followups(h)
    set_clock(h, time.time() + 13 * DAY)
    await fu.sweep_once()
    assert not [m for m in h.fake.messages[marketer.dm] if f.ANSWER in buttons(m)]
    set_clock(h, time.time() + 14 * DAY + 60)
    await asyncio.gather(fu.sweep_once(), fu.sweep_once())
    await fu.sweep_once()
    asked = [m for m in h.fake.messages[marketer.dm] if f.ANSWER in buttons(m)]
    assert len(asked) == 3  # one per tested network, once
    assert "how many real conversations" in text_of(asked[0])
    tiktok = next(m for m in asked if "TikTok" in text_of(m))
    await press(marketer, marketer.dm, tiktok, f.ANSWER, "tiktok:goal")
    done = await h.fake.wait_for(
        lambda: next(
            (
                m
                for m in h.fake.messages[marketer.dm]
                if m["ts"] == tiktok["ts"] and "now" in text_of(m)
            ),
            None,
        )
    )
    assert "TikTok: Test then → now Engage" in text_of(done)
    assert f.ANSWER not in buttons(done)


async def test_one_reminder_for_a_half_done_interview_and_none_when_off(harness: Harness) -> None:
    h = harness
    half, off, done = h.user("U0000031"), h.user("U0000032"), h.user("U0000033")
    for user in (half, off):
        await user.command("")
        first = await user.next_live()
        await user.click(first, v.encode("a", "business_model", "b2c"))
        await user.next_live(after=first["ts"])
    await verdict_of(h, done, BURRITO)
    await off.command("remind")  # says how; changes nothing
    await h.fake.wait_for(
        lambda: (
            [
                c
                for c in h.fake.calls_to("response_url")
                if "Type `/ecoute remind off`" in str(c.params.get("text"))
            ]
            or None
        )
    )
    await off.command("remind off")
    await h.fake.wait_for(
        lambda: (
            [
                c
                for c in h.fake.calls_to("response_url")
                if "won’t send you reminders" in str(c.params.get("text"))
            ]
            or None
        )
    )
    fu = followups(h)
    for _ in range(2):
        set_clock(h, time.time() + DAY + 60)
        fu.upkeep_now()
        await asyncio.gather(fu.sweep_once(), fu.sweep_once())
    reminders = {
        channel: [m for m in msgs if "stopped the interview halfway" in str(m.get("text"))]
        for channel, msgs in h.fake.messages.items()
    }
    assert len(reminders[half.dm]) == 1
    assert reminders.get(off.dm, []) == []
    assert reminders.get(done.dm, []) == []
    assert buttons(reminders[half.dm][0])[v.START] == ["start"]


async def test_an_old_verdicts_checkin_after_a_restart_says_why(harness: Harness) -> None:
    h = harness
    marketer = h.user(MARKETER)
    verdict = copy.deepcopy(await verdict_of(h, marketer, UNSURE))  # as the user's screen shows
    await marketer.command("restart")
    await press(marketer, marketer.dm, verdict, f.BOOK, "2")
    said = await h.fake.wait_for(
        lambda: [t for t in ephemerals(h, MARKETER) if "no verdict to check in on" in t] or None
    )
    assert said == ["There is no verdict to check in on: finish the interview first."]
