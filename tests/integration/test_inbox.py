"""The inbox on SQLite and PostgreSQL: recorded, claimed once, replayed, forgotten."""

from __future__ import annotations

import asyncio

from bot.events import ConversationKey
from bot.storage import SqlStore, open_store
from tests.integration.rows import count

KEY = ConversationKey("slack", "T1", "U1")
OTHER = ConversationKey("slack", "T1", "U2")


async def test_a_row_lives_from_put_to_done(store: SqlStore, db_url: str) -> None:
    first = await store.inbox_put(KEY, '{"n": 1}', "host:1:1")
    second = await store.inbox_put(KEY, '{"n": 2}', "host:1:1")
    assert second > first
    assert await store.inbox_claimants() == {"host:1:1"}
    await store.inbox_done(first)
    assert await count(db_url, "inbox") == 1
    await store.inbox_done(first)  # twice is harmless
    assert await count(db_url, "inbox") == 1


async def test_only_what_was_left_is_claimed(store: SqlStore) -> None:
    alive = await store.inbox_put(KEY, "alive", "host:1:1")
    dead = await store.inbox_put(KEY, "dead", "host:2:2")
    discord = await store.inbox_put(ConversationKey("discord", "G", "U"), "d", "host:2:2")
    claimed = await store.inbox_claim("slack", "host:3:3", dead={"host:2:2"}, lease_seconds=60)
    assert [(item.id, item.payload, item.key) for item in claimed] == [(dead, "dead", KEY)]
    assert 0 <= claimed[0].age < 60
    assert await store.inbox_claimants() == {"host:1:1", "host:3:3", "host:2:2"}
    again = await store.inbox_claim("slack", "host:4:4", dead={"host:2:2"}, lease_seconds=60)
    assert again == []  # the claim moved to host:3:3, which is alive
    expired = await store.inbox_claim("slack", "host:4:4", dead=set(), lease_seconds=-1)
    assert sorted(item.id for item in expired) == [alive, dead]
    assert discord not in [item.id for item in expired]


async def test_two_processes_never_claim_the_same_row(db_url: str) -> None:
    stores = [await open_store(db_url) for _ in range(2)]
    try:
        for n in range(20):
            await stores[0].inbox_put(KEY, str(n), "host:9:9")
        claims = await asyncio.gather(
            *(
                s.inbox_claim("slack", f"host:{n}:0", dead={"host:9:9"}, lease_seconds=60, limit=7)
                for n, s in enumerate(stores * 3)
            )
        )
    finally:
        for s in stores:
            await s.close()
    ids = [item.id for claim in claims for item in claim]
    assert len(ids) == len(set(ids)) == 20


async def test_forget_removes_the_users_pending_events(store: SqlStore, db_url: str) -> None:
    await store.inbox_put(KEY, "mine", "host:1:1")
    await store.inbox_put(OTHER, "theirs", "host:1:1")
    assert await store.forget(KEY.platform, KEY.workspace, KEY.user) == 1
    left = await store.inbox_claim("slack", "host:2:2", dead={"host:1:1"}, lease_seconds=60)
    assert [item.payload for item in left] == ["theirs"]
