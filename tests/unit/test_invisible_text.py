"""Characters that print nothing by themselves — format characters (``Cf``: zero-width spaces
and joiners, word joiners, byte-order marks…), combining marks, Hangul fillers, the blank
braille pattern — don't make a text answer long enough."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidAnswer
from bot.schema import load_schema
from bot.validation import parse_answer, visible_length

_AUDIENCE = load_schema().question("audience")
assert _AUDIENCE is not None
AUDIENCE = _AUDIENCE
FORMAT = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
MARKS = [chr(c) for c in range(0x0300, 0x0370)] + ["\u20dd", "\u0488"]  # Mn, and Me
PRINT_NOTHING = st.sampled_from([*FORMAT, *MARKS, "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"])
INVISIBLE = PRINT_NOTHING | st.sampled_from([" ", "\u3000", "\n"])


def too_short(raw: str) -> bool:
    try:
        parse_answer(AUDIENCE, raw)
    except InvalidAnswer as exc:
        return exc.key == "text_too_short"
    return False


@pytest.mark.parametrize(
    "raw",
    [
        "\u200b\u200b\u200b",
        "\u2060\ufeff\u3164",
        "\u115f\u1160\uffa0\u200d",
        "a\u200b\u200bb",
        "\u0301\u0301\u0301",
        "\u2800\u2800\u2800",
        "e\u0301\u0301\u0301\u0301",
    ],
)
def test_invisible_characters_are_too_short(raw: str) -> None:
    assert too_short(raw)


def test_visible_text_keeps_its_joiners() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467 families"
    assert parse_answer(AUDIENCE, family) == family
    assert visible_length(family) == len(family) - 2


def test_spaces_between_visible_characters_still_count() -> None:
    assert parse_answer(AUDIENCE, "a b") == "a b"
    assert too_short("\u200b \u200b \u200b \u200b \u200b")


@given(st.lists(INVISIBLE, max_size=40).map("".join))
def test_only_invisible_characters_are_always_too_short(raw: str) -> None:
    assert too_short(raw)


@given(
    st.text(st.characters(whitelist_categories=["L", "N"]), min_size=0, max_size=2),
    st.lists(PRINT_NOTHING, max_size=20),
    st.randoms(use_true_random=False),
)
def test_invisible_characters_never_make_up_the_minimum(
    visible: str, invisible: list[str], shuffle: random.Random
) -> None:
    chars = [*visible, *invisible]
    shuffle.shuffle(chars)
    assert too_short("".join(chars))
