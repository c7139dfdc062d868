"""Slack escaping: only & < > are encoded, message text is decoded once, clipping is safe."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.escape import channel_link, clip, mention, slack_decode, slack_mrkdwn_escape


def test_mass_pings_mentions_and_links_are_neutralised() -> None:
    text = "<!channel> <!here> <@U123> <https://evil.example|bank.com> & co"
    escaped = slack_mrkdwn_escape(text)
    assert escaped == (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; "
        "&lt;https://evil.example|bank.com&gt; &amp; co"
    )
    assert "<" not in escaped
    assert ">" not in escaped


def test_quotes_and_accents_are_left_alone() -> None:
    assert slack_mrkdwn_escape("l’été « chaud » \"ok\" 'x'") == "l’été « chaud » \"ok\" 'x'"


def test_message_text_is_decoded_once() -> None:
    assert slack_decode("a &amp;lt; b &lt;!channel&gt;") == "a &lt; b <!channel>"


@given(st.text())
def test_escape_then_decode_gives_the_text_back(text: str) -> None:
    assert slack_decode(slack_mrkdwn_escape(text)) == text


@given(st.text(), st.integers(min_value=1, max_value=80))
def test_clip_respects_the_limit_and_never_cuts_an_entity(text: str, limit: int) -> None:
    clipped = clip(slack_mrkdwn_escape(text), limit)
    assert len(clipped) <= limit
    body = clipped.removesuffix("…")
    amp = body.rfind("&")
    assert amp == -1 or ";" in body[amp:]


def test_mentions_and_channel_links_only_for_real_ids() -> None:
    assert mention("U012AB3CD") == "<@U012AB3CD>"
    assert mention("<!channel>") == "&lt;!channel&gt;"
    assert channel_link("C012AB3CD") == "<#C012AB3CD>"
    assert channel_link("x>y") == "x&gt;y"


def test_a_lone_surrogate_cannot_break_the_request() -> None:
    assert slack_mrkdwn_escape("a\udcf3<b") == "a\ufffd&lt;b"
