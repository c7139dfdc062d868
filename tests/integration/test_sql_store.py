"""SqlStore on a real SQLite file and on a real PostgreSQL (started by the tests)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.conversation import Conversation, Phase
from bot.events import ConversationKey
from bot.storage import SqlStore, open_store
from tests.integration.rows import count, fetch

KEY = ConversationKey("slack", "T1", "U1")
AUDIENCE = "Les « petits » commerçants d’ici — 100 % 'quotes' \"double\" \\ 🥑 <@U1>"


def fresh(**changes: object) -> Conversation:
    return Conversation(lang="fr", interview_version=1, cursor="business_model").evolve(**changes)


async def answered(store: SqlStore, key: ConversationKey, n: int) -> Conversation:
    """A stored conversation with answers q0..q{n-1}, at version 1."""
    conv = fresh(answers={f"q{i}": f"answer {i}" for i in range(n)})
    assert await store.save(key, conv, {})
    return replace(conv, version=1)


async def test_round_trip_keeps_every_field_and_every_answer_type(
    store: SqlStore, db_url: str
) -> None:
    conv = fresh(
        interview_version=3,
        phase=Phase.REVIEW,
        cursor=None,
        return_to=Phase.VERDICT,
        answers={
            "platforms": ("facebook", "x"),
            "effort_hours": 12,
            "honesty": 5,
            "audience": AUDIENCE,
            "hooks": (),
        },
    )
    assert await store.save(KEY, conv, {})
    assert await store.load(KEY) == replace(conv, version=1)
    other = await open_store(db_url)  # another process: nothing cached
    try:
        assert await other.load(KEY) == replace(conv, version=1)
    finally:
        await other.close()


async def test_unknown_conversation_loads_as_none(store: SqlStore) -> None:
    assert await store.load(KEY) is None


async def test_loaded_answers_are_a_copy(store: SqlStore) -> None:
    await answered(store, KEY, 1)
    first = await store.load(KEY)
    assert first is not None
    first.answers["q0"] = "changed by the caller"
    again = await store.load(KEY)
    assert again is not None
    assert again.answers == {"q0": "answer 0"}


async def test_version_zero_creates_only_once(store: SqlStore, db_url: str) -> None:
    assert await store.save(KEY, fresh(lang="en"), {})
    assert not await store.save(KEY, fresh(lang="fr", answers={"q": "x"}), {"q": "x"})
    loaded = await store.load(KEY)
    assert loaded is not None
    assert (loaded.lang, loaded.answers, loaded.version) == ("en", {}, 1)
    assert await count(db_url, "answers") == 0


@pytest.mark.parametrize("cache_size", [1024, 0])
async def test_stale_version_returns_false_and_writes_nothing(db_url: str, cache_size: int) -> None:
    store = await open_store(db_url, cache_size=cache_size)
    try:
        await answered(store, KEY, 0)
        loaded = await store.load(KEY)
        assert loaded is not None
        assert loaded.version == 1
        first = loaded.evolve(cursor="buyers", answers={"business_model": "b2b"})
        assert await store.save(KEY, first, {"business_model": "b2b"})
        late = loaded.evolve(cursor="audience", lang="en", answers={"buyers": "mass"})
        assert not await store.save(KEY, late, {"buyers": "mass", "business_model": None})
    finally:
        await store.close()
    cold = await open_store(db_url, cache_size=0)
    try:
        assert await cold.load(KEY) == replace(first, version=2)
    finally:
        await cold.close()
    assert await fetch(db_url, "SELECT question_id, value FROM answers") == [
        ("business_model", '"b2b"')
    ]


async def test_one_row_per_answer_updated_then_deleted(store: SqlStore, db_url: str) -> None:
    conv = await answered(store, KEY, 2)
    changed = conv.evolve(answers={"q0": "answer 0", "q1": ("a", "b")})
    assert await store.save(KEY, changed, {"q1": ("a", "b")})
    assert await fetch(db_url, "SELECT value FROM answers WHERE question_id = 'q1'") == [
        ('["a", "b"]',)
    ]
    dropped = replace(changed, version=2, answers={"q1": ("a", "b")})
    assert await store.save(KEY, dropped, {"q0": None})
    assert await count(db_url, "answers") == 1
    assert await store.load(KEY) == replace(dropped, version=3)


async def test_fifty_concurrent_saves_at_one_version_exactly_one_wins(
    db_url: str,
) -> None:
    stores = [await open_store(db_url, cache_size=64) for _ in range(5)]  # five "processes"
    try:
        base = await answered(stores[0], KEY, 0)
        for store in stores[1:]:
            assert await store.load(KEY) == base

        async def attempt(i: int) -> bool:
            conv = base.evolve(answers={"audience": f"answer {i}"}, cursor="platforms")
            return await stores[i % 5].save(KEY, conv, {"audience": f"answer {i}"})

        results = await asyncio.gather(*(attempt(i) for i in range(50)))
        assert results.count(True) == 1
        winner = results.index(True)
        for store in stores:
            assert await store.load(KEY) == base.evolve(
                answers={"audience": f"answer {winner}"}, cursor="platforms", version=2
            )
        assert await count(db_url, "answers") == 1
    finally:
        for store in stores:
            await store.close()


async def test_concurrent_conversations_do_not_interfere(store: SqlStore, db_url: str) -> None:
    keys = [ConversationKey("discord", "G1", f"U{i}") for i in range(40)]

    async def interview(key: ConversationKey) -> None:
        assert await store.save(key, fresh(), {})
        for turn in range(10):
            conv = await store.load(key)
            assert conv is not None
            assert conv.version == turn + 1
            answers = {**conv.answers, f"q{turn}": turn}
            assert await store.save(key, conv.evolve(answers=answers), {f"q{turn}": turn})

    await asyncio.gather(*(interview(key) for key in keys))
    cold = await open_store(db_url, cache_size=0)
    try:
        for key in keys:
            conv = await cold.load(key)
            assert conv is not None
            assert conv.version == 11
            assert conv.answers == {f"q{t}": t for t in range(10)}
    finally:
        await cold.close()
    assert await count(db_url, "answers") == 400


async def test_a_write_by_another_process_makes_the_cached_copy_fail(db_url: str) -> None:
    mine = await open_store(db_url, cache_size=64)
    theirs = await open_store(db_url, cache_size=64)
    try:
        base = await answered(mine, KEY, 0)
        assert await theirs.load(KEY) == base
        assert await theirs.save(KEY, base.evolve(answers={"a": 1}), {"a": 1})
        stale = await mine.load(KEY)  # served from this process's cache
        assert stale == base
        assert not await mine.save(KEY, base.evolve(answers={"b": 2}), {"b": 2})
        assert await mine.load(KEY) == base.evolve(answers={"a": 1}, version=2)
    finally:
        await mine.close()
        await theirs.close()


async def test_forget_removes_every_row_of_that_user_only(store: SqlStore, db_url: str) -> None:
    others = [
        ConversationKey("slack", "T1", "U2"),  # same workspace, another user
        ConversationKey("slack", "T2", "U1"),  # same user id in another workspace
        ConversationKey("discord", "T1", "U1"),  # same ids on another platform
    ]
    for key in [KEY, *others]:
        await answered(store, key, 2)
    elsewhere = await open_store(db_url, cache_size=64)  # has the user cached
    try:
        assert await elsewhere.load(KEY) is not None
        assert await store.forget("slack", "T1", "U1") == 3  # one conversation, two answers
        assert await store.load(KEY) is None
        where = "platform = 'slack' AND workspace = 'T1' AND user_id = 'U1'"
        assert await count(db_url, "conversations", where) == 0
        assert await count(db_url, "conversations") == 3
        assert await count(db_url, "answers") == 6
        for key in others:
            conv = await store.load(key)
            assert conv is not None
            assert len(conv.answers) == 2
        cached = await elsewhere.load(KEY)
        assert cached is not None
        assert not await elsewhere.save(KEY, cached.evolve(answers={"x": 1}), {"x": 1})
        assert await elsewhere.load(KEY) is None
        assert await store.forget("slack", "T1", "U1") == 0
    finally:
        await elsewhere.close()


async def test_mark_event_records_each_platform_event_once(store: SqlStore, db_url: str) -> None:
    assert await store.mark_event("slack", "Ev1")
    assert not await store.mark_event("slack", "Ev1")
    assert await store.mark_event("discord", "Ev1")
    assert await store.mark_event("slack", "Ev2")
    other = await open_store(db_url)
    try:
        assert not await other.mark_event("slack", "Ev2")
    finally:
        await other.close()
    assert await store.prune_events(3600) == 0  # recent ids are kept
    assert await store.prune_events(0) == 3
    assert await store.mark_event("slack", "Ev1")


async def test_ping_and_closing_twice(db_url: str) -> None:
    store = await open_store(db_url)
    assert await store.ping()
    await store.close()
    await store.close()
