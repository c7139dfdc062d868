"""The real store behind a switch: unreachable, or hanging until the test lets it go."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bot.conversation import Conversation
from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.store import Store, StoreUnavailable


class SwitchedStore:
    """Delegates to ``inner``; ``down`` raises StoreUnavailable, ``hold`` blocks every call."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.down = False
        self.open = asyncio.Event()
        self.open.set()
        self.held = 0

    def hold(self) -> None:
        self.open.clear()

    def release(self) -> None:
        self.open.set()

    async def _gate(self) -> None:
        if not self.open.is_set():
            self.held += 1
            await self.open.wait()
        if self.down:
            raise StoreUnavailable("the database is switched off")

    async def load(self, key: ConversationKey) -> Conversation | None:
        await self._gate()
        return await self.inner.load(key)

    async def save(
        self,
        key: ConversationKey,
        conversation: Conversation,
        changed: Mapping[str, AnswerValue | None],
    ) -> bool:
        await self._gate()
        return await self.inner.save(key, conversation, changed)

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        await self._gate()
        return await self.inner.forget(platform, workspace, user)

    async def mark_event(self, platform: str, event_id: str) -> bool:
        await self._gate()
        return await self.inner.mark_event(platform, event_id)

    async def prune_events(self, older_than_seconds: float) -> int:
        await self._gate()
        return await self.inner.prune_events(older_than_seconds)

    async def ping(self) -> bool:
        await self._gate()
        return await self.inner.ping()

    async def close(self) -> None:
        self.release()
        await self.inner.close()
