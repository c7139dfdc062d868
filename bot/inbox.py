"""The inbox: an event acknowledged to a platform is in the database until its turn is done.

A platform that got its acknowledgement never sends the event again (Slack resends an event
only when it got no 2xx), so an adapter records the event first (:meth:`Inbox.put`, claimed
by this process), then acknowledges, then runs the turn and removes the row
(:meth:`Inbox.done`). If the process dies in between, the row stays; :meth:`Inbox.left`
claims it again (compare-and-set on its claim) for whichever process looks next:

- at once when its claimant was a process of this host that is no longer running (a restart
  after a crash finds its own work);
- after :data:`LEASE_SECONDS` otherwise (a claimant on another host that went quiet).

Replaying is safe because a turn is a compare-and-set: an event whose turn was already
stored is found stale and changes nothing. Events older than :data:`MAX_AGE_SECONDS` are
dropped instead: a click from long ago is no longer what the user means.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from bot.events import ConversationKey
from bot.store import InboxItem, Store, StoreUnavailable

log = logging.getLogger(__name__)

LEASE_SECONDS = 60.0
"""How long a claim holds when its process cannot be checked (another host)."""
MAX_AGE_SECONDS = 900.0
"""An event older than this is dropped rather than replayed."""
SWEEP_SECONDS = 5.0
"""How often a process looks for events left by others."""


def _started(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot), ``None`` if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claimant_name() -> str:
    """This process, as a claim names it: ``host:pid:start`` (start tells a reused pid)."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid) or 0}"


def dead_claimants(claimants: Collection[str], host: str | None = None) -> set[str]:
    """Those of ``claimants`` that were processes of this host and are not running now."""
    host = host or socket.gethostname()
    proc = Path("/proc/self/stat").exists()
    dead: set[str] = set()
    for name in claimants:
        where, pid, started = [*name.rsplit(":", 2), "", ""][:3]
        if where != host or not pid.isdigit():
            continue
        gone = _started(int(pid)) != started if proc else not _alive(int(pid))
        if gone:
            dead.add(name)
    return dead


@dataclass
class Inbox:
    """One platform's inbox in one process."""

    store: Store
    platform: str
    claimant: str = field(default_factory=claimant_name)

    async def put(self, key: ConversationKey, payload: str) -> int | None:
        """Record an event (claimed by this process); ``None`` if the database is away, and
        the event is then run from memory only."""
        try:
            return await self.store.inbox_put(key, payload, self.claimant)
        except StoreUnavailable as exc:
            log.warning("event of %s not recorded before its ack: %s", key, exc)
            return None

    async def done(self, item_id: int | None) -> None:
        """The event's turn is over (best effort: a row left is replayed, and found stale)."""
        if item_id is None:
            return
        try:
            await self.store.inbox_done(item_id)
        except StoreUnavailable as exc:
            log.warning("inbox row %d not removed: %s", item_id, exc)

    async def left(self, *, limit: int = 100) -> list[InboxItem]:
        """Claim the events other processes left; too old ones are removed, not returned."""
        try:
            claimants = await self.store.inbox_claimants()
            if not claimants:
                return []  # every row is claimed when written: none at all (a read, no lock)
            dead = dead_claimants(claimants)
            items = await self.store.inbox_claim(
                self.platform, self.claimant, dead=dead, lease_seconds=LEASE_SECONDS, limit=limit
            )
        except StoreUnavailable as exc:
            log.warning("inbox not swept: %s", exc)
            return []
        fresh = []
        for item in items:
            if item.age > MAX_AGE_SECONDS:
                log.info("dropped an event of %s, %.0f s old", item.key, item.age)
                await self.done(item.id)
            else:
                fresh.append(item)
        if fresh:
            log.info("replaying %d event(s) left by a stopped process", len(fresh))
        return fresh
