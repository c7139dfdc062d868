"""Block Kit for every question, the review, the verdict, modals and App Home, in en and fr."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.slack import values as v
from adapters.slack.blocks import (
    BlockLimitError,
    Message,
    is_live,
    question_message,
    record_message,
    retired_message,
    section,
)
from adapters.slack.escape import slack_mrkdwn_escape
from adapters.slack.home import home_view
from adapters.slack.modals import answer_modal, share_modal
from adapters.slack.review import review_message, shared_message, verdict_message
from adapters.slack.texts import Texts
from bot.catalog import load_catalog
from bot.conversation import Conversation, Phase
from bot.render import question_view, review_view
from bot.schema import Kind, load_schema
from bot.validation import check_answers
from bot.verdict import diagnose
from bot.verdict.view import verdict_view
from bot.views import (
    ChoiceView,
    CodedText,
    QuestionView,
    Recorded,
    ReviewItem,
    ReviewView,
    VerdictView,
)
from tests.slack.blockkit import element_values, valid_blocks, valid_view

SCHEMA = load_schema()
CATALOG = load_catalog()
LANGS = ("en", "fr")
EVERY_PLATFORM = SCHEMA.entry("platforms").choices
DATA = Path(__file__).resolve().parent.parent / "data"


def view_of(question_id: str, lang: str, answers: dict[str, object] | None = None) -> QuestionView:
    conv = Conversation(
        lang=lang,
        interview_version=SCHEMA.version,
        cursor=question_id,
        answers={"platforms": EVERY_PLATFORM, **(answers or {})},  # type: ignore[dict-item]
    )
    return question_view(SCHEMA, CATALOG, conv, slack_mrkdwn_escape)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("question", [q.id for q in SCHEMA.all_questions()])
def test_every_question_is_valid_block_kit_with_choice_ids_last(lang: str, question: str) -> None:
    view = view_of(question, lang)
    payload = question_message(view, Texts(CATALOG, lang)).payload()
    valid_blocks(payload["blocks"])
    assert payload["text"]
    values = element_values(payload["blocks"])
    schema_question = SCHEMA.question(question)
    assert schema_question is not None
    if schema_question.kind in (Kind.ONE, Kind.MANY, Kind.SCALE):
        for choice in view.choices:
            carrying = [x for x in values if x.split(":")[-1] == choice.id and ":" in x]
            assert carrying, (question, choice.id, values)
            parsed = v.decode(carrying[0])
            assert parsed is not None
            assert parsed.question == question
    else:
        assert v.encode("t", question) in values


def test_layouts_follow_the_choices() -> None:
    en = Texts(CATALOG, "en")
    kinds = {
        "business_model": "button",  # three short labels
        "buyers": "static_select",  # labels too long for buttons
        "platforms": "checkboxes",
        "honesty": "button",
    }
    for question, element in kinds.items():
        blocks = question_message(view_of(question, "en"), en).payload()["blocks"]
        types = {el["type"] for b in blocks if b["type"] == "actions" for el in b["elements"]}
        assert element in types, (question, types)


def test_long_labels_are_listed_in_full_and_many_choices_use_a_select() -> None:
    en = Texts(CATALOG, "en")
    long = "x" * 80
    view = QuestionView(
        "q", Kind.ONE, "T", "", (ChoiceView("a", long), ChoiceView("b", "B")), 1, 2, "1/2"
    )
    blocks = question_message(view, en).payload()["blocks"]
    assert any(b.get("text", {}).get("text") == long for b in blocks)
    many = tuple(ChoiceView(f"c{i}", f"Choice {i}") for i in range(8))
    blocks = question_message(QuestionView("q", Kind.ONE, "T", "", many, 1, 2, "1/2"), en)
    selects = [
        el
        for b in blocks.payload()["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["type"] == "static_select"
    ]
    assert len(selects[0]["options"]) == 8


def test_notices_the_welcome_and_the_current_answer_show() -> None:
    en = Texts(CATALOG, "en")
    view = view_of("audience", "en", {"audience": "Bakers & cooks"})
    notice = CodedText("invalid", "Too short")
    payload = question_message(view, en, [notice], intro="Hello").payload()
    text = str(payload["blocks"])
    assert "Too short" in text
    assert "Hello" in text
    assert "Bakers &amp; cooks" in text


def test_record_has_no_live_element_and_retiring_strips_them() -> None:
    en = Texts(CATALOG, "en")
    record = record_message(Recorded("audience", "Whom", "&lt;!channel&gt;"), en).payload()
    valid_blocks(record["blocks"])
    assert not is_live(record["blocks"])
    live = question_message(view_of("business_model", "en"), en).payload()["blocks"]
    assert is_live(live)
    retired = retired_message(live).payload()
    valid_blocks(retired["blocks"])
    assert not is_live(retired["blocks"])


@pytest.mark.parametrize("lang", LANGS)
def test_review_with_edit_buttons_and_a_fallback_for_huge_reviews(lang: str) -> None:
    texts = Texts(CATALOG, lang)
    answers = {"business_model": "b2c", "platforms": EVERY_PLATFORM, "honesty": 3}
    conv = Conversation(lang, SCHEMA.version, Phase.REVIEW, answers=answers)  # type: ignore[arg-type]
    payload = review_message(review_view(SCHEMA, CATALOG, conv, slack_mrkdwn_escape), texts)
    blocks = payload.payload()["blocks"]
    valid_blocks(blocks)
    assert v.encode("e", "honesty", "review") in element_values(blocks)
    items = tuple(ReviewItem(f"q{i}", f"Label {i}", "answer") for i in range(80))
    huge = review_message(ReviewView("Review", "Check", items), texts).payload()["blocks"]
    valid_blocks(huge)
    assert v.encode("e", "q79", "review") in element_values(huge)


def test_the_50_block_limit_is_enforced_before_sending() -> None:
    with pytest.raises(BlockLimitError):
        Message("x", [section(str(i)) for i in range(51)]).payload()


@pytest.mark.parametrize("lang", LANGS)
def test_modals_and_home_validate(lang: str) -> None:
    texts = Texts(CATALOG, lang)
    for question in ("audience", "effort_hours"):
        modal = answer_modal(view_of(question, lang), texts, v.ModalMeta(question, "D1", "1.2"))
        assert valid_view(modal) == []
        assert v.ModalMeta.load(modal["private_metadata"]) == v.ModalMeta(question, "D1", "1.2")
    assert valid_view(share_modal(texts)) == []
    assert valid_view(home_view(texts, None, "notice")) == []


def test_typed_answer_modal_prefills_the_raw_text() -> None:
    view = view_of("audience", "en", {"audience": "Bakers & <cooks>"})
    modal = answer_modal(view, Texts(CATALOG, "en"), v.ModalMeta("audience"))
    assert modal["blocks"][-1]["element"]["initial_value"] == "Bakers & <cooks>"


def verdict_of(name: str, lang: str, audience: str | None = None) -> VerdictView:
    raw = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    if audience is not None:
        raw["audience"] = audience
    answers, problems = check_answers(SCHEMA, raw)
    assert not problems
    return verdict_view(diagnose(answers), answers, CATALOG, lang, slack_mrkdwn_escape)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["burrito", "licence_plate"])
def test_verdicts_validate_with_every_part(lang: str, case: str) -> None:
    texts = Texts(CATALOG, lang)
    view = verdict_of(case, lang)
    questions = [("business_model", "Who buys"), ("presence.facebook", "On Facebook")]
    blocks = verdict_message(view, texts, questions).payload()["blocks"]
    valid_blocks(blocks)
    text = str(blocks)
    for p in view.platforms:
        assert p.name in text
        assert p.verdict_label in text
        assert all(r in text for r in p.reasons)
    assert all(w.text in text for w in view.warnings)
    assert all(a.text in text for a in view.alternatives)
    values = element_values(blocks)
    assert v.encode("e", "presence.facebook", "verdict") in values
    assert "share" in values
    shared = shared_message(view, texts, "U0001").payload()["blocks"]
    valid_blocks(shared)
    assert not is_live(shared)
    assert "<@U0001>" in str(shared)
    home = home_view(texts, view)
    assert valid_view(home) == []
    assert view.platforms[0].reasons[0] in str(home["blocks"])


def test_a_verdict_quoting_hostile_text_stays_escaped() -> None:
    view = verdict_of("burrito", "en", "<!channel> & <@U123> <https://x|y>")
    blocks = str(verdict_message(view, Texts(CATALOG, "en")).payload())
    assert "<!channel>" not in blocks
    assert "<@U123>" not in blocks
    assert "<https://x|y>" not in blocks
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://x|y&gt;" in blocks


def test_french_notification_texts_space_their_punctuation() -> None:
    """A message's ``text`` (notifications, screen readers) is French too: no ``12:``."""
    texts = Texts(CATALOG, "fr")
    answers = {"business_model": "b2c", "platforms": EVERY_PLATFORM, "honesty": 3}
    conv = Conversation("fr", SCHEMA.version, Phase.REVIEW, answers=answers)  # type: ignore[arg-type]
    review = review_message(review_view(SCHEMA, CATALOG, conv, slack_mrkdwn_escape), texts)
    shown = [question_message(view_of(q.id, "fr"), texts).text for q in SCHEMA.all_questions()]
    for text in [*shown, review.text]:
        assert not re.search(r"\S[:;?!]", text), text
