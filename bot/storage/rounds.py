# ruff: noqa: S608 - the statements are put together from this module's constants only;
# every value is a placeholder.
"""Team rounds in SQL (:class:`bot.team.rounds.RoundStore`), the same statements on SQLite and
PostgreSQL.

Rounds are not the hot path (a few writes per participant), so they use the backends'
portable statements (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``). Each write is one
statement whose ``WHERE`` carries its condition — the round still open, the status still
``open``, no report yet — so a write that lost a race changes nothing, whichever process
made it (on PostgreSQL the condition is checked again on the row a concurrent writer left).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.schema import Answers
from bot.storage.rows import FIRST, Backend, decode, encode
from bot.team.rounds import (
    DAY,
    Closing,
    NewRound,
    Participant,
    Round,
    Status,
    Taking,
)

COLUMNS = (
    "id, platform, workspace, channel, owner, named, invited_only, lang, status, deadline, "
    "created_at, closed_at, closed_by, message, report_message, version"
)
OPEN = "EXISTS (SELECT 1 FROM rounds WHERE rounds.id = ? AND rounds.status = 'open')"

CREATE = f"""
INSERT INTO rounds (platform, workspace, channel, owner, named, invited_only, lang, status,
                    deadline, created_at, version)
VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 1)
RETURNING {COLUMNS}"""
INVITE = """
INSERT INTO round_participants (round_id, user_id, taking, joined_at) VALUES (?, ?, 'invited', ?)
ON CONFLICT (round_id, user_id) DO NOTHING"""
GET = f"SELECT {COLUMNS} FROM rounds WHERE platform = ? AND workspace = ? AND id = ?"
LIST = f"SELECT {COLUMNS} FROM rounds WHERE platform = ? AND workspace = ? ORDER BY id DESC"
LIST_CHANNEL = f"""
SELECT {COLUMNS} FROM rounds WHERE platform = ? AND workspace = ? AND channel = ?
ORDER BY id DESC"""
PARTICIPANTS = """
SELECT user_id, taking, answers, answered_at FROM round_participants WHERE round_id = ?
ORDER BY joined_at, user_id"""
JOIN = f"""
INSERT INTO round_participants (round_id, user_id, taking, joined_at)
SELECT id, CAST(? AS VARCHAR(64)), 'joined', CAST(? AS FLOAT) FROM rounds
WHERE id = ? AND status = 'open'
ON CONFLICT (round_id, user_id) DO UPDATE SET taking = 'joined'
WHERE round_participants.taking IN ('invited', 'declined') AND {OPEN}"""
DECLINE = f"""
UPDATE round_participants SET taking = 'declined'
WHERE round_id = ? AND user_id = ? AND taking IN ('invited', 'joined') AND {OPEN}"""
ANSWERED = f"""
UPDATE round_participants SET taking = 'answered', answers = ?, answered_at = ?
WHERE round_id = ? AND user_id = ? AND taking IN ('joined', 'answered') AND {OPEN}"""
TAKING_PART = f"""
SELECT {", ".join(f"r.{c.strip()}" for c in COLUMNS.split(","))}
FROM rounds AS r JOIN round_participants AS p ON p.round_id = r.id
WHERE r.platform = ? AND r.workspace = ? AND p.user_id = ? AND r.status = 'open'
  AND p.taking IN ('joined', 'answered')
ORDER BY r.id"""
CLOSE = f"""
UPDATE rounds SET status = 'closed', closed_at = ?, closed_by = ?, version = version + 1
WHERE id = ? AND status = 'open'
RETURNING {COLUMNS}"""
SET_MESSAGE = "UPDATE rounds SET message = ? WHERE id = ? AND message IS NULL"
DUE = f"""
SELECT {COLUMNS} FROM rounds WHERE platform = ? AND status = 'open' AND deadline <= ?
ORDER BY deadline LIMIT ?"""
UNCLAIMED = "report_message IS NULL AND (report_claim IS NULL OR report_claimed_at < ?)"
CLAIM = f"""
UPDATE rounds SET report_claim = ?, report_claimed_at = ?
WHERE id = ? AND status = 'closed' AND {UNCLAIMED}"""
POSTED = "UPDATE rounds SET report_message = ? WHERE id = ?"
UNREPORTED = f"""
SELECT {COLUMNS} FROM rounds WHERE platform = ? AND status = 'closed' AND {UNCLAIMED}
ORDER BY id LIMIT ?"""
FORGET_PARTS = """
DELETE FROM round_participants WHERE user_id = ?
  AND round_id IN (SELECT id FROM rounds WHERE platform = ? AND workspace = ?)"""
FORGET_OWNER = "UPDATE rounds SET owner = '' WHERE platform = ? AND workspace = ? AND owner = ?"


def to_round(row: Sequence[Any]) -> Round:
    (rid, platform, workspace, channel, owner, named, invited_only, lang, status, deadline) = row[
        :10
    ]
    created_at, closed_at, closed_by, message, report_message, version = row[10:16]
    return Round(
        id=int(rid),
        platform=platform,
        workspace=workspace,
        channel=channel,
        owner=owner,
        named=bool(named),
        invited_only=bool(invited_only),
        lang=lang,
        status=Status(status),
        deadline=float(deadline),
        created_at=float(created_at),
        closed_at=None if closed_at is None else float(closed_at),
        closed_by=None if closed_by is None else Closing(closed_by),
        message=message,
        report_message=report_message,
        version=int(version),
    )


def dump_answers(answers: Answers) -> str:
    """Answers as one JSON object, each value encoded as the answers table stores it."""
    return json.dumps({q: json.loads(encode(v)) for q, v in answers.items()}, ensure_ascii=False)


def load_answers(text: str | None) -> Answers | None:
    if text is None:
        return None
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"unexpected stored answers {text[:60]!r}")
    return {str(q): decode(json.dumps(v)) for q, v in data.items()}


class SqlRounds:
    """The rounds of the database behind ``backend``."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def create_round(self, new: NewRound, now: float) -> Round:
        o = new.options
        deadline = now + o.days * DAY
        first = (new.platform, new.workspace, new.channel, new.owner, int(o.named))
        steps: list[tuple[str, Sequence[Any]]] = [
            (CREATE, (*first, int(bool(o.people)), new.lang, deadline, now))
        ]
        # Invited people are in the order they were named (joined_at breaks ties by order).
        steps += [(INVITE, (FIRST, user, now + i * 1e-6)) for i, user in enumerate(o.people)]
        results = await self.backend.script(steps)
        return to_round(results[0][0])

    async def get_round(self, platform: str, workspace: str, round_id: int) -> Round | None:
        rows = await self.backend.rows(GET, (platform, workspace, round_id), write=False)
        return to_round(rows[0]) if rows else None

    async def rounds(
        self, platform: str, workspace: str, *, channel: str | None = None
    ) -> list[Round]:
        if channel is None:
            rows = await self.backend.rows(LIST, (platform, workspace), write=False)
        else:
            rows = await self.backend.rows(
                LIST_CHANNEL, (platform, workspace, channel), write=False
            )
        return [to_round(r) for r in rows]

    async def participants(self, round_id: int) -> list[Participant]:
        rows = await self.backend.rows(PARTICIPANTS, (round_id,), write=False)
        return [
            Participant(
                user=str(user),
                taking=Taking(taking),
                answers=load_answers(answers),
                answered_at=None if at is None else float(at),
            )
            for user, taking, answers, at in rows
        ]

    async def join(self, round_id: int, user: str, now: float) -> bool:
        return await self.backend.count(JOIN, (user, now, round_id, round_id)) > 0

    async def decline(self, round_id: int, user: str, now: float) -> bool:
        return await self.backend.count(DECLINE, (round_id, user, round_id)) > 0

    async def answered(self, round_id: int, user: str, answers: Answers, now: float) -> bool:
        params = (dump_answers(answers), now, round_id, user, round_id)
        return await self.backend.count(ANSWERED, params) > 0

    async def taking_part(self, platform: str, workspace: str, user: str) -> list[Round]:
        rows = await self.backend.rows(TAKING_PART, (platform, workspace, user), write=False)
        return [to_round(r) for r in rows]

    async def close(self, round_id: int, why: Closing, now: float) -> Round | None:
        rows = await self.backend.rows(CLOSE, (now, why.value, round_id))
        return to_round(rows[0]) if rows else None

    async def set_message(self, round_id: int, message: str) -> bool:
        return await self.backend.count(SET_MESSAGE, (message, round_id)) > 0

    async def due(self, platform: str, now: float, limit: int = 50) -> list[Round]:
        rows = await self.backend.rows(DUE, (platform, now, limit), write=False)
        return [to_round(r) for r in rows]

    async def claim_report(self, round_id: int, claimant: str, now: float, lease: float) -> bool:
        params = (claimant, now, round_id, now - lease)
        return await self.backend.count(CLAIM, params) > 0

    async def report_posted(self, round_id: int, message: str) -> None:
        await self.backend.count(POSTED, (message, round_id))

    async def unreported(
        self, platform: str, now: float, lease: float, limit: int = 50
    ) -> list[Round]:
        rows = await self.backend.rows(UNREPORTED, (platform, now - lease, limit), write=False)
        return [to_round(r) for r in rows]

    async def forget_user(self, platform: str, workspace: str, user: str) -> int:
        results = await self.backend.script(
            [
                (FORGET_PARTS + " RETURNING user_id", (user, platform, workspace)),
                (FORGET_OWNER + " RETURNING id", (platform, workspace, user)),
            ]
        )
        return sum(len(r) for r in results)
