"""One turn in Slack: a core event in, the DM brought up to date out.

The core stores the turn first (:meth:`ConversationService.handle`); only then is anything
shown, so an answer the user sees confirmed is in the database. Each user has at most one
message with live elements, and the conversation records which (:class:`Shown`): when a turn
moves on, that message becomes a record of the answer (or loses its buttons), the next view
is posted below it, and the new message is recorded with a compare-and-set. Any process can
take any turn, and only a message the conversation recorded is ever edited.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery
from adapters.slack.blocks import (
    Message,
    is_live,
    question_message,
    record_message,
    retired_message,
    view_of,
)
from adapters.slack.delivery import DeliveryError
from adapters.slack.home import home_view
from adapters.slack.kit import JSON
from adapters.slack.origin import Handshake, Origin
from adapters.slack.review import review_message, verdict_message
from adapters.slack.state import Locales, Locks, Sent
from adapters.slack.texts import Texts
from bot.catalog import Catalog
from bot.chat import Failure, command_words, guarded
from bot.conversation import Shown
from bot.events import ConversationKey, Event, Start
from bot.service import ConversationService
from bot.store import StoreUnavailable
from bot.views import CodedText, QuestionView, Recorded, Reply, ReviewView, VerdictView

log = logging.getLogger(__name__)

NOTE_ONLY = frozenset({"not_expecting", "at_start", "unknown_language"})
"""Notices that change nothing and need no view again: a private note is enough."""


class Dialogue:
    """Runs turns for every Slack user of one app; see the module docstring."""

    def __init__(self, service: ConversationService, catalog: Catalog) -> None:
        self.service, self.catalog = service, catalog
        self.locks = Locks()
        self.locales = Locales()
        self.words = command_words(catalog)
        self.after_verdict: Callable[[Origin], Awaitable[None]] | None = None
        """Called once a turn showed a new or changed verdict (team rounds count it)."""
        self.verdict_extras: Callable[[VerdictView, Texts], list[JSON]] | None = None
        """Blocks under a verdict's buttons (asking the audience, a check-in)."""

    def texts(self, lang: str) -> Texts:
        return Texts(self.catalog, lang)

    def locale(self, origin: Origin) -> Callable[[], Awaitable[str | None]]:
        """How to ask Slack for the user's locale: only when a conversation is created."""

        def ask() -> Awaitable[str | None]:
            return delivery.user_locale(origin.client, origin.key.user)

        return lambda: self.locales.get(origin.key, ask)

    async def lang(self, origin: Origin) -> str:
        """The language to speak to this user outside a turn: their conversation's, else the
        one their Slack locale picks."""
        try:
            return await self.service.language(origin.key, locale=self.locale(origin))
        except StoreUnavailable:
            return await self.fallback_lang(origin)()

    async def turn(
        self,
        origin: Origin,
        event: Event,
        handshake: Handshake | None = None,
        *,
        reshow: bool = False,
    ) -> None:
        """Store the event's turn, then show its reply (one user's turns run one at a time).

        ``reshow``: the view is posted again even when it is the latest message already (it
        shows something new the conversation doesn't hold, such as a poll's evidence)."""
        async with self.locks.hold(origin.key):
            work = self.service.handle(origin.key, event, locale=self.locale(origin))
            reply = await guarded(self.service, self.fallback_lang(origin), work, who=origin.key)
            if isinstance(reply, Failure):
                if handshake is None or not await handshake.settle(None):
                    await self.tell(origin, reply.text)
                return
            if handshake is not None and await handshake.settle(reply):
                return
            await self.publish(origin, event, reply, reshow=reshow)

    def fallback_lang(self, origin: Origin) -> Callable[[], Awaitable[str]]:
        """The language to say a failure in when the database can't tell: the Slack locale's."""

        async def lang() -> str:
            return self.catalog.pick(await self.locale(origin)())

        return lang

    async def publish(
        self, origin: Origin, event: Event, reply: Reply, *, reshow: bool = False
    ) -> None:
        """Bring the DM up to date with ``reply``."""
        texts = self.texts(reply.lang)
        try:
            channel = await self.dm(origin, reply.shown)
        except DeliveryError as exc:
            await self.no_dm(origin, texts, exc)
            return
        codes = {n.code for n in reply.notices}
        behind = reply.shown is None or reply.shown.view != reply.view_key
        try:
            if not reply.changed and codes and codes <= NOTE_ONLY:
                await self.note(origin, channel, "\n".join(n.text for n in reply.notices))
            elif not reply.changed and "stale" in codes and not (origin.replayed and behind):
                await self.stale(origin, channel, event, reply)
            elif (
                isinstance(event, Start)
                and not (reply.changed or reshow)
                and await self.at_bottom(origin, channel, reply)
            ):
                await self.waiting(origin, channel, texts)
            else:
                await self.show(origin, channel, event, reply, texts)
        except DeliveryError as exc:
            await self.apologise(origin, texts, exc)

    async def show(
        self, origin: Origin, channel: str, event: Event, reply: Reply, texts: Texts
    ) -> None:
        """Retire the recorded live message, post the reply's view, record the new one."""
        await self.retire(origin, channel, reply, texts)
        sent = await self.orphan(origin, channel, reply) if origin.replayed else None
        if sent is None:
            sent = await delivery.post(origin.client, channel, self.message(reply, event))
        shown = Shown(sent.channel, sent.ts, reply.view_key)
        try:
            recorded = await self.service.show(origin.key, reply.version, shown)
        except StoreUnavailable as exc:
            log.warning("live message of %s not recorded: %s", origin.key, exc)
            recorded = True  # it is the latest view; the next turn finds it in the DM
        if not recorded:
            await self.overtaken(origin, sent, reply)
            return
        if isinstance(reply.view, VerdictView):
            await self.publish_home(origin.client, origin.key, reply.lang, reply.view)
            if reply.changed and self.after_verdict is not None:
                await self.after_verdict(origin)
        if origin.response_url and origin.command_channel != channel:
            text = texts.trusted("dm_sent", channel=channel)
            await delivery.respond(origin.response_url, text, origin.client.session)
        if origin.ephemeral_url:
            await delivery.delete_ephemeral(origin.ephemeral_url, origin.client.session)

    async def at_bottom(self, origin: Origin, channel: str, reply: Reply) -> bool:
        """Whether the recorded live message shows the reply's view and is still the latest
        message of the DM, as Slack says now (so it holds whichever process posted it): a
        ``/ecoute`` or a Start that changes nothing then points to it instead of posting the
        same question again."""
        shown = reply.shown
        if shown is None or shown.view != reply.view_key or shown.channel != channel:
            return False
        latest = await delivery.latest(origin.client, channel)
        return latest is not None and latest.ts == shown.message and is_live(latest.blocks or [])

    async def waiting(self, origin: Origin, channel: str, texts: Texts) -> None:
        """Say privately that the interview is waiting in the DM, where it was asked from."""
        text = texts.trusted("dm_waiting", channel=channel)
        if origin.response_url:
            await delivery.respond(origin.response_url, text, origin.client.session)
        elif origin.home:
            try:
                verdict = await self.service.latest_verdict(origin.key)
            except StoreUnavailable:
                verdict = None
            await self.publish_home(origin.client, origin.key, texts.lang, verdict, text, info=True)
        else:
            await delivery.ephemeral(origin.client, channel, origin.key.user, text)

    async def outdated(self, origin: Origin, where: str | None) -> None:
        """A click on an element of an older écoute (a value this version can't read): a
        private note that it is out of date, with the current question when it was in the
        DM or App Home (as a click on an old message gets), the note alone in a channel."""
        if where is not None and not where.startswith("D"):
            texts = self.texts(await self.lang(origin))
            await self.whisper(origin, where, texts.text("outdated_here"))
            return
        work = self.service.current(origin.key, locale=self.locale(origin))
        reply = await guarded(self.service, self.fallback_lang(origin), work, who=origin.key)
        if isinstance(reply, Failure):
            await self.tell(origin, reply.text)
            return
        texts = self.texts(reply.lang)
        notice = CodedText("outdated", texts.text("outdated"))
        current = self.message(replace(reply, notices=(notice,), changed=False), Start())
        try:
            channel = await self.dm(origin, reply.shown)
            await delivery.ephemeral(origin.client, channel, origin.key.user, current.text, current)
        except DeliveryError as exc:
            await self.apologise(origin, texts, exc)

    async def overtaken(self, origin: Origin, sent: Sent, reply: Reply) -> None:
        """Another turn (in any process) moved the conversation on before ``sent`` was
        recorded, and shows its own view: ``sent`` becomes the record of the answer given to
        its question, or loses its buttons."""
        record = await self.recorded(origin, reply.view_key)
        if record is not None:
            await delivery.update(
                origin.client, sent, record_message(record, self.texts(reply.lang))
            )
        elif sent.blocks is not None:
            await delivery.update(origin.client, sent, retired_message(sent.blocks))

    async def orphan(self, origin: Origin, channel: str, reply: Reply) -> Sent | None:
        """Replaying the job of a process that stopped between posting a view and recording
        where: that message, if it shows the view now due, is adopted rather than posted again."""
        found = await delivery.find_live(origin.client, channel, origin.bot_user)
        shown = reply.shown
        if found is None or (shown is not None and float(found.ts) <= float(shown.message)):
            return None
        return found if view_of(found.blocks or []) == reply.view_key else None

    async def retire(self, origin: Origin, channel: str, reply: Reply, texts: Texts) -> None:
        """The recorded live message becomes a record of the answer, or loses its buttons;
        so does the clicked message, in the user's DM, when it was posted but never recorded
        (its process stopped before saying where)."""
        clicked, shown, recorded = origin.clicked, reply.shown, reply.recorded
        if (
            clicked is not None
            and shown is not None
            and recorded is not None
            and reply.changed
            and clicked.channel == channel
            and clicked.ts != shown.message
            and recorded.question_id == origin.question
        ):
            await delivery.update(origin.client, clicked, record_message(recorded, texts))
        if shown is None:
            if reply.version > 1:  # recorded nowhere (a lost write): find it in the DM
                found = await delivery.find_live(origin.client, channel, origin.bot_user)
                if found is not None and found.blocks is not None:
                    await delivery.update(origin.client, found, retired_message(found.blocks))
            return
        target = Sent(shown.channel, shown.message)
        recorded = reply.recorded if reply.changed else None
        if recorded is None or recorded.question_id != shown.view:
            # Its question may have been answered by a turn whose process stopped before
            # showing it: the message becomes (or stays) that record, never the bare question.
            recorded = await self.recorded(origin, shown.view)
        if recorded is not None and recorded.question_id == shown.view:
            await delivery.update(origin.client, target, record_message(recorded, texts))
            return
        if clicked is not None and (clicked.channel, clicked.ts) == (shown.channel, shown.message):
            target.blocks = clicked.blocks  # as the signed payload shows it
        else:
            now = await delivery.fetch_message(origin.client, shown.channel, shown.message)
            target.blocks = now.blocks if now is not None else None
        if target.blocks and is_live(target.blocks):
            await delivery.update(origin.client, target, retired_message(target.blocks))

    async def recorded(self, origin: Origin, view: str) -> Recorded | None:
        """The record of the stored answer to ``view``, if it is a question answered now."""
        if self.service.schema.question(view) is None:
            return None  # the review or the verdict
        try:
            return await self.service.record_of(origin.key, view)
        except StoreUnavailable:
            return None

    async def stale(self, origin: Origin, channel: str, event: Event, reply: Reply) -> None:
        """A click on something already answered: said privately, messages left alone.

        On the recorded live message it is the echo of a click whose turn is being shown
        right now (a double click): nothing to say. On an older message that still has
        buttons, the user gets a note with the current question.
        """
        clicked, shown = origin.clicked, reply.shown
        if clicked is None or clicked.channel != channel:
            return  # not a message of this user's DM: nothing of theirs to bring up to date
        if shown is not None and (shown.channel, shown.message) == (clicked.channel, clicked.ts):
            return
        now = await delivery.fetch_message(origin.client, channel, clicked.ts)
        if now is not None and not is_live(now.blocks or []):
            return  # already a record: a double click's echo
        current = self.message(reply, event, with_stale=True)
        await delivery.ephemeral(origin.client, channel, origin.key.user, current.text, current)

    def message(self, reply: Reply, event: Event, *, with_stale: bool = False) -> Message:
        """The reply's view as a Slack message, with its notices on top."""
        texts = self.texts(reply.lang)
        notices = [n for n in reply.notices if with_stale or n.code != "stale"]
        view = reply.view
        if isinstance(view, QuestionView):
            created = isinstance(event, Start) and reply.changed
            intro = texts.core("interview.welcome") if created else None
            return question_message(view, texts, notices, intro)
        if isinstance(view, ReviewView):
            return review_message(view, texts, notices)
        questions = [(item.question_id, item.label) for item in view.answers]
        extras = self.verdict_extras(view, texts) if self.verdict_extras is not None else []
        return verdict_message(view, texts, questions, notices, extras)

    async def dm(self, origin: Origin, shown: Shown | None = None) -> str:
        """The user's DM with the app: where their live view is, else Slack's answer."""
        if shown is not None:
            return shown.channel
        return await delivery.open_dm(origin.client, origin.key.user)

    async def publish_home(
        self,
        client: AsyncWebClient,
        key: ConversationKey,
        lang: str,
        verdict: VerdictView | None,
        notice: str | None = None,
        *,
        info: bool = False,
    ) -> None:
        """The App Home tab for ``key``, with ``notice`` on top (a warning, or ``info``); best
        effort (a failure is only logged)."""
        view = home_view(self.texts(lang), verdict, notice, info=info)
        try:
            await delivery.publish_view(client, key.user, view)
        except DeliveryError as exc:
            log.warning("App Home not published for %s: %s", key, exc)

    async def no_dm(self, origin: Origin, texts: Texts, exc: DeliveryError) -> None:
        log.warning("no DM with %s: %s", origin.key, exc)
        text = texts.text("dm_blocked") if exc.refused else texts.text("slack_failed")
        if origin.home:
            await self.publish_home(origin.client, origin.key, texts.lang, None, text)
        else:
            await self.tell(origin, text)

    async def note(self, origin: Origin, channel: str, text: str) -> None:
        """A private note: in the slash command's channel, else in the DM."""
        if origin.response_url:
            await delivery.respond(origin.response_url, text, origin.client.session)
        else:
            await delivery.ephemeral(origin.client, channel, origin.key.user, text)

    async def whisper(self, origin: Origin, channel: str | None, text: str) -> None:
        """A note only the clicker sees, in the channel they clicked in (else as :meth:`tell`
        says); never raises."""
        try:
            if channel:
                await delivery.ephemeral(origin.client, channel, origin.key.user, text)
            else:
                await self.tell(origin, text)
        except DeliveryError as exc:
            log.info("note not shown to %s: %s", origin.key, exc)

    async def tell(self, origin: Origin, text: str) -> None:
        """Like :meth:`note`, for when things already went wrong: never raises."""
        try:
            if origin.response_url:
                await delivery.respond(origin.response_url, text, origin.client.session)
            else:
                channel = await self.dm(origin)
                await delivery.ephemeral(origin.client, channel, origin.key.user, text)
        except DeliveryError as exc:
            log.warning("could not tell %s %r: %s", origin.key, text[:40], exc)

    async def apologise(self, origin: Origin, texts: Texts, exc: DeliveryError) -> None:
        log.warning("Slack refused a reply to %s: %s", origin.key, exc)
        await self.tell(origin, texts.text("slack_failed"))
