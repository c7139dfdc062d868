"""The terminal's record of a stored answer reads as each language writes it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.console.layout import layout_reply
from bot.catalog import load_catalog
from bot.schema import Kind
from bot.views import ChoiceView, QuestionView, Recorded, Reply

CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("lang", "label", "answer", "line"),
    [
        ("en", "Your customers", "Consumers", "✓ Your customers: Consumers"),
        ("fr", "Vos clients", "Des particuliers", "✓ Vos clients : Des particuliers"),
    ],
)
def test_the_record_of_an_answer_follows_the_languages_punctuation(
    lang: str, label: str, answer: str, line: str
) -> None:
    view = QuestionView("q", Kind.ONE, "T", "", (ChoiceView("a", "A"),), 2, 12, "")
    reply = replace(Reply(lang, view), recorded=Recorded("business_model", label, answer))
    assert layout_reply(reply, CATALOG).splitlines()[0] == line
