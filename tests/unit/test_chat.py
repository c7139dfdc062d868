"""What every chat surface shares: one table of command words, and the turn guard."""

from __future__ import annotations

import logging

import pytest

from bot.catalog import load_catalog
from bot.chat import COMMANDS, Failure, command_words, guarded
from bot.events import ConversationKey, Start
from bot.schema import load_schema
from bot.service import ConversationService
from tests.fakes import MemoryStore

CATALOG = load_catalog()
KEY = ConversationKey("test", "T1", "U1")


def test_every_languages_words_name_every_command() -> None:
    words = command_words(CATALOG)
    assert set(words.values()) == set(COMMANDS)
    assert words["retour"] == words["back"] == "back"
    assert words["oublier"] == words["forget"] == "forget"
    assert words["quitter"] == words["exit"] == "quit"


async def test_a_database_away_is_said_in_the_users_language() -> None:
    store = MemoryStore()
    store.down = True
    service = ConversationService(store, load_schema(), CATALOG)
    failed = await guarded(service, "fr", service.handle(KEY, Start()), who=KEY)
    assert failed == Failure(CATALOG.text("fr", "interview.notice.unavailable"), unavailable=True)


async def test_an_unexpected_error_is_logged_and_said_once_asked_for_the_language(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = ConversationService(MemoryStore(), load_schema(), CATALOG)
    asked: list[str] = []

    async def broken() -> None:
        raise RuntimeError("a bug")

    async def lang() -> str:
        asked.append("fr")
        return "fr"

    with caplog.at_level(logging.ERROR):
        failed = await guarded(service, lang, broken(), who=KEY)
    assert failed == Failure(CATALOG.text("fr", "chat.error"), unavailable=False)
    assert asked == ["fr"]
    assert "a bug" in caplog.text
    assert await guarded(service, lang, service.handle(KEY, Start())) is not None
    assert asked == ["fr"]  # a turn that works asks nothing
