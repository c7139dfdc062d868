"""The conversation service: load, step, store (compare-and-set), render. One turn per event."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.catalog import Catalog, Escape, plain
from bot.conversation import Conversation, Phase, Shown, view_key
from bot.errors import NoConversation
from bot.events import ConversationKey, Event, Start
from bot.interview import Step, new_conversation, step
from bot.render import format_answer, question_label, question_view, review_view
from bot.schema import Schema
from bot.store import Store, StoreUnavailable
from bot.verdict import diagnose
from bot.verdict.evidence import Evidence
from bot.verdict.scoring import Weights, default_weights
from bot.verdict.view import verdict_view
from bot.views import CodedText, QuestionView, Recorded, Reply, ReviewView, VerdictView

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""Compare-and-set retries before giving up: only reached under extreme contention."""

Locale = str | None | Callable[[], Awaitable[str | None]]
EvidenceSource = Callable[[ConversationKey], Awaitable[Evidence | None]]
"""A user's listening-poll counts (their latest closed poll), or ``None``."""
"""A platform locale (``fr-FR``), or how to ask for it when it is needed."""


async def _asked(locale: Locale) -> str | None:
    return await locale() if callable(locale) else locale


class ConversationService:
    """Turns neutral events into replies, storing every turn before answering.

    A stale or repeated event (an old button, a double click) changes nothing: the step is
    recomputed on the stored state after a failed compare-and-set, where it is found stale.
    """

    def __init__(
        self,
        store: Store,
        schema: Schema,
        catalog: Catalog,
        *,
        weights: Weights | None = None,
        escape: Escape = plain,
        evidence: EvidenceSource | None = None,
    ) -> None:
        """``weights`` default to the shipped ``prompts/scoring.toml``; ``evidence`` finds a
        user's poll counts for their verdict (read only when a verdict is shown)."""
        self.store = store
        self.schema = schema
        self.catalog = catalog
        self.weights = weights or default_weights()
        self.escape = escape
        self.evidence = evidence

    async def handle(
        self, key: ConversationKey, event: Event, *, locale: Locale = None, create: bool = True
    ) -> Reply:
        """Apply ``event`` to the user's conversation and return what to show.

        ``locale`` picks the language when the conversation is created (a string, or a
        coroutine function asked only then); with ``create=False`` there is none to create:
        :class:`NoConversation` instead. Raises :class:`StoreUnavailable` when the turn
        could not be stored (nothing is half-written).

        A step that moves the conversation is checked by the compare-and-set of its write. A
        step that changes nothing (a stale click, help, resume) has no write to check it, so
        when its state came from this process's cache it is taken again on a fresh read:
        another process may have moved the conversation on.
        """
        fresh = not self.store.caching
        for _ in range(MAX_ATTEMPTS):
            conv = await self.store.load(key, fresh=fresh)
            created = conv is None
            if conv is None:
                if not create:
                    raise NoConversation(key)
                conv = new_conversation(self.schema, self.catalog.pick(await _asked(locale)))
            result = step(self.schema, conv, event, self.catalog.languages)
            if result.moved or created:
                if not await self.store.save(key, result.conversation, result.changed):
                    fresh = True  # someone else stored a turn first: replay on the new state
                    continue
                stored = result.conversation.evolve(version=conv.version + 1)
            elif not fresh:
                fresh = True
                continue
            else:
                stored = conv
            found = await self._evidence(key, stored)
            return self._reply(stored, result, changed=result.moved or created, evidence=found)
        log.warning("gave up after %d compare-and-set conflicts", MAX_ATTEMPTS)
        raise StoreUnavailable("too many concurrent changes")

    async def current(self, key: ConversationKey, *, locale: Locale = None) -> Reply:
        """Where the user is now (creating the conversation if needed)."""
        return await self.handle(key, Start(), locale=locale)

    async def show(self, key: ConversationKey, version: int, shown: Shown | None) -> bool:
        """Record where the reply of ``version`` is displayed now (compare-and-set).

        ``False`` when the conversation moved on since (another turn, in any process): the
        caller's message is then out of date and should lose its live elements.
        """
        conv = await self.store.load(key)
        if conv is not None and conv.version != version and self.store.caching:
            conv = await self.store.load(key, fresh=True)
        if conv is None or conv.version != version:
            return False
        if conv.shown == shown:
            return True
        return await self.store.save(key, conv.evolve(shown=shown), {})

    async def record_of(self, key: ConversationKey, question_id: str) -> Recorded | None:
        """The stored answer to ``question_id`` as a record (``None``: not answered now).

        For a message that showed that question while another process moved on: it becomes
        the record of the answer given, wherever it was given.
        """
        conv = await self.store.load(key, fresh=True)
        return None if conv is None else self._recorded(conv, question_id)

    async def forget(self, key: ConversationKey) -> Shown | None:
        """Delete everything stored about this user; returns where their live view was."""
        conv = await self.store.load(key, fresh=True)
        await self.store.forget(key.platform, key.workspace, key.user)
        return conv.shown if conv is not None else None

    async def latest_verdict(self, key: ConversationKey) -> VerdictView | None:
        """The verdict of a finished interview (for a home screen), or ``None``."""
        conv = await self.store.load(key, fresh=True)
        if conv is None or conv.phase is not Phase.VERDICT:
            return None
        return self._verdict(conv, await self._evidence(key, conv))

    async def language(self, key: ConversationKey, *, locale: Locale = None) -> str:
        """The user's language: their conversation's, else the one ``locale`` picks."""
        conv = await self.store.load(key, fresh=True)
        return conv.lang if conv else self.catalog.pick(await _asked(locale))

    def unavailable_text(self, lang: str) -> str:
        """The "please try again" message for :class:`StoreUnavailable`."""
        return self.catalog.text(lang, "interview.notice.unavailable", self.escape)

    def text(self, lang: str, key: str, /, **values: object) -> str:
        """Any catalog text, rendered for this service's target."""
        return self.catalog.text(lang, key, self.escape, **values)

    async def _evidence(self, key: ConversationKey, conv: Conversation) -> Evidence | None:
        if self.evidence is None or conv.phase is not Phase.VERDICT:
            return None
        return await self.evidence(key)

    def _reply(
        self, conv: Conversation, result: Step, *, changed: bool, evidence: Evidence | None
    ) -> Reply:
        lang = conv.lang
        notices = tuple(
            CodedText(_notice_code(n.key), self.text(lang, f"interview.{n.key}", **n.values))
            for n in result.notices
        )
        recorded = None
        if result.recorded is not None:
            recorded = self._recorded(conv, result.recorded)
            assert recorded is not None
        view: QuestionView | ReviewView | VerdictView
        if conv.phase is Phase.VERDICT:
            view = self._verdict(conv, evidence)
        elif conv.phase is Phase.REVIEW:
            view = review_view(self.schema, self.catalog, conv, self.escape)
        else:
            view = question_view(self.schema, self.catalog, conv, self.escape)
        return Reply(
            lang=lang,
            view=view,
            notices=notices,
            recorded=recorded,
            changed=changed,
            version=conv.version,
            view_key=view_key(conv),
            shown=conv.shown,
        )

    def _recorded(self, conv: Conversation, question_id: str) -> Recorded | None:
        question = self.schema.question(question_id)
        if question is None or question.id not in conv.answers:
            return None
        answer = format_answer(self.catalog, conv.lang, question, conv.answers[question.id])
        return Recorded(
            question.id,
            question_label(self.catalog, conv.lang, question, self.escape),
            self.escape(answer),
        )

    def _verdict(self, conv: Conversation, evidence: Evidence | None = None) -> VerdictView:
        verdict = diagnose(
            conv.answers, evidence=evidence, schema=self.schema, weights=self.weights
        )
        view = verdict_view(verdict, conv.answers, self.catalog, conv.lang, self.escape)
        answers = review_view(self.schema, self.catalog, conv, self.escape).items
        return replace(view, answers=answers)


def _notice_code(key: str) -> str:
    """``invalid.text_too_short`` -> ``invalid``; ``notice.stale`` -> ``stale``."""
    area, _, name = key.partition(".")
    return "invalid" if area == "invalid" else name
