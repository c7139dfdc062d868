"""The team report: a pure function from the participants' answers to a :class:`TeamReport`.

Each participant's verdict is computed with :func:`bot.verdict.diagnose`, then counted:

- per network, how many verdicts say ``engage`` / ``test`` / ``drop`` among the participants
  who chose it, and the team's verdict: the call more than half of them gave, else ``test``
  (a team that does not agree has something to find out before it commits or gives up);
- the questions whose answers diverge most: for each single-choice question answered by at
  least two people, the spread ``1 - (most common answer's share)``; presence questions first
  at equal spread, since "are our customers even there?" is the article's question;
- the warnings at least two people triggered (everyone's, when only one answered);
- the alternatives ranked for the team: by how many people were offered each, then by a
  Borda count of their places in each list.

Named rounds keep who said what; anonymous ones keep counts only (no user id in the report).
Texts are added by :mod:`bot.team.view`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.schema import Answers, Kind, Schema
from bot.verdict import DROP, ENGAGE, TEST, WARNINGS, Verdict, diagnose
from bot.verdict.scoring import Weights

VERDICTS = (ENGAGE, TEST, DROP)
"""The order of a network's counts, and of the chart's stacks."""
MAX_DIVERGENCES = 3
"""The questions shown where the team disagrees most."""
SHARED_AT = 2
"""A warning is the team's when at least this many triggered it."""


@dataclass(frozen=True, slots=True)
class Member:
    """One participant who answered: who (shown only in named rounds) and their answers."""

    user: str
    answers: Answers


@dataclass(frozen=True, slots=True)
class NetworkTally:
    platform: str
    engage: int
    test: int
    drop: int
    team: str
    """The team's verdict for this network: ``engage`` | ``test`` | ``drop``."""
    who: Mapping[str, tuple[str, ...]] | None = None
    """Named rounds only: verdict -> the users who gave it."""

    def count(self, verdict: str) -> int:
        return {ENGAGE: self.engage, TEST: self.test, DROP: self.drop}[verdict]

    @property
    def total(self) -> int:
        return self.engage + self.test + self.drop


@dataclass(frozen=True, slots=True)
class Divergence:
    question: str
    """A question id of the public schema (``presence.instagram``)."""
    counts: tuple[tuple[str, int], ...]
    """(answer, how many gave it), most given first."""
    spread: float
    """0 (everyone agrees) to nearly 1 (everyone differs)."""
    who: Mapping[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, slots=True)
class SharedWarning:
    code: str
    count: int
    who: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class TeamAlternative:
    channel: str
    count: int
    """How many participants were offered it."""
    points: int
    """Borda points: a first place in a list of n is worth n, the last 1."""


@dataclass(frozen=True, slots=True)
class TeamReport:
    answered: int
    """Participants whose answers are counted."""
    expected: int
    """Participants the round counted on (invited or joined), declined ones included."""
    named: bool
    networks: tuple[NetworkTally, ...]
    """In the schema's order of networks; only those someone chose."""
    divergences: tuple[Divergence, ...]
    warnings: tuple[SharedWarning, ...]
    alternatives: tuple[TeamAlternative, ...]
    """Best first."""


def team_report(
    members: Sequence[Member],
    *,
    expected: int,
    named: bool,
    schema: Schema,
    weights: Weights | None = None,
) -> TeamReport:
    """The report of ``members`` (the participants who answered, in the order they did)."""
    verdicts = [diagnose(m.answers, schema=schema, weights=weights) for m in members]
    return TeamReport(
        answered=len(members),
        expected=max(expected, len(members)),
        named=named,
        networks=_networks(members, verdicts, schema, named),
        divergences=_divergences(members, schema, named),
        warnings=_warnings(members, verdicts, named),
        alternatives=_alternatives(verdicts),
    )


def team_verdict(engage: int, test: int, drop: int) -> str:
    """More than half say the same: that call; otherwise ``test``."""
    total = engage + test + drop
    if engage * 2 > total:
        return ENGAGE
    if drop * 2 > total:
        return DROP
    return TEST


def _platform_order(schema: Schema) -> tuple[str, ...]:
    platforms = schema.question("platforms")
    return tuple(platforms.choices) if platforms is not None else ()


def _networks(
    members: Sequence[Member], verdicts: Sequence[Verdict], schema: Schema, named: bool
) -> tuple[NetworkTally, ...]:
    calls: dict[str, list[tuple[str, str]]] = {}
    for member, verdict in zip(members, verdicts, strict=True):
        for call in verdict.platforms:
            calls.setdefault(call.platform, []).append((member.user, call.verdict))
    order = {p: i for i, p in enumerate(_platform_order(schema))}
    tallies = []
    for platform in sorted(calls, key=lambda p: (order.get(p, len(order)), p)):
        counts = Counter(verdict for _, verdict in calls[platform])
        e, t, d = (counts[v] for v in VERDICTS)
        who = None
        if named:
            who = {v: tuple(u for u, said in calls[platform] if said == v) for v in VERDICTS}
        tallies.append(NetworkTally(platform, e, t, d, team_verdict(e, t, d), who))
    return tuple(tallies)


def _divergences(members: Sequence[Member], schema: Schema, named: bool) -> tuple[Divergence, ...]:
    said: dict[str, list[tuple[str, str]]] = {}
    for member in members:
        for question in schema.sequence(member.answers):
            value = member.answers.get(question.id)
            if question.kind is Kind.ONE and isinstance(value, str):
                said.setdefault(question.id, []).append((member.user, value))
    found = []
    for question_id, given in said.items():
        if len(given) < 2:
            continue
        counts = Counter(value for _, value in given)
        if len(counts) < 2:
            continue
        ranked = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        spread = 1 - ranked[0][1] / len(given)
        who = None
        if named:
            who = {value: tuple(u for u, v in given if v == value) for value, _ in ranked}
        found.append(Divergence(question_id, ranked, round(spread, 4), who))
    found.sort(key=lambda d: (-d.spread, not d.question.startswith("presence."), d.question))
    return tuple(found[:MAX_DIVERGENCES])


def _warnings(
    members: Sequence[Member], verdicts: Sequence[Verdict], named: bool
) -> tuple[SharedWarning, ...]:
    at_least = SHARED_AT if len(members) >= SHARED_AT else 1
    shared = []
    for code in WARNINGS:
        who = tuple(m.user for m, v in zip(members, verdicts, strict=True) if code in v.warnings)
        if len(who) >= at_least:
            shared.append(SharedWarning(code, len(who), who if named else None))
    return tuple(shared)


def _alternatives(verdicts: Sequence[Verdict]) -> tuple[TeamAlternative, ...]:
    count: Counter[str] = Counter()
    points: Counter[str] = Counter()
    for verdict in verdicts:
        channels = list(dict.fromkeys(a.channel for a in verdict.alternatives))
        for place, channel in enumerate(channels):
            count[channel] += 1
            points[channel] += len(channels) - place
    ranked = sorted(count, key=lambda c: (-count[c], -points[c], c))
    return tuple(TeamAlternative(c, count[c], points[c]) for c in ranked)


__all__ = [
    "MAX_DIVERGENCES",
    "SHARED_AT",
    "VERDICTS",
    "Divergence",
    "Member",
    "NetworkTally",
    "SharedWarning",
    "TeamAlternative",
    "TeamReport",
    "team_report",
    "team_verdict",
]
