"""Platform markup for core tests (:class:`bot.refs.Refs`): Discord's, which is short to read."""

from __future__ import annotations


class Refs:
    def user(self, user_id: str) -> str:
        return f"<@{user_id}>"

    def channel(self, channel_id: str) -> str:
        return f"<#{channel_id}>"

    def date(self, epoch: float) -> str:
        return f"<t:{int(epoch)}:D>"
