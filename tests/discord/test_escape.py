"""Escaping user text for Discord: shown as typed, never a mention, never markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.escape import ZWSP, discord_escape, plain_label

MENTION = re.compile(r"(?<!\\)<(@[!&]?|#|a?:\w+:|/\w+:|t:)\d+")


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("@everyone", f"@{ZWSP}everyone"),
        ("hi @here!", f"hi @{ZWSP}here!"),
        ("<@123>", f"\\<{ZWSP}@123\\>"),
        ("<@!123>", f"\\<{ZWSP}@!123\\>"),
        ("<#456>", f"\\<{ZWSP}#456\\>"),
        ("<@&789>", f"\\<{ZWSP}@&789\\>"),
        ("<:emoji:42>", f"\\<{ZWSP}:emoji:42\\>"),
        (
            "**bold** _it_ ~~s~~ `c` ||spoiler||",
            "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\|",
        ),
        ("[bank.com](https://evil.example)", "\\[bank.com\\](https://evil.example)"),
        ("# big", "\\# big"),
        ("- item", "\\- item"),
        ("-# small", "\\-# small"),
        ("> quote", "\\> quote"),
        ("1. first", "1\\. first"),
        ("a\\b", "a\\\\b"),
        ("Café (Lyon) - 10% e-mail", "Café (Lyon) - 10% e-mail"),
    ],
)
def test_escape(typed: str, escaped: str) -> None:
    assert discord_escape(typed) == escaped


@given(st.text())
def test_no_mention_survives_escaping(text: str) -> None:
    shown = discord_escape(text)
    assert MENTION.search(shown) is None
    assert re.search(r"@(everyone|here)", shown, re.IGNORECASE) is None


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=ZWSP)))
def test_a_label_shows_the_text_as_typed(text: str) -> None:
    shown = plain_label(discord_escape(text)).replace(ZWSP, "")
    assert shown == text


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    assert discord_escape("a\ud800b") == "a\ufffdb"
