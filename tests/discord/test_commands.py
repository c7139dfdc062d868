"""Command names and descriptions are valid for Discord in every language."""

from __future__ import annotations

import re

import discord
import pytest

from adapters.discord.commands import language_of
from bot.catalog import load_catalog

CATALOG = load_catalog()
NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.mark.parametrize("lang", CATALOG.languages)
def test_names_and_descriptions_fit_discord_rules(lang: str) -> None:
    texts = {k: v for k, v in CATALOG.texts[lang].items() if k.startswith("discord.command.")}
    assert texts
    for key, text in texts.items():
        if key.endswith((".name", ".option")):
            assert NAME.match(text), key
            assert text == text.lower(), key
        else:
            assert 1 <= len(text) <= 100, key


def test_discord_locales_map_to_catalog_languages() -> None:
    languages = CATALOG.languages
    assert language_of(discord.Locale.french, languages) == "fr"
    assert language_of(discord.Locale.american_english, languages) == "en"
    assert language_of(discord.Locale.british_english, languages) == "en"
    assert language_of(discord.Locale.german, languages) is None
