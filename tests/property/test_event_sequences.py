"""Any sequence of events keeps every conversation valid, on the fake store and on real SQLite.

Hypothesis draws each event knowing where the conversation is, so runs reach the review, the
verdict, edits and platform changes instead of bouncing off the first question. After every
event the stored conversation is checked against the invariants of the interview.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation import Conversation, view_key
from bot.events import (
    Answer,
    Back,
    Confirm,
    ConversationKey,
    Edit,
    Event,
    Help,
    Restart,
    SetLanguage,
    Start,
)
from bot.service import ConversationService
from bot.store import Store
from bot.views import QuestionView, Reply, ReviewView, VerdictView
from tests.fakes import MemoryStore
from tests.property.invariants import (
    CATALOG,
    SCHEMA,
    answer_values,
    check_conversation,
    check_race,
    check_step,
    forget_step,
)
from tests.property.stores import open_sqlite, sql_store_available

STEPS = 60


def draw_event(data: st.DataObject, conv: Conversation | None) -> Event | str:
    """An event that makes sense (or deliberately not) where ``conv`` is; ``"forget"``,
    ``"repeat"`` and ``"race"`` are the service calls that are not a single event."""
    kind = data.draw(
        st.sampled_from(
            ["valid"] * 14
            + ["invalid", "stale", "back", "edit", "confirm", "restart", "language"]
            + ["start", "help", "forget", "repeat", "race"]
        ),
        label="kind",
    )
    if kind in ("forget", "repeat", "race"):
        return kind
    current = conv.cursor if conv else SCHEMA.sequence({})[0].id
    ids = [q.id for q in SCHEMA.all_questions()]
    # Where a button was clicked: none (typed, a command), the live view, or an old message's.
    live = view_key(conv) if conv else SCHEMA.sequence({})[0].id
    views = st.sampled_from([None, live, "review", "verdict", *ids[:3]])
    simple: dict[str, Event] = {"confirm": Confirm()}
    simple.update(start=Start(), help=Help())
    if kind in simple:
        return simple[kind]
    if kind == "restart":
        return Restart(data.draw(views, label="restart"))
    if kind == "back":
        return Back(data.draw(views, label="back"))
    if kind == "language":
        return SetLanguage(data.draw(st.sampled_from(["en", "fr", "xx", ""]), label="lang"))
    if kind == "edit":
        qid = data.draw(st.sampled_from([*ids, "nope", "presence.myspace"]), label="edit")
        return Edit(qid, data.draw(views, label="edit from"))
    if kind == "stale":
        other = data.draw(st.sampled_from([i for i in ids if i != current]), label="stale")
        question = SCHEMA.question(other)
        assert question is not None
        return Answer(data.draw(answer_values(question, valid=True), label="value"), other)
    if current is None:  # review or verdict: an answer here is unexpected
        return Answer(data.draw(st.text(max_size=10), label="typed"))
    question = SCHEMA.question(current)
    assert question is not None
    value = data.draw(answer_values(question, valid=kind == "valid"), label="value")
    named = data.draw(st.booleans(), label="named")
    return Answer(value, current if named else None)


async def play(
    service: ConversationService, store: Store, key: ConversationKey, data: st.DataObject
) -> None:
    """Apply ``STEPS`` drawn events, checking every stored state and every reply."""
    before = await store.load(key)
    last: Event = Start()
    for _ in range(STEPS):
        drawn = draw_event(data, before)
        if drawn == "forget":
            await service.forget(key)
            await forget_step(store, key)
            before = None
            continue
        if drawn == "repeat":  # the same event again, e.g. an old message's button
            event, count = last, 1
        elif drawn == "race":  # the same click delivered three times at once
            event, count = draw_click(data, before), 3
        else:
            assert not isinstance(drawn, str)
            event, count = drawn, 1
        replies = await asyncio.gather(*(service.handle(key, event) for _ in range(count)))
        after = await store.load(key)
        assert after is not None
        check_conversation(after)
        if count == 1:
            check_reply(replies[0], after)
            check_step(before, after, event, replies[0])
        else:
            check_race(before, after, event, replies)
        last, before = event, after
        hypothesis.event(f"reached {after.phase}")


def draw_click(data: st.DataObject, conv: Conversation | None) -> Event:
    """One event (not forget/repeat/race), for a race."""
    for _ in range(50):
        event = draw_event(data, conv)
        if not isinstance(event, str):
            return event
    return Start()


def check_reply(reply: Reply, stored: Conversation) -> None:
    """The reply shows the stored state."""
    assert reply.version == stored.version
    assert reply.lang == stored.lang
    if isinstance(reply.view, QuestionView):
        assert reply.view.question_id == stored.cursor
    elif isinstance(reply.view, ReviewView):
        assert stored.phase == "review"
    else:
        assert isinstance(reply.view, VerdictView)
        assert stored.phase == "verdict"


COMMON = settings(max_examples=60)


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as loop:
        yield loop


USERS = itertools.count()
"""A fresh user for every example: a store shared by the examples never shows a stale state."""


@COMMON
@given(data=st.data())
def test_any_sequence_keeps_conversation_valid_in_memory(
    runner: asyncio.Runner, data: st.DataObject
) -> None:
    store = MemoryStore()
    service = ConversationService(store, SCHEMA, CATALOG)
    runner.run(play(service, store, ConversationKey("test", "T1", f"U{next(USERS)}"), data))


@pytest.fixture(scope="module")
def sqlite_store(
    runner: asyncio.Runner, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    if not sql_store_available():
        pytest.skip("bot.storage is not there yet")
    path: Path = tmp_path_factory.mktemp("sequences") / "ecoute.db"
    store = runner.run(open_sqlite(path))
    yield store
    runner.run(store.close())


@settings(COMMON, max_examples=30)
@given(data=st.data())
def test_any_sequence_keeps_conversation_valid_on_sqlite(
    runner: asyncio.Runner, sqlite_store: Store, data: st.DataObject
) -> None:
    service = ConversationService(sqlite_store, SCHEMA, CATALOG)
    key = ConversationKey("test", "T1", f"U{next(USERS)}")
    runner.run(play(service, sqlite_store, key, data))
