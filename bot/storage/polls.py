# ruff: noqa: S608 - the statements are put together from this module's constants only;
# every value is a placeholder.
"""Listening polls in SQL (:class:`bot.poll.PollStore`), the same statements on SQLite and
PostgreSQL. A vote is written only while its poll is open (the condition is part of the
statement), and closing is a compare-and-set on the status."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.events import ConversationKey
from bot.poll import Poll
from bot.storage.rows import Backend

COLUMNS = (
    "id, platform, workspace, owner, channel, message, lang, choices, status, closes_at, "
    "created_at, closed_at"
)
CREATE = f"""
INSERT INTO polls (platform, workspace, owner, channel, lang, choices, status, closes_at,
                   created_at)
VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)
RETURNING {COLUMNS}"""
GET = f"SELECT {COLUMNS} FROM polls WHERE platform = ? AND workspace = ? AND id = ?"
GET_ID = f"SELECT {COLUMNS} FROM polls WHERE id = ?"
SET_MESSAGE = "UPDATE polls SET message = ? WHERE id = ? AND message IS NULL"
OPEN = "EXISTS (SELECT 1 FROM polls WHERE polls.id = ? AND polls.status = 'open')"
VOTE = f"""
INSERT INTO poll_votes (poll_id, voter, choices, voted_at)
SELECT id, CAST(? AS VARCHAR(64)), CAST(? AS TEXT), CAST(? AS FLOAT) FROM polls
WHERE id = ? AND status = 'open'
ON CONFLICT (poll_id, voter) DO UPDATE SET choices = excluded.choices,
    voted_at = excluded.voted_at
WHERE {OPEN}"""
SELECTIONS = "SELECT choices FROM poll_votes WHERE poll_id = ?"
CLOSE = f"""
UPDATE polls SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'
RETURNING {COLUMNS}"""
LATEST_CLOSED = f"""
SELECT {COLUMNS} FROM polls WHERE platform = ? AND workspace = ? AND owner = ?
  AND status = 'closed' AND message IS NOT NULL
ORDER BY closed_at DESC, id DESC LIMIT 1"""
FORGET = (
    """DELETE FROM poll_votes WHERE voter = ?
  AND poll_id IN (SELECT id FROM polls WHERE platform = ? AND workspace = ?) RETURNING voter""",
    "DELETE FROM polls WHERE platform = ? AND workspace = ? AND owner = ? RETURNING id",
)


def to_poll(row: Sequence[Any]) -> Poll:
    rid, platform, workspace, owner, channel, message, lang, choices, status = row[:9]
    closes_at, created_at, closed_at = row[9:12]
    return Poll(
        id=int(rid),
        platform=platform,
        workspace=workspace,
        owner=owner,
        channel=channel,
        message=message,
        lang=lang,
        choices=tuple(str(c) for c in json.loads(choices)),
        open=status == "open",
        closes_at=float(closes_at),
        created_at=float(created_at),
        closed_at=None if closed_at is None else float(closed_at),
    )


def selection(text: str) -> tuple[str, ...]:
    data = json.loads(text)
    return tuple(str(c) for c in data) if isinstance(data, list) else ()


class SqlPolls:
    """The polls of the database behind ``backend``."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def create(
        self,
        key: ConversationKey,
        channel: str,
        lang: str,
        choices: Sequence[str],
        closes_at: float,
        now: float,
    ) -> Poll:
        params = (key.platform, key.workspace, key.user, channel, lang, json.dumps(list(choices)))
        rows = await self.backend.rows(CREATE, (*params, closes_at, now))
        return to_poll(rows[0])

    async def get(self, platform: str, workspace: str, poll_id: int) -> Poll | None:
        rows = await self.backend.rows(GET, (platform, workspace, poll_id), write=False)
        return to_poll(rows[0]) if rows else None

    async def get_by_id(self, poll_id: int) -> Poll | None:
        rows = await self.backend.rows(GET_ID, (poll_id,), write=False)
        return to_poll(rows[0]) if rows else None

    async def set_message(self, poll_id: int, message: str) -> bool:
        return await self.backend.count(SET_MESSAGE, (message, poll_id)) > 0

    async def vote(self, poll_id: int, voter: str, choices: Sequence[str], now: float) -> bool:
        params = (voter, json.dumps(list(choices)), now, poll_id, poll_id)
        return await self.backend.count(VOTE, params) > 0

    async def selections(self, poll_id: int) -> list[tuple[str, ...]]:
        rows = await self.backend.rows(SELECTIONS, (poll_id,), write=False)
        return [selection(r[0]) for r in rows]

    async def close(self, poll_id: int, now: float) -> Poll | None:
        rows = await self.backend.rows(CLOSE, (now, poll_id))
        return to_poll(rows[0]) if rows else None

    async def latest_closed(self, platform: str, workspace: str, owner: str) -> Poll | None:
        rows = await self.backend.rows(LATEST_CLOSED, (platform, workspace, owner), write=False)
        return to_poll(rows[0]) if rows else None

    async def forget_user(self, platform: str, workspace: str, user: str) -> int:
        steps = [(FORGET[0], (user, platform, workspace)), (FORGET[1], (platform, workspace, user))]
        return sum(len(r) for r in await self.backend.script(steps))
