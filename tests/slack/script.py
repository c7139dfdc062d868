"""A scripted interview through Slack's elements: every way of answering is used once at least."""

from __future__ import annotations

from typing import Any

from adapters.slack import values as v
from tests.slack.driver import SlackUser, kind_of, question_of

HOSTILE = "Young adults downtown <!channel> & <@U123> <https://x|y>"

# base question id -> (how, answer); "choose" clicks a button or picks a select option.
BURRITO: dict[str, tuple[str, Any]] = {
    "business_model": ("choose", "b2c"),
    "buyers": ("choose", "mass"),
    "audience": ("say", HOSTILE),
    "platforms": ("tick", ["instagram", "tiktok", "facebook"]),
    "presence": ("choose", "engaged"),
    "hooks": ("tick", ["support", "offers"]),
    "current_engagement": ("choose", "conversations"),
    "success_metric": ("choose", "interactions"),
    "bought_growth": ("choose", "no"),
    "effort_owner": ("choose", "employee"),
    "effort_hours": ("modal", "15"),
    "owned_channels": ("tick", ["storefront", "local_area"]),
    "honesty": ("choose", "5"),
}


async def answer(user: SlackUser, msg: dict[str, Any], how: str, value: Any) -> None:
    """Answer the question shown in ``msg`` the way ``how`` says."""
    question = question_of(msg)
    if how == "choose":
        status, _ = await user.click(msg, v.encode("a", question, value))
    elif how == "tick":
        status, _ = await user.tick(msg, question, value)
    elif how == "say":
        status, _ = await user.say(value)
    elif how == "modal":
        view = await user.open_modal(msg, question)
        status, body = await user.submit(view, value)
        assert "errors" not in body, body
    else:
        raise AssertionError(how)
    assert status == 200


async def answer_all(
    user: SlackUser, plan: dict[str, tuple[str, Any]], first: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Answer every question from ``first`` on; the review message and the question ids asked."""
    msg, asked = first, list[str]()
    for _ in range(40):
        if kind_of(msg) != "question":
            return msg, asked
        question = question_of(msg)
        asked.append(question)
        how, value = plan[question.split(".")[0]]
        await answer(user, msg, how, value)
        msg = await user.next_live(after=msg["ts"])
    raise AssertionError("the interview never ended")
