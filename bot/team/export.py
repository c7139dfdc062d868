"""A team round's answers and verdicts as a file: CSV for spreadsheets, JSON for programs.

:func:`gather` reads the rounds through the :class:`~bot.team.rounds.RoundStore` port, always
scoped to one (platform, workspace), so a round id of another workspace gives nothing.
:func:`to_csv` and :func:`to_json` are pure; each participant's verdict is computed again with
:func:`bot.verdict.diagnose` from the answers the round counted.

Privacy by default: a participant is their user id only in a ``named`` round; in an anonymous
one they are ``participant 1``, ``participant 2``… numbered in the order they answered (those
who did not answer last, grouped by where they stand), not in the order they were invited or
joined — the owner knows that order, so it would name them. The owner is never exported.

Columns and keys are ids of the public schema (:mod:`bot.schema`), never texts, so an export
reads the same in every language. CSV cells a spreadsheet would run as a formula are prefixed
with ``'`` (OWASP's advice against CSV injection): ``audience`` is free text users type.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.schema import Answers, AnswerValue, Schema
from bot.team.rounds import Participant, Round, RoundStore, Taking, encode_answers
from bot.verdict import Verdict, diagnose
from bot.verdict.scoring import Weights

FORMAT = "ecoute.team-export"
VERSION = 1
"""Of the JSON document (``docs/export.schema.json``); raised when a key changes meaning."""

ROUND_COLUMNS = (
    "round_id",
    "platform",
    "workspace",
    "channel",
    "round_status",
    "opened_at",
    "closed_at",
    "named",
    "participant",
    "taking",
    "answered_at",
)
VERDICT_COLUMNS = ("warnings", "alternatives", "score")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""

_UNANSWERED_ORDER = {Taking.ANSWERED: 0, Taking.JOINED: 1, Taking.INVITED: 2, Taking.DECLINED: 3}


@dataclass(frozen=True, slots=True)
class ParticipantExport:
    """One participant as exported: already named or numbered, so no participant's user id of
    an anonymous round goes further than :func:`gather`."""

    participant: str
    """The user id in a named round, else ``participant N``."""
    taking: Taking
    answers: Answers | None
    """The answers counted, ``None`` when they did not answer."""
    answered_at: float | None


@dataclass(frozen=True, slots=True)
class RoundExport:
    round: Round
    participants: tuple[ParticipantExport, ...]


async def gather(
    rounds: RoundStore, platform: str, workspace: str, round_id: int | None = None
) -> list[RoundExport]:
    """Round ``round_id`` of this workspace (nothing when it is another workspace's or gone),
    or every round of the workspace, newest first; with their participants."""
    if round_id is None:
        found = await rounds.rounds(platform, workspace)
    else:
        one = await rounds.get_round(platform, workspace, round_id)
        found = [] if one is None else [one]
    return [RoundExport(r, _labelled(r, await rounds.participants(r.id))) for r in found]


def _labelled(round_: Round, participants: Sequence[Participant]) -> tuple[ParticipantExport, ...]:
    if round_.named:
        return tuple(
            ParticipantExport(p.user, p.taking, p.answers, p.answered_at) for p in participants
        )
    # A stable sort: rows that would keep the store's (invitation) order carry no answers,
    # so they are alike but for their number.
    ordered = sorted(
        participants,
        key=lambda p: (
            p.answered_at is None,
            p.answered_at or 0.0,
            _UNANSWERED_ORDER.get(p.taking, len(_UNANSWERED_ORDER)),
        ),
    )
    return tuple(
        ParticipantExport(f"participant {n}", p.taking, p.answers, p.answered_at)
        for n, p in enumerate(ordered, start=1)
    )


def platform_choices(schema: Schema) -> tuple[str, ...]:
    platforms = schema.question("platforms")
    return tuple(platforms.choices) if platforms is not None else ()


def columns(schema: Schema) -> tuple[str, ...]:
    """The CSV header: the round and participant, every question, the verdict per network."""
    return (
        *ROUND_COLUMNS,
        *(q.id for q in schema.all_questions()),
        *(f"verdict.{p}" for p in platform_choices(schema)),
        *VERDICT_COLUMNS,
    )


def iso_time(epoch: float | None) -> str | None:
    """``2026-12-02T17:00:00Z`` (UTC, to the second), ``None`` for no time."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows instead of running it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(exports: Sequence[RoundExport], schema: Schema, weights: Weights | None = None) -> bytes:
    """One row per participant (rounds in the given order), UTF-8 with a byte order mark so
    that spreadsheets read accents right; several choices are joined with a space, what was
    not answered is an empty cell."""
    header = columns(schema)
    questions = [q.id for q in schema.all_questions()]
    networks = platform_choices(schema)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for export in exports:
        for p in export.participants:
            writer.writerow(
                _row(export.round, p, _verdict(p, schema, weights), questions, networks)
            )
    return out.getvalue().encode("utf-8-sig")


def _row(
    r: Round,
    p: ParticipantExport,
    verdict: Verdict | None,
    questions: Sequence[str],
    networks: Sequence[str],
) -> list[str]:
    answers = p.answers or {}
    calls = {c.platform: c.verdict for c in verdict.platforms} if verdict else {}
    row = [
        str(r.id),
        r.platform,
        r.workspace,
        r.channel,
        r.status.value,
        iso_time(r.created_at) or "",
        iso_time(r.closed_at) or "",
        "true" if r.named else "false",
        p.participant,
        p.taking.value,
        iso_time(p.answered_at) or "",
        *(_cell(answers.get(q)) for q in questions),
        *(calls.get(n, "") for n in networks),
        " ".join(verdict.warnings) if verdict else "",
        " ".join(_channels(verdict)) if verdict else "",
        str(verdict.score) if verdict else "",
    ]
    return [neutralise(c) for c in row]


def to_json(
    exports: Sequence[RoundExport], schema: Schema, weights: Weights | None = None
) -> bytes:
    """The document ``docs/export.schema.json`` describes, as UTF-8 (values as stored: no
    escaping, it is data)."""
    order = {q.id: i for i, q in enumerate(schema.all_questions())}
    document = {
        "format": FORMAT,
        "version": VERSION,
        "rounds": [
            {
                "id": e.round.id,
                "platform": e.round.platform,
                "workspace": e.round.workspace,
                "channel": e.round.channel,
                "status": e.round.status.value,
                "named": e.round.named,
                "opened_at": iso_time(e.round.created_at),
                "closed_at": iso_time(e.round.closed_at),
                "closed_by": e.round.closed_by.value if e.round.closed_by else None,
                "deadline": iso_time(e.round.deadline),
                "participants": [
                    {
                        "participant": p.participant,
                        "taking": p.taking.value,
                        "answered_at": iso_time(p.answered_at),
                        "answers": _answers_json(p.answers, order),
                        "verdict": _verdict_json(_verdict(p, schema, weights)),
                    }
                    for p in e.participants
                ],
            }
            for e in exports
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _verdict(p: ParticipantExport, schema: Schema, weights: Weights | None) -> Verdict | None:
    """Their verdict, ``None`` when they did not answer."""
    if p.answers is None:
        return None
    return diagnose(p.answers, schema=schema, weights=weights)


def _cell(value: AnswerValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return " ".join(value)
    return str(value)


def _channels(verdict: Verdict) -> list[str]:
    """The alternatives' channels, best first, each once."""
    return list(dict.fromkeys(a.channel for a in verdict.alternatives))


def _answers_json(answers: Answers | None, order: dict[str, int]) -> dict[str, Any] | None:
    """In the schema's order; an answer to a question no longer asked is kept, last."""
    if answers is None:
        return None
    encoded = encode_answers(answers)
    ranked = sorted(encoded, key=lambda q: (order.get(q, len(order)), q))
    return {q: encoded[q] for q in ranked}


def _verdict_json(verdict: Verdict | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "platforms": {c.platform: c.verdict for c in verdict.platforms},
        "warnings": list(verdict.warnings),
        "alternatives": _channels(verdict),
        "score": verdict.score,
    }


__all__ = [
    "FORMAT",
    "FORMULA_STARTS",
    "VERSION",
    "ParticipantExport",
    "RoundExport",
    "columns",
    "gather",
    "iso_time",
    "neutralise",
    "platform_choices",
    "to_csv",
    "to_json",
]
