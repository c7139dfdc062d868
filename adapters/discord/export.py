"""``/ecoute export``: a team round's answers and verdicts as CSV and JSON attachments.

The files are :mod:`bot.team.export`'s; here they are attached to a private reply. Who may
export: the round's owner, or a member with *Manage Server* (every round of the server).
Everything is read within the interaction's own guild, so another server's round id finds
nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import discord

from adapters.discord.handlers import PLATFORM
from adapters.discord.messages import Outgoing
from bot.events import ConversationKey
from bot.team.export import RoundExport, gather, to_csv, to_json
from bot.team.service import TeamService
from bot.team.view import TeamTexts


@dataclass(frozen=True, slots=True)
class Export:
    exports: list[RoundExport]
    notice: str
    """What the reply says: the files' caption, or why there are none."""


async def export_rounds(
    team: TeamService,
    texts: TeamTexts,
    key: ConversationKey,
    round_id: int | None,
    *,
    admin: bool,
) -> Export:
    """The rounds ``key`` may export (one, or all of theirs; all of the guild's for an
    admin), or the notice saying why there are none."""
    found = await gather(team.rounds, PLATFORM, key.workspace, round_id)
    if not found:
        return Export([], texts.notice("not_found" if round_id is not None else "export_none"))
    allowed = found if admin else [e for e in found if e.round.owner == key.user]
    if not allowed:
        return Export([], texts.notice("export_denied"))
    return Export(allowed, texts.notice("export_sent"))


def export_message(team: TeamService, result: Export) -> Outgoing:
    """The reply: the notice, and the CSV and JSON files when there is something to send."""
    message = Outgoing(content=result.notice).fitted()
    if result.exports:
        schema, weights = team.conversations.schema, team.conversations.weights
        ids = {e.round.id for e in result.exports}
        name = f"team-round-{ids.pop()}" if len(ids) == 1 else "team-rounds"
        message.files = [
            discord.File(io.BytesIO(to_csv(result.exports, schema, weights)), f"{name}.csv"),
            discord.File(io.BytesIO(to_json(result.exports, schema, weights)), f"{name}.json"),
        ]
    return message
