"""Team rounds as data: a round, its participants, the ``/ecoute team`` options, the store port.

A round belongs to one channel of one workspace or guild; every lookup names the
(platform, workspace) pair, so no other workspace ever sees it. A round is ``open`` until it
is closed once — by its owner, at its deadline, or when every invited person has answered —
by a compare-and-set on its status; a participant's answers are written only while it is
open, so the report of a closed round can no longer change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.schema import Answers

DEFAULT_DAYS = 7
MAX_DAYS = 30
DAY = 86_400.0


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Taking(StrEnum):
    """Where a participant stands."""

    INVITED = "invited"
    JOINED = "joined"
    ANSWERED = "answered"
    DECLINED = "declined"


class Closing(StrEnum):
    """Why a round closed."""

    OWNER = "owner"
    DEADLINE = "deadline"
    ALL_ANSWERED = "all_answered"


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    platform: str
    workspace: str
    channel: str
    owner: str
    """The user who opened it ("" once they asked écoute to forget them)."""
    named: bool
    """Whether the report says who said what (else counts only)."""
    invited_only: bool
    """Opened for named people: only they take part, and it closes when all have answered."""
    lang: str
    status: Status
    deadline: float
    """Epoch seconds."""
    created_at: float
    closed_at: float | None
    closed_by: Closing | None
    message: str | None
    """The channel message kept up to date (a Slack ts, a Discord message id)."""
    report_message: str | None
    """The report's message, once posted."""
    version: int

    @property
    def open(self) -> bool:
        return self.status is Status.OPEN


@dataclass(frozen=True, slots=True)
class Participant:
    user: str
    taking: Taking
    answers: Answers | None
    """The answers counted (a copy taken when they reached their verdict), if answered."""
    answered_at: float | None


@dataclass(frozen=True, slots=True)
class Tally:
    """What the round's live message shows."""

    answered: int
    expected: int
    """Invited or joined, declined ones excluded."""
    declined: int

    @classmethod
    def of(cls, participants: Sequence[Participant]) -> Tally:
        answered = sum(p.taking is Taking.ANSWERED for p in participants)
        declined = sum(p.taking is Taking.DECLINED for p in participants)
        return cls(answered, len(participants) - declined, declined)


@dataclass(frozen=True, slots=True)
class RoundOptions:
    """What ``/ecoute team`` asked for."""

    named: bool = False
    people: tuple[str, ...] = ()
    days: int = DEFAULT_DAYS


@dataclass(frozen=True, slots=True)
class OptionError:
    """An option not understood: the word, for the usage text (``team.notice.usage``)."""

    word: str
    key: str = "team.notice.usage"


_DAYS = re.compile(r"^(\d{1,3})\s*(d|j|days?|jours?)?$", re.IGNORECASE)


def parse_options(
    words: Sequence[str], named_words: Sequence[str], mention: Callable[[str], str | None]
) -> RoundOptions | OptionError:
    """``named``, the people mentioned (``mention`` reads a platform's mention into a user id,
    ``None`` for another word) and a deadline in days (``3d``, ``3j``, ``3``; 1 to 30)."""
    named, people, days = False, list[str](), DEFAULT_DAYS
    flags = {w.casefold() for w in named_words}
    for word in words:
        user = mention(word)
        found = _DAYS.match(word)
        if user is not None:
            if user not in people:
                people.append(user)
        elif word.casefold() in flags:
            named = True
        elif found is not None and 1 <= int(found.group(1)) <= MAX_DAYS:
            days = int(found.group(1))
        elif word.startswith("@"):
            return OptionError(word, "team.notice.no_people")
        else:
            return OptionError(word)
    return RoundOptions(named, tuple(people), days)


@dataclass(frozen=True, slots=True)
class NewRound:
    platform: str
    workspace: str
    channel: str
    owner: str
    lang: str
    options: RoundOptions


class RoundStore(Protocol):
    """Durable rounds. Every method is one statement (atomic), scoped to its workspace."""

    async def create_round(self, new: NewRound, now: float) -> Round:
        """A new open round, its invited people recorded as ``invited``."""

    async def get_round(self, platform: str, workspace: str, round_id: int) -> Round | None: ...

    async def rounds(
        self, platform: str, workspace: str, *, channel: str | None = None
    ) -> list[Round]:
        """The workspace's rounds (of one channel), newest first."""

    async def participants(self, round_id: int) -> list[Participant]:
        """In the order they were invited or joined."""

    async def join(self, round_id: int, user: str, now: float) -> bool:
        """Take part in an open round (again, after declining). ``False``: closed or gone."""

    async def decline(self, round_id: int, user: str, now: float) -> bool:
        """Not this time (an answered participant keeps their answers). ``False``: closed."""

    async def answered(self, round_id: int, user: str, answers: Answers, now: float) -> bool:
        """Count these answers for ``user``, if the round is still open and they take part."""

    async def taking_part(self, platform: str, workspace: str, user: str) -> list[Round]:
        """The open rounds in which ``user`` joined or answered (their verdict counts there)."""

    async def close(self, round_id: int, why: Closing, now: float) -> Round | None:
        """Close an open round (compare-and-set on its status): the closed round, or ``None``
        when it was closed already — exactly one caller closes it."""

    async def set_message(self, round_id: int, message: str) -> bool:
        """Record the live message, if none is recorded yet."""

    async def due(self, platform: str, now: float, limit: int = 50) -> list[Round]:
        """Open rounds of ``platform`` whose deadline has passed."""

    async def claim_report(self, round_id: int, claimant: str, now: float, lease: float) -> bool:
        """Claim posting the report of a closed round that has none yet (compare-and-set): a
        claim older than ``lease`` seconds is taken over (its process died)."""

    async def report_posted(self, round_id: int, message: str) -> None: ...

    async def unreported(
        self, platform: str, now: float, lease: float, limit: int = 50
    ) -> list[Round]:
        """Closed rounds of ``platform`` without a report whose claim, if any, is older than
        ``lease``."""

    async def forget_user(self, platform: str, workspace: str, user: str) -> int:
        """Remove the user's participations and their name from rounds they opened."""


def encode_answers(answers: Answers) -> Mapping[str, object]:
    """Answers as JSON values (lists for several choices)."""
    return {q: list(v) if isinstance(v, tuple) else v for q, v in answers.items()}
