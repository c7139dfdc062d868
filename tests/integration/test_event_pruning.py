"""Processed platform event ids are dropped once older than a day: at each start, by age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.bootstrap import EVENTS_KEPT_SECONDS, open_core, prune_events
from bot.settings import Settings
from bot.storage.tables import processed_events
from tests.clock import Clock
from tests.fakes import MemoryStore
from tests.integration.rows import fetch

DAY = 86_400.0


async def record_event(url: str, platform: str, event_id: str, age: float) -> None:
    """A processed event id as if it had been recorded ``age`` seconds ago."""
    seen = datetime.now(UTC) - timedelta(seconds=age)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            row = {"platform": platform, "event_id": event_id, "seen_at": seen}
            await conn.execute(processed_events.insert().values(**row))
    finally:
        await engine.dispose()


async def test_the_memory_store_drops_only_ids_older_than_asked() -> None:
    clock = Clock(1_000.0)
    store = MemoryStore(clock=clock)
    assert await store.mark_event("slack", "Ev-old")
    clock.now += 100
    assert await store.mark_event("slack", "Ev-new")
    assert await store.mark_event("discord", "Ev-old")
    clock.now += 20
    assert await store.prune_events(500) == 0
    assert await store.prune_events(50) == 1  # recorded 120 s ago; the others 20 s ago
    assert set(store.events) == {("slack", "Ev-new"), ("discord", "Ev-old")}
    assert await store.mark_event("slack", "Ev-old")  # forgotten: a new delivery again
    assert not await store.mark_event("slack", "Ev-new")
    assert await store.prune_events(0) == 2  # strictly older than now
    assert set(store.events) == {("slack", "Ev-old")}


async def test_a_start_prunes_event_ids_older_than_a_day(db_url: str) -> None:
    assert EVENTS_KEPT_SECONDS == DAY
    await record_event(db_url, "slack", "Ev-last-week", 7 * DAY)
    await record_event(db_url, "slack", "Ev-yesterday", DAY + 60)
    await record_event(db_url, "slack", "Ev-an-hour-ago", 3600)
    await record_event(db_url, "discord", "Ev-just-now", 0)
    core = await open_core(Settings(database_url=db_url))
    try:
        left = await fetch(db_url, "SELECT platform, event_id FROM processed_events")
        assert sorted(left) == [("discord", "Ev-just-now"), ("slack", "Ev-an-hour-ago")]
        assert not await core.store.mark_event("slack", "Ev-an-hour-ago")  # still a retry
        assert await core.store.mark_event("slack", "Ev-yesterday")
    finally:
        await core.close()


async def test_the_sql_store_drops_by_age_like_the_memory_store(db_url: str) -> None:
    await record_event(db_url, "slack", "Ev-old", 120)
    await record_event(db_url, "slack", "Ev-new", 20)
    core = await open_core(Settings(database_url=db_url))  # nothing a day old: none pruned
    try:
        assert await core.store.prune_events(500) == 0
        assert await core.store.prune_events(50) == 1
        assert await fetch(db_url, "SELECT event_id FROM processed_events") == [("Ev-new",)]
    finally:
        await core.close()


async def test_a_database_too_busy_to_prune_does_not_stop_the_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryStore()
    await store.mark_event("slack", "Ev1")
    store.down = True
    await prune_events(store)  # does not raise
    assert "old event ids not pruned" in caplog.text
    store.down = False
    assert not await store.mark_event("slack", "Ev1")
