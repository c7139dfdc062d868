"""Platform markup the core prints without escaping: mentions of people and channels, dates.

Slack and Discord each have their own (``<@U1>``, ``<#C1>``, a date shown in the reader's
time zone), so an adapter passes :class:`Refs` that make them; a :class:`Safe` value is
printed as it is by the catalog, every other value is escaped for the target.
"""

from __future__ import annotations

from typing import Protocol


class Refs(Protocol):
    """The platform's markup for a user, a channel and a date (already safe to print)."""

    def user(self, user_id: str) -> str: ...
    def channel(self, channel_id: str) -> str: ...
    def date(self, epoch: float) -> str: ...


class Safe:
    """A value printed as it is: markup the adapter made (not a ``str``, so the catalog's
    escape leaves it alone)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text
