"""The pure interview: order, validation, back, edit, platforms adding/dropping questions."""

from __future__ import annotations

import pytest

from bot.conversation import Conversation, Phase
from bot.events import Answer, Back, Confirm, Edit, Event, Help, Restart, SetLanguage, Start
from bot.interview import Step, new_conversation, step
from bot.schema import Schema, load_schema

SCHEMA = load_schema()

FULL: dict[str, str | tuple[str, ...]] = {
    "business_model": "b2c",
    "buyers": "mass",
    "audience": "Young adults downtown, to feed them",
    "platforms": ("facebook", "instagram"),
    "presence.facebook": "engaged",
    "presence.instagram": "unknown",
    "hooks": ("offers",),
    "current_engagement": "conversations",
    "success_metric": "interactions",
    "bought_growth": "no",
    "effort_owner": "employee",
    "effort_hours": "15",
    "owned_channels": ("storefront",),
    "honesty": "5",
}


def run(conv: Conversation, *events: Event, schema: Schema = SCHEMA) -> tuple[Conversation, Step]:
    result = Step(conv)
    for event in events:
        result = step(schema, conv, event, ("en", "fr"))
        conv = result.conversation
    return conv, result


def answer_all(conv: Conversation, answers: dict[str, str | tuple[str, ...]]) -> Conversation:
    while conv.phase is Phase.ASKING:
        assert conv.cursor is not None
        conv, _ = run(conv, Answer(answers[conv.cursor], conv.cursor))
    return conv


def test_asks_every_question_once_in_order_then_reviews() -> None:
    conv = new_conversation(SCHEMA, "en")
    asked = []
    while conv.phase is Phase.ASKING:
        assert conv.cursor is not None
        asked.append(conv.cursor)
        conv, result = run(conv, Answer(FULL[conv.cursor]))
        assert result.recorded == asked[-1]
    assert asked == list(FULL)
    assert conv.phase is Phase.REVIEW
    assert conv.answers["effort_hours"] == 15
    assert conv.answers["honesty"] == 5
    conv, _ = run(conv, Confirm())
    assert conv.phase is Phase.VERDICT


def test_no_platform_skips_presence_questions() -> None:
    conv = new_conversation(SCHEMA, "en")
    answers = {**FULL, "platforms": ()}
    conv = answer_all(conv, answers)
    assert not any(k.startswith("presence.") for k in conv.answers)


@pytest.mark.parametrize(
    ("cursor", "raw", "key"),
    [
        ("business_model", "b3b", "invalid.invalid_choice"),
        ("audience", "  \x00a\x07 ", "invalid.text_too_short"),
        ("audience", "x" * 281, "invalid.text_too_long"),
        ("effort_hours", "169", "invalid.integer_expected"),
        ("effort_hours", "-1", "invalid.integer_expected"),
        ("effort_hours", "lots", "invalid.integer_expected"),
        ("honesty", "6", "invalid.scale_expected"),
        ("honesty", "0", "invalid.scale_expected"),
        ("platforms", ("facebook", "myspace"), "invalid.invalid_choices"),
    ],
)
def test_invalid_answer_keeps_question_and_answers(cursor: str, raw: str, key: str) -> None:
    conv = Conversation("en", 1, cursor=cursor, answers={"business_model": "b2b"})
    after, result = run(conv, Answer(raw))
    assert after == conv
    assert not result.moved
    assert [n.key for n in result.notices] == [key]


def test_text_is_cleaned_of_controls_and_bidi() -> None:
    conv = Conversation("en", 1, cursor="audience")
    after, _ = run(conv, Answer("  Café\u202e owners\x1b[31m\n in   Lyon "))
    assert after.answers["audience"] == "Café owners[31m in Lyon"


def test_stale_answer_changes_nothing() -> None:
    conv = new_conversation(SCHEMA, "en")
    conv, _ = run(conv, Answer("b2b", "business_model"))
    again, result = run(conv, Answer("b2c", "business_model"))
    assert again == conv
    assert [n.key for n in result.notices] == ["notice.stale"]


def test_back_then_answer_returns_to_first_unanswered() -> None:
    conv = new_conversation(SCHEMA, "en")
    conv, _ = run(conv, Answer("b2b"), Answer("niche"), Answer("Plate makers, to sell paint"))
    assert conv.cursor == "platforms"
    conv, _ = run(conv, Back(), Back())
    assert conv.cursor == "buyers"
    assert conv.answers["audience"] == "Plate makers, to sell paint"
    conv, _ = run(conv, Answer("handful"))
    assert conv.cursor == "platforms"
    assert conv.answers["buyers"] == "handful"


def test_back_at_first_question_is_a_notice() -> None:
    conv = new_conversation(SCHEMA, "en")
    after, result = run(conv, Back())
    assert after == conv
    assert [n.key for n in result.notices] == ["notice.at_start"]


def test_changing_platforms_adds_and_drops_presence_questions() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), FULL)
    conv, _ = run(conv, Edit("platforms"))
    assert conv.cursor == "platforms"
    conv, result = run(conv, Answer(("instagram", "linkedin")))
    assert result.changed["presence.facebook"] is None
    assert "presence.facebook" not in conv.answers
    assert conv.answers["presence.instagram"] == "unknown"  # kept
    assert conv.cursor == "presence.linkedin"  # new network: asked
    conv, _ = run(conv, Answer("engaged"))
    assert conv.phase is Phase.REVIEW


def test_edit_from_verdict_comes_back_to_verdict() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), FULL)
    conv, _ = run(conv, Confirm(), Edit("honesty"), Answer("2"))
    assert conv.phase is Phase.VERDICT
    assert conv.answers["honesty"] == 2
    assert conv.return_to is None


def test_back_while_editing_cancels_the_edit() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), FULL)
    conv, _ = run(conv, Confirm(), Edit("buyers"), Back())
    assert conv.phase is Phase.VERDICT
    assert conv.answers["buyers"] == "mass"


def test_review_back_and_verdict_back() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), FULL)
    conv, _ = run(conv, Back())
    assert (conv.phase, conv.cursor) == (Phase.ASKING, "honesty")
    conv, _ = run(conv, Answer("4"), Confirm(), Back())
    assert conv.phase is Phase.REVIEW


def test_edit_unknown_question_is_refused() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), {**FULL, "platforms": ()})
    after, result = run(conv, Edit("presence.facebook"))
    assert after == conv
    assert [n.key for n in result.notices] == ["invalid.unknown_question"]


def test_restart_clears_answers_keeps_language() -> None:
    conv = answer_all(new_conversation(SCHEMA, "fr"), FULL)
    conv, result = run(conv, Restart())
    assert conv.answers == {}
    assert conv.lang == "fr"
    assert conv.cursor == "business_model"
    assert set(result.changed) == set(FULL)


def test_language_and_help() -> None:
    conv = new_conversation(SCHEMA, "en")
    conv, result = run(conv, SetLanguage("fr"))
    assert conv.lang == "fr"
    assert result.moved
    conv2, result = run(conv, SetLanguage("de"))
    assert conv2 == conv
    assert [n.key for n in result.notices] == ["notice.unknown_language"]
    _, result = run(conv, Help())
    assert not result.moved
    _, result = run(conv, Start())
    assert not result.moved


def test_typed_text_outside_questions_is_not_expected() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), FULL)
    after, result = run(conv, Answer("hello"))
    assert after == conv
    assert [n.key for n in result.notices] == ["notice.not_expecting"]
    after, result = run(conv, Confirm(), Confirm())
    assert [n.key for n in result.notices] == ["notice.stale"]


def test_back_clicked_twice_goes_back_once() -> None:
    conv = new_conversation(SCHEMA, "en")
    conv, _ = run(conv, Answer("b2b"), Answer("niche"))
    conv, _ = run(conv, Back("audience"))
    assert conv.cursor == "buyers"
    again, result = run(conv, Back("audience"))
    assert again == conv
    assert [n.key for n in result.notices] == ["notice.stale"]


def test_the_reviews_back_clicked_twice_goes_back_once() -> None:
    review = answer_all(new_conversation(SCHEMA, "en"), FULL)
    assert review.phase is Phase.REVIEW
    conv, _ = run(review, Back("review"))
    assert conv.cursor == "honesty"
    again, result = run(conv, Back("review"))
    assert again == conv
    assert [n.key for n in result.notices] == ["notice.stale"]


def test_an_old_reviews_buttons_change_nothing_after_the_verdict() -> None:
    verdict, _ = run(answer_all(new_conversation(SCHEMA, "en"), FULL), Confirm())
    for event in (Back("review"), Edit("honesty", "review")):
        after, result = run(verdict, event)
        assert after == verdict, event
        assert [n.key for n in result.notices] == ["notice.stale"]
    conv, _ = run(verdict, Edit("honesty", "verdict"))  # the verdict's own menu works
    assert (conv.phase, conv.cursor) == (Phase.ASKING, "honesty")


def test_an_old_change_menu_after_a_restart_is_stale() -> None:
    review = answer_all(new_conversation(SCHEMA, "en"), FULL)
    fresh, _ = run(review, Restart())
    after, result = run(fresh, Edit("honesty", "review"))
    assert after == fresh
    assert [n.key for n in result.notices] == ["notice.stale"]
    assert (after.cursor, after.answers) == ("business_model", {})


def test_restart_clicked_twice_on_the_verdict_restarts_once() -> None:
    verdict, _ = run(answer_all(new_conversation(SCHEMA, "en"), FULL), Confirm())
    fresh, _ = run(verdict, Restart("verdict"))
    conv, _ = run(fresh, Answer("b2b"))
    again, result = run(conv, Restart("verdict"))
    assert again == conv  # the first answer after the restart is kept
    assert [n.key for n in result.notices] == ["notice.stale"]
    restarted, _ = run(conv, Restart())  # the command always restarts
    assert restarted.answers == {}


def test_events_that_change_nothing_store_nothing() -> None:
    conv = answer_all(new_conversation(SCHEMA, "en"), FULL)
    conv, _ = run(conv, Edit("buyers"))
    _, result = run(conv, Edit("buyers"))
    assert not result.moved
    _, result = run(conv, SetLanguage("en"))
    assert not result.moved
    assert [n.key for n in result.notices] == ["notice.language"]


def test_a_flood_of_text_is_refused_as_too_long() -> None:
    conv = Conversation("en", 1, cursor="audience")
    after, result = run(conv, Answer("a" * 100_000))
    assert after == conv
    assert [n.key for n in result.notices] == ["invalid.text_too_long"]
