"""Interactive bodies percent-decoded at C speed parse exactly as Bolt's ``parse_body`` parses
them; any body the fast path does not fit is left to Bolt."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from adapters.slack import guard
from adapters.slack.blocks import button, context, section
from adapters.slack.formbody import payload_field
from tests.slack import slack_requests as rq

FORM = "application/x-www-form-urlencoded"
Outcome = tuple[str, object]


def outcome(parse: Callable[[], Any]) -> Outcome:
    """What a parse gives (by ``repr``: exact for floats, ``NaN`` included) or what it raises."""
    try:
        return "parsed", repr(parse())
    except Exception as exc:  # JSONDecodeError, RecursionError…: the type must be the same
        return "raised", type(exc)


def bolt(text: str) -> Outcome:
    return outcome(lambda: parse_body(text, FORM))


def fast(text: str) -> Outcome | None:
    """What ``guard.parse`` makes of a ``payload`` body decoded here; ``None``: left to Bolt."""
    payload = payload_field(text.encode())
    if payload is None:
        return None
    assert payload == dict(parse_qsl(text, keep_blank_values=True))["payload"]
    return outcome(lambda: json.loads(payload))


def guarded(raw: bytes) -> tuple[Any, ...] | str:
    request = make_mocked_request("POST", "/slack/events", headers={"Content-Type": FORM})
    return guard.parse(request, raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
payload_texts = (
    st.text()
    | json_values.map(json.dumps)
    | json_values.map(lambda value: json.dumps(value, ensure_ascii=False))
)
# Pieces of hand-made bodies: escapes valid and not, UTF-8 escaped or not, separators, what
# quoted-printable reads (``=``, ``==``, soft line breaks), backslash escapes.
PIECES = (
    *("%", "%4", "%zz", "%4g", "%41", "%7b", "%7B", "%C3", "%A9", "%C3%A9", "%E2%82%AC"),
    *("%ED%A0%80", "%F4%90%80%80", "%C0%AF", "%FF", "%00", "%25", "%2B", "%26", "%3D", "%%"),
    *("+", "&", "=", "==", "=41", "%\n", "%\r\n", "\r", "\n", "%0A", "%0D", "_", "\\"),
    *("\\x41", "\\%41", "\\u00e9", "é", "€", "😀", "{", "}", '"', ":", ",", "payload", "1", " "),
)
PREFIXES = ("payload=", "payload=", "payload=%7B", "payload", "payload=1&", "x&payload=", "")
hand_made = st.builds(
    lambda prefix, pieces: prefix + "".join(pieces),
    st.sampled_from(PREFIXES),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=30),
)


@given(payload_texts)
def test_any_url_encoded_payload_is_decoded_here_as_bolt_decodes_it(text: str) -> None:
    body = urlencode({"payload": text})
    assert payload_field(body.encode()) == text
    assert fast(body) == bolt(body)


@given(hand_made)
def test_a_hand_made_body_decoded_here_is_decoded_as_bolt_decodes_it(body: str) -> None:
    result = fast(body)
    assert result is None or result == bolt(body)


@pytest.mark.parametrize(
    ("body", "decoded"),
    [
        ("payload=%7B%7D", "{}"),
        ("payload=", ""),
        ("payload=a+b_c", "a b_c"),
        ("payload=%2B%26%3D%25%0D%0A", "+&=%\r\n"),
        ("payload=%c3%a9%C3%A9é€", "ééé€"),
        ("payload=\\x41\\%41%5Cx41\\", "\\x41\\A\\x41\\"),
        ("payload=\\u00e9\\N{BULLET}\\n", "\\u00e9\\N{BULLET}\\n"),
    ],
)
def test_bodies_the_fast_path_fits(body: str, decoded: str) -> None:
    assert payload_field(body.encode()) == decoded
    assert fast(body) == bolt(body)


@pytest.mark.parametrize(
    "body",
    [
        "payload=%",  # a truncated escape: parse_qsl keeps it as it is
        "payload=%4",
        "payload=1%4",
        "payload=%zz",
        "payload=%4g",
        "payload=%+41",
        "payload=%%41",
        "payload=a=b",  # what quoted-printable would read: an escape, a soft line break
        "payload=a==41",
        "payload=%41\n",
        "payload=%\r\n41",
        "payload=%C3",  # escaped bytes that are not UTF-8: parse_qsl puts U+FFFD
        "payload=%C3%28",
        "payload=%A9",
        "payload=%C3é",
        "payload=é%A9",
        "payload=%ED%A0%80",  # a surrogate
        "payload=%F4%90%80%80",  # past U+10FFFF
        "payload=%C0%AF",  # overlong
        "payload=1&payload=2",  # more than one field: the last one wins
        "payload=1&",
        "payload={}&x=1",
        "x=1&payload={}",
        "payload",
        "payload%3D{}",
        "Payload={}",
        "+payload={}",
    ],
)
def test_bodies_left_to_bolt(body: str) -> None:
    assert payload_field(body.encode()) is None


def real_bodies() -> list[dict[str, Any]]:
    """A click on a long message and a modal's submission, in the words écoute writes."""
    words = 'L’été « chaud » : 50 % de +, & = "ok" \\ <https://ex.fr?a=1&b=2> 😀\n'
    message = {
        "ts": "1700000000.000100",
        "text": words,
        "blocks": [section(f"{i}. {words * 3}", button("Oui", f"q{i}", "yes")) for i in range(12)]
        + [context(words)],
    }
    click = rq.block_actions(
        "T0000001",
        "U0000001",
        {"type": "button", "action_id": "q3", "value": "yes", "block_id": "b3"},
        message=message,
        channel="D0000001",
        response_url="https://hooks.slack.com/actions/T0000001/1/abc",
    )
    values = {"b": {"a": {"type": "plain_text_input", "value": words}}}
    submission = rq.view_submission(
        "T0000001", "U0000001", {"type": "modal", "callback_id": "edit"}, values
    )
    return [click, submission]


@pytest.mark.parametrize("body", real_bodies(), ids=["block_actions", "view_submission"])
def test_real_interactive_bodies_are_parsed_here_as_bolt_parses_them(body: dict[str, Any]) -> None:
    text = rq.interactive(body).body
    assert parse_body(text, FORM) == body
    assert payload_field(text.encode()) is not None  # decoded here, not by Bolt
    assert guarded(text.encode()) == ("payload", body)
