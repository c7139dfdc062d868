"""Two stores on one database, as two processes have: each with its own cache.

What one process shows must follow what the other stored: a step that changes nothing is
taken again on a fresh read, and where a live message is recorded is a compare-and-set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.catalog import load_catalog
from bot.conversation import Shown
from bot.events import Answer, Back, ConversationKey, Help, Start
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import open_store
from bot.views import QuestionView, Reply
from tests.cases import BURRITO as ANSWERS

KEY = ConversationKey("slack", "T1", "U1")
SCHEMA = load_schema()
CATALOG = load_catalog()


@pytest.fixture
async def two(db_url: str) -> AsyncIterator[tuple[ConversationService, ConversationService]]:
    """Two services on the same database, each store caching (as SQLite's do by default)."""
    first = await open_store(db_url, cache_size=64)
    second = await open_store(db_url, cache_size=64)
    try:
        yield (
            ConversationService(first, SCHEMA, CATALOG),
            ConversationService(second, SCHEMA, CATALOG),
        )
    finally:
        await first.close()
        await second.close()


def asked(reply: Reply) -> str:
    assert isinstance(reply.view, QuestionView)
    return reply.view.question_id


async def answer(service: ConversationService, question: str) -> Reply:
    return await service.handle(KEY, Answer(ANSWERS[question], question))


async def test_alternating_processes_store_every_answer(
    two: tuple[ConversationService, ConversationService], db_url: str
) -> None:
    """/ecoute on A, question 1 on B, question 2 on A: A's cached copy must not call it stale."""
    a, b = two
    first = await a.handle(KEY, Start(), locale="en")
    q1 = asked(first)
    second = await answer(b, q1)
    q2 = asked(second)
    third = await answer(a, q2)
    assert third.changed, [n.code for n in third.notices]
    assert asked(third) != q2
    reply, services = third, [b, a]
    for turn in range(6):  # keep alternating: every answer lands
        reply = await answer(services[turn % 2], asked(reply))
        assert reply.changed
    cold = await open_store(db_url, cache_size=0)
    stored = await cold.load(KEY)
    await cold.close()
    assert stored is not None
    assert len(stored.answers) == 2 + 6  # every answer, each once
    assert stored.version == reply.version


async def test_a_step_that_changes_nothing_is_taken_on_a_fresh_read(
    two: tuple[ConversationService, ConversationService],
) -> None:
    a, b = two
    q1 = asked(await a.handle(KEY, Start(), locale="en"))
    q2 = asked(await answer(b, q1))
    for event in (Start(), Help()):  # A's cache still says q1
        reply = await a.handle(KEY, event)
        assert asked(reply) == q2
    stale = await answer(a, q1)  # really stale now, for both
    assert not stale.changed
    assert [n.code for n in stale.notices] == ["stale"]
    assert asked(stale) == q2


async def test_back_from_a_stale_copy_is_replayed_on_the_new_state(
    two: tuple[ConversationService, ConversationService],
) -> None:
    a, b = two
    q1 = asked(await a.handle(KEY, Start(), locale="en"))
    q2 = asked(await answer(b, q1))
    q3 = asked(await answer(b, q2))
    back = await a.handle(KEY, Back(q3))  # A's cache is at q1: its write must fail and replay
    assert back.changed
    assert asked(back) == q2


async def test_where_the_live_view_is_shown_is_a_compare_and_set(
    two: tuple[ConversationService, ConversationService],
) -> None:
    a, b = two
    first = await a.handle(KEY, Start(), locale="en")
    here = Shown("D1", "1.0001", first.view_key)
    assert await a.show(KEY, first.version, here)
    resumed = await b.handle(KEY, Start())
    assert resumed.shown == here  # B sees what A recorded, though it never saw it itself
    moved = await answer(b, asked(resumed))
    assert moved.shown == here  # the message to turn into a record
    late = Shown("D1", "1.0002", first.view_key)
    assert not await a.show(KEY, first.version, late)  # A's view is out of date
    assert await b.show(KEY, moved.version, Shown("D1", "1.0003", moved.view_key))
    again = await a.handle(KEY, Start())
    assert again.shown == Shown("D1", "1.0003", moved.view_key)
    assert again.version == moved.version + 1
