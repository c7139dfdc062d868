"""The team service: open a round, take part, count verdicts, close, report — for any adapter.

Nothing here lives in one process's memory: every decision reads the database (the round's
status and its participants), and every change is a conditional write (see
:mod:`bot.storage.rounds`), so any process may handle any click. Closing is one
compare-and-set: exactly one caller gets the closed round back and goes on to the report;
posting the report is claimed the same way, and a claim whose process died is taken over
after :data:`REPORT_LEASE` seconds by the sweep (:meth:`TeamService.sweep`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.catalog import Catalog, Escape
from bot.conversation import Phase
from bot.events import ConversationKey
from bot.refs import Refs
from bot.service import ConversationService, Locale
from bot.team.report import Member, TeamReport, team_report
from bot.team.rounds import (
    Closing,
    NewRound,
    OptionError,
    Participant,
    Round,
    RoundStore,
    Taking,
    Tally,
    parse_options,
)
from bot.team.view import InviteView, RoundView, TeamReportView, TeamTexts

REPORT_LEASE = 60.0
"""Seconds a process may take to post a report before another one takes it over."""

Clock = Callable[[], float]


class Joined(StrEnum):
    """What taking part leads to."""

    INTERVIEW = "interview"
    """Show the interview (start or resume it)."""
    CHOOSE = "choose"
    """They have a verdict: ask whether to use it or answer again."""
    COUNTED = "counted"
    """Their verdict is counted."""
    REFUSED = "refused"
    """Not possible (closed, not invited, not found): tell them ``notice``."""


@dataclass(frozen=True, slots=True)
class Outcome:
    joined: Joined
    round: Round | None
    notice: str = ""
    invite: InviteView | None = None
    closed: Round | None = None
    """Set when this step closed the round (its last invited person answered): report it."""


@dataclass(frozen=True, slots=True)
class Opened:
    round: Round
    invited: tuple[str, ...]


class TeamService:
    """Team rounds on top of the conversations of :class:`ConversationService`."""

    def __init__(
        self, rounds: RoundStore, conversations: ConversationService, *, clock: Clock = time.time
    ) -> None:
        self.rounds = rounds
        self.conversations = conversations
        self.clock = clock

    @property
    def catalog(self) -> Catalog:
        return self.conversations.catalog

    def texts(self, lang: str, refs: Refs, escape: Escape | None = None) -> TeamTexts:
        lang = lang if lang in self.catalog.languages else self.catalog.default_lang
        return TeamTexts(self.catalog, lang, escape or self.conversations.escape, refs)

    def named_words(self) -> list[str]:
        words: list[str] = []
        for lang in self.catalog.languages:
            words += self.catalog.text(lang, "team.words.named").split()
        return words

    # -- opening ---------------------------------------------------------------------------

    async def open(
        self,
        owner: ConversationKey,
        channel: str,
        words: Sequence[str],
        lang: str,
        mention: Callable[[str], str | None],
    ) -> Opened | OptionError:
        """Open a round in ``channel`` with the options of ``/ecoute team ...``."""
        options = parse_options(words, self.named_words(), mention)
        if isinstance(options, OptionError):
            return options
        new = NewRound(owner.platform, owner.workspace, channel, owner.user, lang, options)
        created = await self.rounds.create_round(new, self.clock())
        return Opened(created, options.people)

    async def recorded_message(self, round_: Round, message: str) -> bool:
        return await self.rounds.set_message(round_.id, message)

    # -- the live message ------------------------------------------------------------------

    async def live(self, round_: Round, refs: Refs, escape: Escape | None = None) -> RoundView:
        """The round's message as it should read now (a fresh read of it and its participants)."""
        fresh = await self.rounds.get_round(round_.platform, round_.workspace, round_.id)
        current = fresh or round_
        participants = await self.rounds.participants(current.id)
        invited = tuple(p.user for p in participants) if current.invited_only else ()
        texts = self.texts(current.lang, refs, escape)
        return texts.round_view(current, Tally.of(participants), invited)

    async def find(self, platform: str, workspace: str, round_id: int) -> Round | None:
        return await self.rounds.get_round(platform, workspace, round_id)

    # -- taking part -----------------------------------------------------------------------

    async def join(
        self, key: ConversationKey, round_id: int, refs: Refs, *, locale: Locale = None
    ) -> Outcome:
        """``key`` takes part (from the round's button or an invitation). ``locale`` (as for
        :meth:`ConversationService.handle`) picks the language of someone with no conversation
        yet; so in the methods below."""
        texts, found = await self._lookup(key, round_id, refs, locale)
        if found is None:
            return Outcome(Joined.REFUSED, None, texts.notice("not_found"))
        if not found.open:
            return Outcome(Joined.REFUSED, found, texts.notice("closed", found))
        if found.invited_only:
            invited = {p.user for p in await self.rounds.participants(found.id)}
            if key.user not in invited:
                return Outcome(Joined.REFUSED, found, texts.notice("not_invited", found))
        if not await self.rounds.join(found.id, key.user, self.clock()):
            participant = await self._participant(found.id, key.user)
            if participant is None or participant.taking is Taking.INVITED:
                return Outcome(Joined.REFUSED, found, texts.notice("closed", found))
        conv = await self.conversations.store.load(key, fresh=True)
        has_verdict = conv is not None and conv.phase is Phase.VERDICT
        invite = texts.invite_view(found, has_verdict=has_verdict)
        return Outcome(Joined.CHOOSE if has_verdict else Joined.INTERVIEW, found, invite=invite)

    async def invitation(self, key: ConversationKey, round_: Round, refs: Refs) -> InviteView:
        """What an invited person is sent privately."""
        conv = await self.conversations.store.load(key, fresh=True)
        lang = conv.lang if conv else round_.lang
        has_verdict = conv is not None and conv.phase is Phase.VERDICT
        return self.texts(lang, refs).invite_view(round_, has_verdict=has_verdict)

    async def use_verdict(
        self, key: ConversationKey, round_id: int, refs: Refs, *, locale: Locale = None
    ) -> Outcome:
        """Count the verdict ``key`` has now (else show them the interview)."""
        texts, found = await self._lookup(key, round_id, refs, locale)
        if found is None:
            return Outcome(Joined.REFUSED, None, texts.notice("not_found"))
        conv = await self.conversations.store.load(key, fresh=True)
        if conv is None or conv.phase is not Phase.VERDICT:
            return Outcome(Joined.INTERVIEW, found)
        await self.rounds.join(found.id, key.user, self.clock())
        if not await self.rounds.answered(found.id, key.user, conv.answers, self.clock()):
            return Outcome(Joined.REFUSED, found, texts.notice("closed", found))
        closed = await self._close_if_complete(found)
        return Outcome(Joined.COUNTED, found, texts.notice("invite.counted", found), closed=closed)

    async def decline(
        self, key: ConversationKey, round_id: int, refs: Refs, *, locale: Locale = None
    ) -> Outcome:
        texts, found = await self._lookup(key, round_id, refs, locale)
        if found is None:
            return Outcome(Joined.REFUSED, None, texts.notice("not_found"))
        if not await self.rounds.decline(found.id, key.user, self.clock()) and not found.open:
            return Outcome(Joined.REFUSED, found, texts.notice("closed", found))
        closed = await self._close_if_complete(found)
        return Outcome(Joined.REFUSED, found, texts.notice("invite.declined", found), closed=closed)

    async def finished(self, key: ConversationKey) -> list[Outcome]:
        """After a turn that showed ``key`` a verdict: count it in every open round they take
        part in. One outcome per round changed (its message to refresh, maybe closed)."""
        rounds = await self.rounds.taking_part(key.platform, key.workspace, key.user)
        if not rounds:
            return []
        conv = await self.conversations.store.load(key, fresh=True)
        if conv is None or conv.phase is not Phase.VERDICT:
            return []
        outcomes = []
        for found in rounds:
            if await self.rounds.answered(found.id, key.user, conv.answers, self.clock()):
                closed = await self._close_if_complete(found)
                outcomes.append(Outcome(Joined.COUNTED, found, closed=closed))
        return outcomes

    # -- closing and the report ------------------------------------------------------------

    async def close(
        self,
        key: ConversationKey,
        round_id: int,
        refs: Refs,
        *,
        admin: bool = False,
        locale: Locale = None,
    ) -> Outcome:
        """Close on the owner's (or an admin's) click: the closed round when this click
        closed it, else why not."""
        texts, found = await self._lookup(key, round_id, refs, locale)
        if found is None:
            return Outcome(Joined.REFUSED, None, texts.notice("not_found"))
        if key.user != found.owner and not admin:
            return Outcome(Joined.REFUSED, found, texts.notice("not_owner", found))
        await self._catch_up(found)
        closed = await self.rounds.close(found.id, Closing.OWNER, self.clock())
        if closed is None:
            return Outcome(Joined.REFUSED, found, texts.notice("already_closed", found))
        return Outcome(Joined.COUNTED, closed, closed=closed)

    async def close_due(self, platform: str) -> list[Round]:
        """Close ``platform``'s rounds whose deadline passed; the ones this call closed."""
        closed = []
        for found in await self.rounds.due(platform, self.clock()):
            await self._catch_up(found)
            done = await self.rounds.close(found.id, Closing.DEADLINE, self.clock())
            if done is not None:
                closed.append(done)
        return closed

    async def claim_report(self, round_: Round, claimant: str) -> bool:
        return await self.rounds.claim_report(round_.id, claimant, self.clock(), REPORT_LEASE)

    async def report_posted(self, round_: Round, message: str) -> None:
        await self.rounds.report_posted(round_.id, message)

    async def unreported(self, platform: str) -> list[Round]:
        """``platform``'s closed rounds whose report is not posted and nobody is posting now."""
        return await self.rounds.unreported(platform, self.clock(), REPORT_LEASE)

    async def abandon(self, round_: Round) -> None:
        """A round nobody could see (its channel refused the bot): closed, with no report."""
        closed = await self.rounds.close(round_.id, Closing.OWNER, self.clock())
        if closed is not None:
            await self.rounds.report_posted(closed.id, "")

    async def report(self, round_: Round) -> TeamReport:
        participants = await self.rounds.participants(round_.id)
        members = [Member(p.user, p.answers) for p in participants if p.answers is not None]
        expected = Tally.of(participants).expected
        return team_report(
            members,
            expected=expected,
            named=round_.named,
            schema=self.conversations.schema,
            weights=self.conversations.weights,
        )

    async def report_view(
        self, round_: Round, refs: Refs, escape: Escape | None = None
    ) -> TeamReportView:
        report = await self.report(round_)
        texts = self.texts(round_.lang, refs, escape)
        return texts.report_view(round_, report, self.conversations.schema)

    async def _lookup(
        self, key: ConversationKey, round_id: int, refs: Refs, locale: Locale
    ) -> tuple[TeamTexts, Round | None]:
        """The texts to answer ``key`` with, and the round — only ever one of their own
        workspace or guild."""
        texts = self.texts(await self.conversations.language(key, locale=locale), refs)
        return texts, await self.rounds.get_round(key.platform, key.workspace, round_id)

    async def _catch_up(self, round_: Round) -> None:
        """Before closing: count the verdict of anyone who reached it but was not counted
        (the turn's process stopped, or the database was away, right after the verdict)."""
        for p in await self.rounds.participants(round_.id):
            if p.taking is not Taking.JOINED:
                continue
            key = ConversationKey(round_.platform, round_.workspace, p.user)
            conv = await self.conversations.store.load(key, fresh=True)
            if conv is not None and conv.phase is Phase.VERDICT:
                await self.rounds.answered(round_.id, p.user, conv.answers, self.clock())

    async def _close_if_complete(self, round_: Round) -> Round | None:
        """An invited-only round closes once nobody it waits for is left."""
        if not round_.invited_only:
            return None
        participants = await self.rounds.participants(round_.id)
        waiting = [p for p in participants if p.taking in (Taking.INVITED, Taking.JOINED)]
        if waiting or not any(p.taking is Taking.ANSWERED for p in participants):
            return None
        return await self.rounds.close(round_.id, Closing.ALL_ANSWERED, self.clock())

    async def _participant(self, round_id: int, user: str) -> Participant | None:
        for p in await self.rounds.participants(round_id):
            if p.user == user:
                return p
        return None
