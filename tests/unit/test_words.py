"""The core's reading of a whole number typed or sent, and how a refused word is repeated."""

from __future__ import annotations

from bot.validation import echoed, whole_number


def test_a_whole_number_is_ascii_digits_only() -> None:
    assert whole_number("12") == 12
    assert whole_number("007") == 7
    for text in ("²", "١٢", "1.5", "-3", " 4", "", "9" * 19, None, 12):
        assert whole_number(text) is None, text
    assert whole_number("9" * 12, digits=12) == 10**12 - 1
    assert whole_number("9" * 13, digits=12) is None


def test_a_refused_word_is_repeated_to_its_first_characters() -> None:
    assert echoed("a" * 40) == "a" * 40
    assert echoed("a" * 41) == "a" * 40 + "…"
    assert echoed(10**60, 3) == "100…"
