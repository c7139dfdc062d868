"""An unknown subcommand is repeated in the answer cut to its first 40 characters and ``…``,
in the user's language: ``/ecoute <900 KB of text>`` is not answered with 900 KB."""

from __future__ import annotations

import pytest

from bot.validation import echoed
from tests.slack.conftest import Harness

USER = "U0UNKNOWN"


async def said(h: Harness, text: str, locale: str) -> str:
    """What the user reads after ``/ecoute <text>`` (its first private answer)."""
    fake = h.fake
    before = len(fake.calls_to("response_url"))
    status, _ = await h.user(USER, locale).command(text)
    assert status == 200
    calls = await fake.wait_for(lambda: fake.calls_to("response_url")[before:] or None)
    return str(calls[0].params["text"])


@pytest.mark.parametrize(
    ("locale", "before", "after"),
    [
        ("en-US", "I don’t know the command “", "”."),
        ("fr-FR", "Je ne connais pas la commande « ", " »."),
    ],
)
async def test_a_long_unknown_subcommand_is_repeated_cut_to_40_characters(
    harness: Harness, locale: str, before: str, after: str
) -> None:
    word = "x" * 39 + "é" + "y" * 20_000
    text = await said(harness, f"{word} more words", locale)
    assert f"{before}{'x' * 39}é…{after}" in text
    assert "y" not in text.split(before, 1)[1].split(after, 1)[0]
    assert len(text) < 3000


@pytest.mark.parametrize(
    ("locale", "before"),
    [("en-US", "I don’t know the command “"), ("fr-FR", "Je ne connais pas la commande « ")],
)
async def test_a_short_unknown_subcommand_is_repeated_whole(
    harness: Harness, locale: str, before: str
) -> None:
    word = "z" * 40
    assert f"{before}{word}" + ("”" if locale == "en-US" else " »") in await said(
        harness, word, locale
    )


def test_echoed() -> None:
    assert echoed("a" * 40) == "a" * 40
    assert echoed("a" * 41) == "a" * 40 + "…"
    assert echoed("") == ""
