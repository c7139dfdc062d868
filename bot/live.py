"""Keeping a shared message up to date when any process may change what it shows.

A team round's message and a poll's count are edited by whichever process changed the
round or the poll; two processes editing at once may leave the older count on screen. So the
editor reads again after editing, and edits again while what it reads has moved on: the
last edit is made after the last change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

V = TypeVar("V")

EDITS = 3
"""Edits in a row at most, while what the message shows keeps moving under it."""


async def converge(
    current: Callable[[], Awaitable[V | None]],
    show: Callable[[V], Awaitable[bool]],
    *,
    edits: int = EDITS,
) -> None:
    """Show what ``current`` reads now, then read again and show again until it stops
    changing. ``current`` returns ``None`` when there is nothing to keep up to date (gone,
    never posted); ``show`` returns ``False`` when the message can no longer be edited."""
    shown: V | None = None
    for _ in range(edits):
        view = await current()
        if view is None or view == shown or not await show(view):
            return
        shown = view
