"""Team round views as Discord messages, the team custom_ids, the options' words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.discord import ids
from adapters.discord.commands import TeamOptions
from adapters.discord.ids import Action, CustomId, team_id
from adapters.discord.team import discord_mention, option_words
from adapters.discord.team_views import (
    CHART_NAME,
    REFS,
    invitation_message,
    jump_url,
    report_message,
    round_message,
)
from adapters.discord.texts import Texts
from bot.catalog import load_catalog
from bot.team.report import TeamReport
from bot.team.view import InviteView, RoundView, TeamReportView
from tests.discord.oracle import message_problems

TEXTS = Texts(load_catalog())
LONGEST = "9" * 20


def body(message: Any) -> dict[str, Any]:
    """What discord.py would send for an :class:`Outgoing` (embeds and components)."""
    out: dict[str, Any] = {"embeds": [e.to_dict() for e in message.embeds]}
    if message.content is not None:
        out["content"] = message.content
    if message.view is not None:
        out["components"] = message.view.to_components()
    return out


def test_team_custom_ids_fit_parse_back_and_name_their_round() -> None:
    button = re.compile(ids.BUTTON_TEMPLATE)
    for action in sorted(ids.TEAM_ACTIONS):
        cid = team_id(action, "fr", 1234567890, user=LONGEST, guild=LONGEST)
        text = str(cid)
        assert len(text) <= 100
        assert button.fullmatch(text)
        assert ids.parse(text) == cid
        assert cid.round_id == 1234567890
    assert str(team_id(Action.JOIN, "en", 7)) == "ec:j:en:0::7"
    assert CustomId(Action.CHOICE, "en", "1", "q", "7").round_id is None


def test_options_become_the_words_the_core_reads() -> None:
    assert option_words(TeamOptions()) == ([], [])
    assert option_words(TeamOptions(named=True, people="<@1> <@!2>,<@3><@4>", days=3)) == (
        ["named", "3d", "<@1>", "<@!2>", "<@3>", "<@4>"],
        [],
    )
    assert option_words(TeamOptions(named=False, people="bob @sam")) == (["bob", "@sam"], [])


def test_people_who_cant_be_asked_are_left_out_of_the_words() -> None:
    people = "<@1> <@!9> <@2> <@9> <@8>"
    assert option_words(TeamOptions(people=people), {"8", "9"}) == (["<@1>", "<@2>"], ["9", "8"])
    assert discord_mention("<@123>") == "123"
    assert discord_mention("<@!123>") == "123"
    for other in ("<@&123>", "<#123>", "@123", "123", "<@123>x"):
        assert discord_mention(other) is None


def test_refs_are_discord_markup() -> None:
    assert (REFS.user("1"), REFS.channel("2"), REFS.date(1_700_000_000.9)) == (
        "<@1>",
        "<#2>",
        "<t:1700000000:D>",
    )
    assert jump_url("1", "2", "3") == "https://discord.com/channels/1/2/3"


def live_view(*, open_: bool, line: str = "A line") -> RoundView:
    return RoundView(
        9, "Title", (line, "Another"), "1 of 2 have answered", open_, "Take part", "Close"
    )


def test_the_live_message_has_buttons_while_open_only() -> None:
    opened = body(round_message(live_view(open_=True), "en", TEXTS))
    assert opened["embeds"][0]["description"] == "A line\nAnother\n\n**1 of 2 have answered**"
    assert opened["embeds"][0]["footer"]["text"] == "Round 9"
    buttons = opened["components"][0]["components"]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [
        ("Take part", "ec:j:en:0::9"),
        ("Close", "ec:c:en:0::9"),
    ]
    closed = round_message(live_view(open_=False), "en", TEXTS)
    assert closed.view is None


def test_a_huge_live_message_or_report_still_fits_discord() -> None:
    huge = "x" * 5000
    assert (
        message_problems(body(round_message(live_view(open_=True, line=huge), "en", TEXTS))) == []
    )
    sections = tuple((f"Section {i} " + huge[:300], (huge,) * 4) for i in range(30))
    report = TeamReport(1, 1, False, (), (), (), ())
    view = TeamReportView(3, huge, huge, "Anonymous", sections, huge, report, None)
    message = report_message(view, b"\x89PNG", "en", TEXTS)
    assert message_problems(body(message)) == []
    assert message.embeds[0].image.url == f"attachment://{CHART_NAME}"
    (chart,) = message.files
    assert chart.filename == CHART_NAME
    assert chart.description is not None
    assert len(chart.description) <= 1024
    assert report_message(view, None, "en", TEXTS).files == []


@pytest.mark.parametrize("has_verdict", [False, True])
def test_the_invitation_opens_the_round_to_start_and_declines_from_the_dm(
    has_verdict: bool,
) -> None:
    view = InviteView(
        4,
        "Alice invites you",
        "Anonymous",
        "Use it?" if has_verdict else None,
        "Use my verdict",
        "Answer again",
        "Start",
        "Not this time",
    )
    url = jump_url("10", "20", "30")
    sent = body(invitation_message(view, "en", "55", "10", url, TEXTS))
    assert sent["content"].startswith("Alice invites you\n-# Anonymous")
    assert ("Use it?" in sent["content"]) is has_verdict
    buttons = sent["components"][0]["components"]
    shown = [(b["label"], b.get("custom_id") or b.get("url")) for b in buttons]
    if has_verdict:
        assert shown == [
            ("Use my verdict", "ec:u:en:55:10:4"),
            ("Answer again", url),
            ("Not this time", "ec:x:en:55:10:4"),
        ]
    else:
        assert shown == [("Start", url), ("Not this time", "ec:x:en:55:10:4")]
    assert message_problems(sent) == []
