"""A value Discord passes on that this version does not allow is repeated in the usage note cut
to its first 40 characters and ``…``; the unknown-command note repeats nothing, in either
language."""

from __future__ import annotations

import tomllib

import pytest

from adapters.discord.commands import Unusable, team_options, whole_number
from bot.schema import PROMPTS_DIR


def test_a_long_value_of_another_type_is_cut_to_40_characters() -> None:
    assert whole_number("9" * 39 + "é" + "x" * 900_000, 1, 30) == Unusable("9" * 39 + "é…")
    assert whole_number(10**60, 1, 30) == Unusable("1" + "0" * 39 + "…", whole=True)
    assert team_options("y" * 5000, None, None).unusable == Unusable("y" * 40 + "…")


def test_a_value_of_40_characters_is_repeated_whole() -> None:
    assert whole_number("z" * 40, 1, 30) == Unusable("z" * 40)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_unknown_command_note_repeats_nothing(lang: str) -> None:
    texts = tomllib.loads((PROMPTS_DIR / lang / "discord.toml").read_text(encoding="utf-8"))
    assert "{{" not in texts["unknown_command"]
