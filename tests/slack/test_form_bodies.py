"""A slash command is a slash command whatever its fields say: the word "payload" in a channel
name, a team domain, a user name or the typed text never makes it an interactive payload."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import guard
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness

FORM = "application/x-www-form-urlencoded"
USER = "U0PAYLOAD"
FIELDS = ("team_domain", "channel_name", "user_name", "text", "command", "user_id")


def parsed(body: dict[str, Any]) -> tuple[Any, ...] | str:
    request = make_mocked_request("POST", "/slack/events", headers={"Content-Type": FORM})
    return guard.parse(request, rq.form(body).body.encode())


def command(**fields: str) -> dict[str, Any]:
    body = rq.slash_command(TEAM, USER, "help", "C0GENERAL", "http://127.0.0.1:9/r")
    body.update(fields)
    return body


with_payload = st.builds(
    lambda before, after: before + "payload" + after, st.text(max_size=12), st.text(max_size=12)
)


@given(st.sampled_from(FIELDS), with_payload | st.text(max_size=30))
def test_any_field_of_a_command_may_say_payload(field: str, value: str) -> None:
    body = command(**{field: value})
    assert parsed(body) == ("form", body)


@given(st.dictionaries(st.sampled_from(FIELDS), with_payload, min_size=1))
def test_every_field_of_a_command_may_say_payload(fields: dict[str, str]) -> None:
    body = command(**fields)
    assert parsed(body) == ("form", body)


@pytest.mark.parametrize(
    "raw",
    [
        "payload=%7B%22type%22%3A%22block_actions%22%7D",  # the only field
        "payload=%7B%22type%22%3A%22block_actions%22%7D&x=1",  # a field first
        "x=1&payload=%7B%22type%22%3A%22block_actions%22%7D",  # a field after another
        "pay%6Coad=%7B%22type%22%3A%22block_actions%22%7D",  # its name escaped
    ],
)
def test_a_payload_field_anywhere_is_an_interactive_payload(raw: str) -> None:
    request = make_mocked_request("POST", "/slack/events", headers={"Content-Type": FORM})
    assert guard.parse(request, raw.encode()) == ("payload", {"type": "block_actions"})


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("channel_name", "payload-team", "the interview happens in your direct messages"),
        ("team_domain", "payloadcms", "the interview happens in your direct messages"),
        ("user_name", "payload.bob", "the interview happens in your direct messages"),
        ("text", "lang payload", "Tell me which language"),
        ("text", "payload=1&payload=2", "I don’t know the command"),
    ],
)
async def test_a_command_saying_payload_is_answered(
    harness: Harness, field: str, value: str, expected: str
) -> None:
    fake = harness.fake
    fake.locales[USER] = "en-US"
    body = rq.slash_command(TEAM, USER, "help", "C0GENERAL", fake.response_url())
    body[field] = value
    status, _ = await harness.http.send("command", body)
    assert status == 200
    said = await fake.wait_for(lambda: fake.calls_to("response_url") or None)
    assert expected in said[0].params["text"]
