"""Neutral views of a conversation: localised texts, escaped for the adapter's target."""

from __future__ import annotations

from bot.catalog import Catalog, Escape
from bot.conversation import Conversation
from bot.schema import AnswerValue, Kind, Question, Schema
from bot.views import ChoiceView, QuestionView, ReviewItem, ReviewView


def _qkey(question: Question, leaf: str) -> str:
    return f"interview.question.{question.base}.{leaf}"


def _subject(catalog: Catalog, lang: str, question: Question) -> dict[str, object]:
    """Template values for a question's texts: its bounds and, for presence, the network."""
    values: dict[str, object] = {"min": question.min, "max": question.max}
    if question.subject:
        values["platform"] = catalog.text(
            lang, f"interview.question.platforms.choice.{question.subject}"
        )
    return values


def choice_label(catalog: Catalog, lang: str, question: Question, choice: str) -> str:
    """The localised label of one choice (trusted text)."""
    if question.kind is Kind.SCALE:
        return choice
    return catalog.text(lang, _qkey(question, f"choice.{choice}"))


def question_label(catalog: Catalog, lang: str, question: Question, escape: Escape) -> str:
    """The short label used in the review and in answered-message records."""
    return catalog.text(lang, _qkey(question, "label"), escape, **_subject(catalog, lang, question))


def format_answer(catalog: Catalog, lang: str, question: Question, value: AnswerValue) -> str:
    """An answer as plain, unescaped text (labels for choices, the user's words for text)."""
    if isinstance(value, tuple):
        if not value:
            return catalog.text(lang, "interview.answer.none")
        return ", ".join(choice_label(catalog, lang, question, c) for c in value)
    if question.kind is Kind.ONE:
        return choice_label(catalog, lang, question, str(value))
    if question.kind is Kind.INTEGER:
        return catalog.text(lang, "interview.answer.hours", hours=value)
    if question.kind is Kind.SCALE:
        return catalog.text(lang, "interview.answer.scale", value=value)
    return str(value)


def question_view(
    schema: Schema, catalog: Catalog, conv: Conversation, escape: Escape
) -> QuestionView:
    """The question at the conversation's cursor."""
    sequence = schema.sequence(conv.answers)
    ids = [q.id for q in sequence]
    position = ids.index(conv.cursor) if conv.cursor in ids else 0
    question = sequence[position]
    lang = conv.lang
    values = _subject(catalog, lang, question)
    stored = conv.answers.get(question.id)
    selected: set[str] = set()
    if isinstance(stored, tuple):
        selected = set(stored)
    elif stored is not None:
        selected = {str(stored)}
    if question.kind is Kind.SCALE:
        ids_ = tuple(str(n) for n in question.range)
    else:
        ids_ = question.choices
    choices = tuple(
        ChoiceView(c, escape(choice_label(catalog, lang, question, c)), c in selected) for c in ids_
    )
    return QuestionView(
        question_id=question.id,
        kind=question.kind,
        title=catalog.text(lang, _qkey(question, "title"), escape, **values),
        hint=catalog.text(lang, _qkey(question, "hint"), escape, **values),
        choices=choices,
        position=position + 1,
        total=len(sequence),
        progress=catalog.text(
            lang, "interview.progress", escape, position=position + 1, total=len(sequence)
        ),
        min=question.min,
        max=question.max,
        current=None if stored is None else escape(format_answer(catalog, lang, question, stored)),
        can_go_back=position > 0 or conv.return_to is not None,
    )


def review_view(schema: Schema, catalog: Catalog, conv: Conversation, escape: Escape) -> ReviewView:
    """Every answer, each one editable."""
    lang = conv.lang
    items = tuple(
        ReviewItem(
            q.id,
            question_label(catalog, lang, q, escape),
            escape(format_answer(catalog, lang, q, conv.answers[q.id])),
        )
        for q in schema.sequence(conv.answers)
        if q.id in conv.answers
    )
    return ReviewView(
        title=catalog.text(lang, "interview.review.title", escape),
        intro=catalog.text(lang, "interview.review.intro", escape),
        items=items,
    )
