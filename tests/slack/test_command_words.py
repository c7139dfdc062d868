"""Numbers in commands are ASCII digits (``²`` and ``١`` are not numbers to écoute: a usage
note, in the user's language), and a command that breaks tells its user so, logged once."""

from __future__ import annotations

import logging

import pytest

from adapters.slack.origin import Origin
from tests.slack.conftest import Harness

USER = "U0NUMBERS"
CHANNEL = "C0GENERAL"


async def said(h: Harness, text: str, locale: str = "en-US") -> str:
    """What the user reads after ``/ecoute <text>`` in a channel (its first private answer)."""
    fake = h.fake
    before = len(fake.calls_to("response_url"))
    user = h.user(USER, locale)
    status, _ = await user.command(text, channel=CHANNEL)
    assert status == 200
    calls = await fake.wait_for(lambda: fake.calls_to("response_url")[before:] or None)
    return str(calls[0].params["text"])


@pytest.mark.parametrize("word", ["²", "١", "abc", "12x", "-1", "1 2"])
async def test_export_with_a_word_that_is_no_round_number_gets_its_usage(
    harness: Harness, word: str
) -> None:
    await said(harness, "team")  # a round exists: without the note, it would be exported
    assert "/ecoute export 12" in await said(harness, f"export {word}")
    assert harness.fake.calls_to("files.completeUploadExternal") == []


async def test_export_usage_in_french(harness: Harness) -> None:
    await said(harness, "team", "fr-FR")
    assert "Tapez `/ecoute export`" in await said(harness, "export ²", "fr-FR")


@pytest.mark.parametrize("word", ["²", "١٠", "٣"])
async def test_poll_with_unicode_digits_gets_its_usage(harness: Harness, word: str) -> None:
    text = await said(harness, f"poll {word}")
    assert f"I didn’t understand “{word}”" in text
    assert harness.fake.calls_to("chat.postMessage") == []  # no poll posted


async def test_poll_with_ascii_days_is_posted(harness: Harness) -> None:
    assert "Your poll is posted" in await said(harness, "poll 3")


async def test_a_command_that_breaks_is_told_to_its_user_and_logged_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    team = harness.served.slack.team
    assert team is not None

    async def broken(origin: Origin, words: list[str]) -> None:
        raise RuntimeError("a bug in export")

    team.export = broken  # type: ignore[method-assign]
    caplog.set_level(logging.INFO)
    await said(harness, "team", "fr-FR")
    text = await said(harness, "export", "fr-FR")
    assert text.startswith("Quelque chose s’est mal passé de mon côté")
    assert await harness.served.slack.tasks.drain(5)
    tracebacks = [r for r in caplog.records if r.exc_info is not None]
    assert len(tracebacks) == 1
    assert "a bug in export" in str(tracebacks[0].exc_info)
