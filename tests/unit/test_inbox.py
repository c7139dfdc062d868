"""Which claimants are dead, and what a sweep replays or drops (clock controlled)."""

from __future__ import annotations

import socket

from bot.events import ConversationKey
from bot.inbox import MAX_AGE_SECONDS, Inbox, claimant_name, dead_claimants
from tests.fakes import MemoryStore, dead_claimant

KEY = ConversationKey("slack", "T1", "U1")


def test_a_stopped_process_of_this_host_is_dead_and_a_running_one_is_not() -> None:
    me = claimant_name()
    host, pid, _ = me.rsplit(":", 2)
    gone = dead_claimant().rsplit(":", 1)[0] + ":123"
    reused = f"{host}:{pid}:1"  # this pid, another start time: an earlier process
    elsewhere = f"not-{socket.gethostname()}:1:1"
    assert dead_claimants({me, gone, reused, elsewhere, "garbage"}) == {gone, reused}


async def test_a_sweep_replays_what_a_dead_process_left_and_drops_what_is_too_old() -> None:
    now = [1000.0]
    store = MemoryStore(clock=lambda: now[0])
    dead = dead_claimant()
    old = await store.inbox_put(KEY, "old", dead)
    now[0] += MAX_AGE_SECONDS + 1
    recent = await store.inbox_put(KEY, "recent", dead)
    mine = Inbox(store, "slack")
    await mine.put(KEY, "in flight")
    left = await mine.left()
    assert [item.id for item in left] == [recent]
    assert old not in store.inbox  # dropped, not replayed
    assert len(store.inbox) == 2  # the replayed one (now ours) and ours in flight
    assert await mine.left() == []  # claimed by a live process: nobody takes it again


async def test_the_inbox_away_loses_the_record_not_the_turn() -> None:
    store = MemoryStore()
    store.down = True
    inbox = Inbox(store, "slack")
    assert await inbox.put(KEY, "x") is None
    await inbox.done(None)
    assert await inbox.left() == []
