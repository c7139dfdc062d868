"""What must hold of a stored conversation, and of one event's effect on it."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.catalog import load_catalog
from bot.conversation import Conversation, Phase, view_key
from bot.errors import InvalidAnswer
from bot.events import (
    Answer,
    Confirm,
    ConversationKey,
    Edit,
    Event,
    Help,
    Restart,
    SetLanguage,
)
from bot.events import Start as StartEvent
from bot.interview import new_conversation
from bot.schema import AnswerValue, Kind, Question, load_schema
from bot.store import Store
from bot.validation import parse_answer
from bot.views import Reply

SCHEMA = load_schema()
CATALOG = load_catalog()
OTHER_IDS = ("nope", "b2b ", "FACEBOOK", "", "a:b:c")


def answer_values(question: Question, *, valid: bool) -> st.SearchStrategy[str | tuple[str, ...]]:
    """Raw answers as an adapter delivers them: mostly valid, or deliberately wrong."""
    kind = question.kind
    if kind is Kind.ONE:
        if valid:
            return st.sampled_from(question.choices) | st.sampled_from(question.choices).map(
                lambda c: (c,)
            )
        return st.sampled_from(OTHER_IDS) | st.text(max_size=8)
    if kind is Kind.MANY:
        picks = st.lists(st.sampled_from(question.choices), unique=True).map(tuple)
        if valid:
            return picks | st.sampled_from(question.choices)
        return picks.map(lambda t: (*t, "myspace")) | st.just(("", "facebook"))
    if kind is Kind.TEXT:
        if valid:
            letters = st.characters(categories=("L", "N", "P", "Zs"))
            return st.text(letters, min_size=question.min, max_size=question.min + 40)
        return st.sampled_from(
            ["", "ab", "\u202e\u202e\u202e", " \t\n ", "x" * (question.max + 1)]
        ) | st.text(max_size=question.min)
    if valid:
        number = st.integers(question.min, question.max)
        return number.map(str) | number.map(lambda n: f" {n}h ")
    return st.sampled_from(
        [str(question.max + 1), str(question.min - 1), "-1", "1e3", "abc", "", "١٢", "9" * 9]
    )


def check_conversation(conv: Conversation) -> None:
    """The invariants of any stored conversation."""
    assert conv.lang in CATALOG.languages
    assert conv.interview_version == SCHEMA.version
    assert conv.version >= 1
    sequence = SCHEMA.sequence(conv.answers)
    ids = [q.id for q in sequence]
    assert set(conv.answers) <= set(ids), f"answers outside the sequence: {conv.answers}"
    for question in sequence:
        if question.id in conv.answers:
            value = conv.answers[question.id]
            assert parse_answer(question, _raw(value)) == value, (question.id, value)
    if conv.phase is Phase.ASKING:
        assert conv.cursor in ids, f"cursor {conv.cursor!r} not in {ids}"
    else:
        assert conv.cursor is None
        assert set(ids) <= set(conv.answers), f"{conv.phase} with unanswered questions"
        assert conv.return_to is None
    assert conv.return_to in (None, Phase.REVIEW, Phase.VERDICT)


def _raw(value: AnswerValue) -> str | tuple[str, ...]:
    return value if isinstance(value, str | tuple) else str(value)


def check_step(
    before: Conversation | None, after: Conversation, event: Event, reply: Reply
) -> None:
    """What one event did, compared with the state it was applied to."""
    created = before is None
    start = before or new_conversation(SCHEMA, CATALOG.default_lang)
    base = 0 if before is None else before.version
    if reply.changed:
        assert after.version == base + 1, "a stored change bumps the version exactly once"
    else:
        assert after == before, f"{event} changed nothing, yet the stored state moved"
    codes = [n.code for n in reply.notices]
    clicked = getattr(event, "view", None)
    if clicked is not None and clicked != view_key(start):
        assert reply.changed == created, f"{event} clicked on {clicked}, not the live view"
        assert codes == ["stale"]
        return
    match event:
        case Answer(value=value, question=named):
            if start.cursor is None or (named is not None and named != start.cursor):
                assert (reply.changed, codes) == (created, ["stale" if named else "not_expecting"])
                return
            question = SCHEMA.question(start.cursor)
            assert question is not None
            try:
                parsed = parse_answer(question, value)
            except InvalidAnswer:
                assert codes == ["invalid"]
                assert reply.changed == created
                return
            assert reply.changed
            assert after.answers[question.id] == parsed
            assert reply.recorded is not None
            assert reply.recorded.question_id == question.id
            assert after.cursor != question.id
        case Restart():
            assert (after.answers, after.phase) == ({}, Phase.ASKING)
            assert after.cursor == SCHEMA.sequence({})[0].id
        case Confirm():
            if start.phase is Phase.REVIEW:
                assert after.phase is Phase.VERDICT
            else:
                assert reply.changed == created
        case Edit(question=qid):
            if qid in {q.id for q in SCHEMA.sequence(start.answers)}:
                assert (after.phase, after.cursor) == (Phase.ASKING, qid)
            else:
                assert reply.changed == created
        case SetLanguage(lang=lang):
            assert after.lang == (lang if lang in CATALOG.languages else start.lang)
        case StartEvent() | Help():
            assert reply.changed == created
        case _:
            pass
    assert after.answers.keys() <= {q.id for q in SCHEMA.sequence(after.answers)}


def check_race(
    before: Conversation | None, after: Conversation, event: Event, replies: list[Reply]
) -> None:
    """Identical events delivered at once: each stored change counted once, clicks land once."""
    base = 0 if before is None else before.version
    assert after.version == base + sum(r.changed for r in replies)
    named = isinstance(event, Answer) and event.question is not None
    if named or getattr(event, "view", None) is not None or isinstance(event, Confirm):
        assert sum(r.changed for r in replies) <= 1, f"{event} landed more than once"


async def forget_step(store: Store, key: ConversationKey) -> None:
    """After ``forget`` nothing of the conversation is left."""
    assert await store.load(key) is None
