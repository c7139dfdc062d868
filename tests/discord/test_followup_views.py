"""Follow-up views as Discord messages: the poll, what goes under a verdict, a check-in's
question, the reminder; the follow-up custom_ids."""

from __future__ import annotations

import re

from adapters.discord import ids
from adapters.discord.followup_views import (
    checkin_message,
    poll_message,
    reminder_message,
    verdict_extra,
)
from adapters.discord.ids import Action, followup_id
from adapters.discord.texts import Texts
from bot.catalog import load_catalog
from bot.checkin import Offer, Question
from bot.poll import PollView
from tests.discord.members import components
from tests.discord.oracle import message_problems
from tests.discord.test_team_views import LONGEST, body

TEXTS = Texts(load_catalog())


def poll_view(choices: int, *, open_: bool = True, long: bool = False) -> PollView:
    label = "x" * 300 if long else "Instagram"
    return PollView(
        poll_id=123456789,
        question="**q**" * (400 if long else 1),
        intro="intro",
        choices=tuple((f"c{n}", label) for n in range(choices)),
        count="3 answers so far",
        results=tuple(f"C{n}: 1 of 3" for n in range(choices)),
        open=open_,
        placeholder="p" * (200 if long else 5),
        close="Close the poll" * (10 if long else 1),
    )


def test_follow_up_custom_ids_fit_and_parse_back() -> None:
    templates = {
        "button": re.compile(ids.BUTTON_TEMPLATE),
        "select": re.compile(ids.SELECT_TEMPLATE),
        "channel": re.compile(ids.CHANNEL_TEMPLATE),
    }
    kinds = {Action.VOTE: "select", Action.WHERE: "channel"}
    for action in sorted(ids.FOLLOWUP_ACTIONS):
        cid = followup_id(action, "fr", user=LONGEST, workspace=LONGEST, value="none_" + "p" * 30)
        text = str(cid)
        assert len(text) <= 100
        kind = kinds.get(action, "button")
        assert templates[kind].fullmatch(text), (action, kind)
        assert [k for k, t in templates.items() if t.fullmatch(text)] == [kind]
        assert ids.parse(text) == cid
    assert str(followup_id(Action.VOTE, "en", value="7")) == "ec:p:en:0::7"


def test_the_poll_fits_discord_open_and_closed() -> None:
    for view in (poll_view(40, long=True), poll_view(40, open_=False, long=True), poll_view(3)):
        message = body(poll_message(view, "en", TEXTS))
        assert message_problems(message) == []
    closed = body(poll_message(poll_view(3, open_=False), "en", TEXTS))
    assert closed.get("components") in (None, [])
    assert "• C0: 1 of 3" in closed["embeds"][0]["description"]
    opened = body(poll_message(poll_view(40), "en", TEXTS))
    (select,) = [c for c in components(opened) if c["type"] == 3]
    assert len(select["options"]) == 25
    assert (select["min_values"], select["max_values"]) == (0, 25)


def test_under_a_verdict_ask_and_the_check_in_offer() -> None:
    offer = Offer("Shall I check in?", ((2, "In 2 weeks"), (4, "In 4 weeks"), (8, "In 8 weeks")))
    extra = verdict_extra("Ask your audience", offer, "en", "42", workspace="910")
    assert [str(i.custom_id) for i in extra.items] == [  # type: ignore[attr-defined]
        "ec:w:en:42::",
        "ec:y:en:42:910:2",
        "ec:y:en:42:910:4",
        "ec:y:en:42:910:8",
    ]
    assert [e.description for e in extra.embeds] == ["Shall I check in?"]
    assert verdict_extra(None, None, "en", "42").items == []


def test_a_check_in_question_and_the_reminders() -> None:
    question = Question(
        "tiktok", "How many?", (("none", "None"), ("some", "1 to 4"), ("goal", "5 or more"))
    )
    asked = body(checkin_message(question, "en", LONGEST, LONGEST))
    assert message_problems(asked) == []
    assert [c["custom_id"].rsplit(":", 1)[1] for c in components(asked) if c["type"] == 2] == [
        "none_tiktok",
        "some_tiktok",
        "goal_tiktok",
    ]
    in_server = body(reminder_message("Come back", "Resume", "en", "42", "910", "Type it"))
    (link,) = [c for c in components(in_server) if c["type"] == 2]
    assert link["url"] == "https://discord.com/channels/910"
    assert in_server["content"] == "Come back\nType it"
    in_dm = body(reminder_message("Come back", "Resume", "en", "42", None, "Type it"))
    (button,) = [c for c in components(in_dm) if c["type"] == 2]
    assert button["custom_id"] == "ec:o:en:42::"
    assert in_dm["content"] == "Come back"
