"""The conversation service on the real store: concurrency, resuming, forgetting, locks."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.catalog import load_catalog
from bot.events import Answer, ConversationKey, Start
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import SqlStore, open_store, sqlite_path
from bot.store import StoreUnavailable
from bot.views import QuestionView, Reply, ReviewView
from tests.cases import BURRITO as ANSWERS
from tests.integration.rows import count

KEY = ConversationKey("slack", "T1", "U1")
SCHEMA = load_schema()
CATALOG = load_catalog()


def service_on(store: SqlStore) -> ConversationService:
    return ConversationService(store, SCHEMA, CATALOG)


def question(reply: Reply) -> str:
    assert isinstance(reply.view, QuestionView)
    return reply.view.question_id


async def answer_current(service: ConversationService, reply: Reply) -> Reply:
    qid = question(reply)
    return await service.handle(KEY, Answer(ANSWERS[qid], qid))


async def test_fifty_concurrent_answers_each_question_answered_once(
    store: SqlStore, db_url: str
) -> None:
    service = service_on(store)
    reply = await service.handle(KEY, Start(), locale="en")
    asked = 0
    while isinstance(reply.view, QuestionView) and asked < 30:
        qid = reply.view.question_id
        replies = await asyncio.gather(
            *(service.handle(KEY, Answer(ANSWERS[qid], qid)) for _ in range(50))
        )
        assert [r.changed for r in replies].count(True) == 1
        for other in replies:
            if not other.changed:
                assert [n.code for n in other.notices] == ["stale"]
        reply = next(r for r in replies if r.changed)
        asked += 1
    assert isinstance(reply.view, ReviewView)
    assert await count(db_url, "answers") == asked == len(reply.view.items)
    cold = await open_store(db_url, cache_size=0)
    try:
        stored = await cold.load(KEY)
    finally:
        await cold.close()
    assert stored is not None
    assert stored.version == asked + 1  # the creation, then one turn per question
    assert set(stored.answers) == {item.question_id for item in reply.view.items}


async def test_a_new_process_resumes_at_the_same_question(db_url: str) -> None:
    first = await open_store(db_url)
    try:
        service = service_on(first)
        reply = await service.handle(KEY, Start(), locale="fr")
        for _ in range(4):
            reply = await answer_current(service, reply)
        waiting = question(reply)
    finally:
        await first.close()
    second = await open_store(db_url)
    try:
        resumed = await service_on(second).handle(KEY, Start())
        assert question(resumed) == waiting
        assert resumed.lang == "fr"
        conv = await second.load(KEY)
        assert conv is not None
        assert len(conv.answers) == 4
    finally:
        await second.close()


async def test_forget_through_the_service_leaves_no_row(store: SqlStore, db_url: str) -> None:
    service = service_on(store)
    reply = await service.handle(KEY, Start(), locale="en")
    await answer_current(service, reply)
    await service.forget(KEY)
    assert await count(db_url, "conversations") == 0
    assert await count(db_url, "answers") == 0
    assert question(await service.handle(KEY, Start())) == SCHEMA.sequence({})[0].id


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_locked_database_fails_the_turn_and_the_next_try_works(db_url: str) -> None:
    store = await open_store(db_url, busy_timeout=0.2)
    try:
        service = service_on(store)
        reply = await service.handle(KEY, Start(), locale="en")
        path = sqlite_path(db_url)
        assert path is not None
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreUnavailable):
                await answer_current(service, reply)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        again = await answer_current(service, reply)
        assert again.changed
        assert question(again) != question(reply)
    finally:
        await store.close()
    assert await count(db_url, "answers") == 1
