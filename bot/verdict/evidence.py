"""Evidence: the closed counts of a listening poll, and what they say about each network.

The poll asks the audience "Where would you like to hear from us?"; each respondent may pick
several of the networks (the ``platforms`` choices of the schema), ``email``, ``in_person``
(in person, flyers) and ``nowhere``. :class:`Evidence` holds how many answered and how many
picked each choice. The article's question is "you are talking — is anyone listening?": the
marketer's ``presence.<platform>`` answer is a guess at it, the poll is the audience's own
answer, so once enough people answered it outranks the guess for every chosen platform.

The thresholds (the article gives no numbers; these are ours, chosen to read its argument):

- :data:`MIN_RESPONDENTS` = 5: below five answers one enthusiast, or one friend of the
  owner, moves a share by a fifth or more; a poll that small is cited, never used.
- :data:`WANTED_AT` = 1/2: when at least half of those who answered want to hear from you on a
  network, most of your audience listens there — it counts as ``engaged`` (customers there
  who want to hear from a business like yours: the burrito case).
- :data:`FEW_AT` = 1/5: when at most one in five want it, four in five would not read what
  you post there — "content no one reads", the licence-plate case — so it counts as
  ``absent`` and the network is dropped, the few who want it being reachable by the
  channels they named (email, in person). With five answers, one yes alone is not an audience.
- in between, ``unknown``: some want it, most don't; at best a time-boxed test (principle 4).

The same bands decide whether the poll alone proposes email or flyers (share above
:data:`FEW_AT`). Shares are exact fractions. Pure: nothing here reads a file unless
:func:`evidence_from_json` is given no schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from bot.schema import Schema, load_schema
from bot.validation import AnswerProblem

MIN_RESPONDENTS = 5
"""Fewer answers than this: the poll is cited, not used."""
WANTED_AT = Fraction(1, 2)
"""A share at least this counts as ``engaged``."""
FEW_AT = Fraction(1, 5)
"""A share at most this counts as ``absent``."""

CHANNELS = ("email", "in_person", "nowhere")
"""The poll's choices besides the networks."""
KEYS = ("respondents", "wants")
"""The keys of the evidence's JSON object."""
ENGAGED, UNKNOWN, ABSENT = "engaged", "unknown", "absent"


class EvidenceError(ValueError):
    """Evidence that does not hold together: one :class:`AnswerProblem` (key, value, why — the
    message key under ``verdict.diagnose`` — and the values of that message) per problem."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        super().__init__("\n".join(f"{p.key}: {p.value!r}: {p.why}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Evidence:
    """A closed poll: ``respondents`` people answered, ``wants[choice]`` of them picked that
    choice (several choices each, so the counts may add up to more than ``respondents``).
    A choice left out of ``wants`` was picked by nobody. Checked when built (counts only;
    the choices are checked against a schema by :func:`check_choices`)."""

    respondents: int
    wants: Mapping[str, int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "wants", MappingProxyType(dict(self.wants)))
        problems = _count_problems("respondents", self.respondents, None)
        if not problems:
            for key, count in self.wants.items():
                problems += _count_problems(f"wants.{key}", count, self.respondents)
        if problems:
            raise EvidenceError(problems)

    def wanting(self, choice: str) -> int:
        return self.wants.get(choice, 0)

    def share(self, choice: str) -> Fraction:
        """The exact share of respondents who picked ``choice`` (0 when nobody answered)."""
        return Fraction(self.wanting(choice), self.respondents) if self.respondents else Fraction()

    @property
    def used(self) -> bool:
        """Enough people answered for the poll to decide (:data:`MIN_RESPONDENTS`)."""
        return self.respondents >= MIN_RESPONDENTS

    def plus(self, choice: str, more: int, *, wanting: bool) -> Evidence:
        """The same poll with ``more`` further answers, picking ``choice`` or not."""
        wants = {**self.wants, choice: self.wanting(choice) + (more if wanting else 0)}
        return Evidence(self.respondents + more, wants)


def poll_presence(evidence: Evidence | None, choice: str) -> str | None:
    """What the poll says of ``choice`` as a presence answer (``engaged`` / ``unknown`` /
    ``absent``), or ``None`` when there is no poll or too few answered it."""
    if evidence is None or not evidence.used:
        return None
    share = evidence.share(choice)
    if share >= WANTED_AT:
        return ENGAGED
    return ABSENT if share <= FEW_AT else UNKNOWN


def choices(schema: Schema) -> tuple[str, ...]:
    """The poll's choices: the schema's networks, then :data:`CHANNELS`."""
    return (*schema.entry("platforms").choices, *CHANNELS)


def check_choices(evidence: Evidence, schema: Schema) -> None:
    """Raise :class:`EvidenceError` for a ``wants`` key that is no choice of the poll."""
    allowed = choices(schema)
    problems = [
        AnswerProblem(f"wants.{key}", count, "evidence_unknown_choice", {"choices": allowed})
        for key, count in evidence.wants.items()
        if key not in allowed
    ]
    if problems:
        raise EvidenceError(problems)


def evidence_from_json(data: object, schema: Schema | None = None) -> Evidence:
    """The evidence in a parsed JSON document ``{"respondents": N, "wants": {choice: n}}``;
    every problem at once in an :class:`EvidenceError`. ``schema`` defaults to the shipped one
    (read from ``prompts/questions.toml``)."""
    if not isinstance(data, dict):
        raise EvidenceError([AnswerProblem("evidence", data, "evidence_not_object", {})])
    problems = [
        AnswerProblem(key, data[key], "evidence_unknown_key", {"choices": KEYS})
        for key in data
        if key not in KEYS
    ]
    problems += [
        AnswerProblem(key, None, "evidence_missing", {}) for key in KEYS if key not in data
    ]
    respondents, wants = data.get("respondents"), data.get("wants", {})
    if not isinstance(wants, dict):
        problems.append(AnswerProblem("wants", wants, "evidence_wants_not_object", {}))
        wants = {}
    allowed = choices(schema or load_schema())
    problems += [
        AnswerProblem(f"wants.{key}", count, "evidence_unknown_choice", {"choices": allowed})
        for key, count in wants.items()
        if key not in allowed
    ]
    wants = {k: v for k, v in wants.items() if k in allowed}
    if "respondents" in data:
        problems += _count_problems("respondents", respondents, None)
    total = respondents if isinstance(respondents, int) and respondents >= 0 else None
    for key, count in wants.items():
        problems += _count_problems(f"wants.{key}", count, total)
    if problems:
        raise EvidenceError(problems)
    assert isinstance(respondents, int)  # no problem was found with it
    return Evidence(respondents, wants)


def _count_problems(key: str, count: object, respondents: int | None) -> list[AnswerProblem]:
    """A count is a whole number from 0 to ``respondents`` (when known)."""
    if not isinstance(count, int) or isinstance(count, bool):
        return [AnswerProblem(key, count, "evidence_not_integer", {})]
    if count < 0:
        return [AnswerProblem(key, count, "evidence_negative", {})]
    if respondents is not None and count > respondents:
        return [
            AnswerProblem(key, count, "evidence_above_respondents", {"respondents": respondents})
        ]
    return []
