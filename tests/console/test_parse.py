"""How the terminal chat reads a typed line."""

from __future__ import annotations

from adapters.console.chat import QUIT, Hint, parse_line
from bot.catalog import load_catalog
from bot.chat import command_words
from bot.events import Answer, Back, Confirm, Edit, Help, Restart, SetLanguage
from bot.schema import Kind
from bot.views import ChoiceView, QuestionView, Reply, ReviewItem, ReviewView

WORDS = command_words(load_catalog())


def question(kind: Kind, *ids: str) -> Reply:
    view = QuestionView("q", kind, "T", "", tuple(ChoiceView(i, i.upper()) for i in ids), 1, 3, "")
    return Reply("en", view)


REVIEW = Reply("en", ReviewView("t", "i", (ReviewItem("a", "A", "x"), ReviewItem("b", "B", "y"))))


def test_numbers_become_choice_ids() -> None:
    assert parse_line("2", question(Kind.ONE, "x", "y"), WORDS) == Answer("y", "q")
    assert parse_line("1, 3", question(Kind.MANY, "x", "y", "z"), WORDS) == Answer(("x", "z"), "q")
    assert parse_line("0", question(Kind.MANY, "x"), WORDS) == Answer((), "q")
    assert parse_line("aucun", question(Kind.MANY, "x"), WORDS) == Answer((), "q")


def test_out_of_range_goes_to_the_core_as_typed() -> None:
    assert parse_line("7", question(Kind.ONE, "x", "y"), WORDS) == Answer("7", "q")
    assert parse_line("1,9", question(Kind.MANY, "x"), WORDS) == Answer("1,9", "q")
    assert parse_line("12", question(Kind.INTEGER), WORDS) == Answer("12", "q")


def test_commands_in_both_languages() -> None:
    q = question(Kind.TEXT)
    assert parse_line("back", q, WORDS) == Back()
    assert parse_line("Retour", q, WORDS) == Back()
    assert parse_line("recommencer", q, WORDS) == Restart()
    assert parse_line("aide", q, WORDS) == Help()
    assert parse_line("lang fr", q, WORDS) == SetLanguage("fr")
    assert parse_line("langue en", q, WORDS) == SetLanguage("en")
    assert parse_line("quit", q, WORDS) == QUIT
    assert parse_line("back to basics", q, WORDS) == Answer("back to basics", "q")


def test_review_numbers_edit_and_enter_confirms() -> None:
    assert parse_line("2", REVIEW, WORDS) == Edit("b")
    assert parse_line("", REVIEW, WORDS) == Confirm()
    assert parse_line("oui", REVIEW, WORDS) == Confirm()
    assert parse_line("9", REVIEW, WORDS) == Hint("review_invalid", {"count": 2})


def test_review_says_what_is_valid_instead_of_redrawing() -> None:
    for line in ("99", "0", "-1", "foo", "3"):
        assert parse_line(line, REVIEW, WORDS) == Hint("review_invalid", {"count": 2}), line


def test_the_bare_language_command_shows_its_use_and_is_never_an_answer() -> None:
    for word in ("lang", "langue", " Language "):
        assert parse_line(word, question(Kind.TEXT), WORDS) == Hint("lang_usage"), word
        assert parse_line(word, REVIEW, WORDS) == Hint("lang_usage"), word
    assert parse_line("lang de", question(Kind.TEXT), WORDS) == SetLanguage("de")
