"""Team rounds end to end on the fake Slack: real Bolt over loopback HTTP, a real SQLite file.

``/ecoute team`` in a channel, invitations in DMs, a verdict reused and one reached in the
interview, one colleague who never answers, the owner's Close: the report and its chart
arrive once; named and anonymous reports; another workspace sees nothing.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest

from adapters.slack import team as t
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness
from tests.slack.driver import SlackUser, kind_of
from tests.slack.script import BURRITO, answer_all
from tests.slack.test_oauth import install, oauth  # noqa: F401 - the fixture, used below

# slack_sdk 3.48 sends oauth.v2.access with aiohttp's BasicAuth, deprecated in aiohttp 3.14.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

CHANNEL = "C0TEAMS"
OWNER, ALEX, SAM, KIM = "U0000010", "U0000011", "U0000012", "U0000013"
PNG = b"\x89PNG\r\n\x1a\n"


def actions_of(msg: dict[str, Any]) -> dict[str, str]:
    """action_id -> value of every button of a message."""
    return {
        el["action_id"]: el.get("value", "")
        for block in msg.get("blocks", [])
        if block.get("type") == "actions"
        for el in block["elements"]
    }


def text_of(msg: dict[str, Any]) -> str:
    return str(msg.get("blocks")) + str(msg.get("text"))


async def press(user: SlackUser, channel: str, msg: dict[str, Any], action_id: str) -> None:
    """Click the button ``action_id`` of ``msg`` in ``channel``."""
    value = actions_of(msg)[action_id]
    action = {"type": "button", "action_id": action_id, "value": value, "block_id": "b"}
    body = rq.block_actions(
        user.team, user.user, action, message=msg, channel=channel,
        response_url=user.fake.response_url(),
    )  # fmt: skip
    status, _ = await user.transport.send("interactive", body)
    assert status == 200


def round_message(h: Harness, channel: str = CHANNEL) -> dict[str, Any]:
    found = [m for m in h.fake.messages.get(channel, []) if "Team round" in str(m.get("text"))]
    assert len(found) == 1, found
    return found[0]


def reports(h: Harness, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [m for m in h.fake.messages.get(channel, []) if "Team report" in str(m.get("text"))]


async def progress(h: Harness, wanted: str) -> dict[str, Any]:
    def shown() -> dict[str, Any] | None:
        found = [m for m in h.fake.messages.get(CHANNEL, []) if "Team round" in str(m["text"])]
        return found[0] if found and wanted in text_of(found[0]) else None

    return await h.fake.wait_for(shown)


async def invitation(h: Harness, user: SlackUser, after: str = "") -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        for msg in h.fake.messages.get(user.dm, []):
            if msg["ts"] > after and t.DECLINE in actions_of(msg):
                return msg
        return None

    return await h.fake.wait_for(found)


async def interview(h: Harness, user: SlackUser, after: str) -> dict[str, Any]:
    """Answer the interview shown after ``after`` to its verdict; the verdict message."""
    first = await h.fake.wait_for(
        lambda: next(
            (
                m
                for m in h.fake.messages.get(user.dm, [])
                if m["ts"] > after and kind_of(m) == "question"
            ),
            None,
        )
    )
    review, _ = await answer_all(user, BURRITO, first)
    await user.click(review, "confirm")
    return await user.next_live(after=review["ts"])


async def test_three_invited_one_never_answers_the_owner_closes(harness: Harness) -> None:
    h = harness
    owner, alex, sam, kim = (h.user(u) for u in (OWNER, ALEX, SAM, KIM))
    # Sam has a verdict from before the round.
    await sam.command("")
    sam_verdict = await interview(h, sam, "")
    assert kind_of(sam_verdict) == "verdict"

    status, _ = await owner.command(
        f"team <@{ALEX}|alex> <@{SAM}|sam> <@{KIM}|kim> 5d", channel=CHANNEL
    )
    assert status == 200
    live = await progress(h, "0 of 3 have answered")
    assert set(actions_of(live)) == {t.JOIN, t.CLOSE}
    assert f"<@{ALEX}>" in text_of(live)
    assert "anonymous" in text_of(live)
    assert "<!date^" in text_of(live)

    # Alex starts from the invitation and answers in the DM.
    invite = await invitation(h, alex)
    assert "counts only" in text_of(invite)
    await press(alex, alex.dm, invite, t.JOIN)
    await interview(h, alex, invite["ts"])
    await progress(h, "1 of 3 have answered")

    # Sam reuses the verdict they have.
    invite = await invitation(h, sam, sam_verdict["ts"])
    assert set(actions_of(invite)) == {t.USE, t.REDO, t.DECLINE}
    await press(sam, sam.dm, invite, t.USE)
    await progress(h, "2 of 3 have answered")

    # Kim never answers. A colleague may not close; the owner does, twice.
    await press(kim, CHANNEL, round_message(h), t.CLOSE)
    said = await h.fake.wait_for(
        lambda: (
            [c for c in h.fake.calls_to("chat.postEphemeral") if c.params["user"] == KIM] or None
        )
    )
    assert said[0].params["text"] == f"Only <@{OWNER}> can close this round."
    live = round_message(h)
    await press(owner, CHANNEL, live, t.CLOSE)
    await press(owner, CHANNEL, live, t.CLOSE)
    await h.fake.wait_for(lambda: reports(h) or None)
    chart = await h.fake.wait_for(lambda: h.fake.shared_files(CHANNEL) or None)

    (report,) = reports(h)
    body = text_of(report)
    assert "2 of 3 answered." in body
    assert "Anonymous: counts only." in body
    assert "Instagram: 2 engage · 0 test · 0 drop → team: Engage" in body
    assert not re.search(r"<@U", body)  # anonymous: nobody named
    (png,) = chart
    assert png.content is not None
    assert png.content.startswith(PNG)
    assert png.thread_ts == report["ts"]
    assert png.alt_txt
    assert "Verdicts per network" in png.alt_txt
    closed = await progress(h, "This round is closed")
    assert actions_of(closed) == {}
    assert "2 of 3 have answered" in text_of(closed)
    # The second Close said so; still one report and one chart.
    await h.fake.wait_for(
        lambda: (
            [
                c
                for c in h.fake.calls_to("chat.postEphemeral")
                if "closed already" in str(c.params.get("text"))
            ]
            or None
        )
    )
    assert len(reports(h)) == 1
    assert len(h.fake.shared_files(CHANNEL)) == 1


async def test_named_round_open_to_the_channel(harness: Harness) -> None:
    h = harness
    owner, alex = h.user(OWNER), h.user(ALEX, "fr-FR")
    await owner.command("team named", channel=CHANNEL)
    live = await progress(h, "Nobody has joined yet")
    assert "The report is named" in text_of(live)
    await press(alex, CHANNEL, live, t.JOIN)
    await interview(h, alex, "")
    await progress(h, "1 of 1 have answered")
    await press(owner, CHANNEL, round_message(h), t.CLOSE)
    (report,) = await h.fake.wait_for(lambda: reports(h) or None)
    assert f"<@{ALEX}>" in text_of(report)
    assert "Anonymous" not in text_of(report)


async def test_bad_options_and_a_dm_are_refused_in_the_users_language(harness: Harness) -> None:
    h = harness
    owner = h.user(OWNER, "fr-FR")
    await owner.command("team soon", channel=CHANNEL)
    await owner.command("equipe @sam", channel=CHANNEL)
    await owner.command("team", channel=owner.dm)
    said = await h.fake.wait_for(lambda: h.fake.calls_to("response_url")[2:] or None)
    texts = [c.params["text"] for c in h.fake.calls_to("response_url")]
    assert texts[0].startswith("Je n’ai pas compris « soon »")
    assert texts[1].startswith("Mentionnez les personnes avec @")
    assert said[0].params["text"].startswith("Ouvrez un tour d’équipe depuis un canal")
    assert CHANNEL not in h.fake.messages


async def test_export_reaches_the_owner_only(harness: Harness) -> None:
    h = harness
    owner, alex = h.user(OWNER), h.user(ALEX)
    await owner.command(f"team <@{ALEX}>", channel=CHANNEL)
    invite = await invitation(h, alex)
    await press(alex, alex.dm, invite, t.JOIN)
    await interview(h, alex, invite["ts"])
    await h.fake.wait_for(lambda: reports(h) or None)  # everyone answered: closed
    await alex.command("export", channel=CHANNEL)
    await h.fake.wait_for(
        lambda: [c for c in h.fake.calls_to("response_url") if "Only the person" in
                 str(c.params.get("text"))] or None
    )  # fmt: skip
    await owner.command("export", channel=CHANNEL)
    files = await h.fake.wait_for(lambda: h.fake.shared_files(owner.dm) or None)
    names = sorted(f.filename for f in files)
    assert names[0].endswith(".csv")
    assert names[1].endswith(".json")
    csv_file = next(f for f in files if f.filename.endswith(".csv"))
    assert csv_file.content is not None
    assert csv_file.content.startswith(b"\xef\xbb\xbf")


async def test_another_workspace_sees_nothing(oauth: Harness) -> None:  # noqa: F811
    h = oauth
    await install(h, "T0000002", "xoxb-two")
    await install(h, "T0000003", "xoxb-three")
    owner = h.user(OWNER, team="T0000002")
    await owner.command("team", channel=CHANNEL)
    live = await progress(h, "Nobody has joined yet")
    stranger = h.user(ALEX, team="T0000003")
    await press(stranger, CHANNEL, live, t.JOIN)
    await press(stranger, CHANNEL, live, t.CLOSE)
    said = await h.fake.wait_for(
        lambda: (
            [c for c in h.fake.calls_to("chat.postEphemeral") if c.params["user"] == ALEX][1:]
            or None
        )
    )
    assert "can’t find that team round" in said[0].params["text"]
    await stranger.command("export", channel=CHANNEL)
    await h.fake.wait_for(
        lambda: [c for c in h.fake.calls_to("response_url") if "no team round to export" in
                 str(c.params.get("text"))] or None
    )  # fmt: skip
    assert "Nobody has joined yet" in text_of(round_message(h))
    assert reports(h) == []
    _ = TEAM


async def test_the_deadline_closes_the_round_once(harness: Harness) -> None:
    h = harness
    owner, alex = h.user(OWNER), h.user(ALEX)
    await owner.command("team 2d", channel=CHANNEL)
    live = await progress(h, "Nobody has joined yet")
    await press(alex, CHANNEL, live, t.JOIN)
    await interview(h, alex, "")
    await progress(h, "1 of 1 have answered")
    team = h.served.slack.team
    assert team is not None
    opened = time.time()
    team.team.clock = lambda: opened + 2 * 86_400 - 60
    await team.sweep_once()
    assert reports(h) == []  # a minute early: still open
    team.team.clock = lambda: opened + 2 * 86_400 + 1
    await asyncio.gather(team.sweep_once(), team.sweep_once())
    await team.sweep_once()
    (report,) = reports(h)
    assert "1 of 1 answered." in text_of(report)
    assert len(h.fake.shared_files(CHANNEL)) == 1
    await progress(h, "This round is closed")


async def test_someone_not_invited_is_told_in_their_slack_language(harness: Harness) -> None:
    h = harness
    owner, stranger = h.user(OWNER), h.user(KIM, "fr-FR")
    await owner.command(f"team <@{ALEX}>", channel=CHANNEL)
    live = await progress(h, "0 of 1 have answered")
    await press(stranger, CHANNEL, live, t.JOIN)
    said = await h.fake.wait_for(
        lambda: (
            [c for c in h.fake.calls_to("chat.postEphemeral") if c.params["user"] == KIM] or None
        )
    )
    assert said[0].params["text"] == f"Ce tour est réservé aux personnes invitées par <@{OWNER}>."
