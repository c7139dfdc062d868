"""One turn in Slack: a core event in, the DM brought up to date out.

The core stores the turn first (:meth:`ConversationService.handle`); only then is anything
shown, so an answer the user sees confirmed is in the database. Each user has at most one
message with live elements: when a turn moves on, that message becomes a record of the answer
(or loses its buttons) and the next view is posted below it.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery
from adapters.slack.blocks import (
    Message,
    is_live,
    question_message,
    record_message,
    retired_message,
)
from adapters.slack.delivery import DeliveryError
from adapters.slack.home import home_view
from adapters.slack.origin import Handshake, Origin
from adapters.slack.review import review_message, verdict_message
from adapters.slack.state import Users, UserState
from adapters.slack.texts import Texts
from bot.catalog import Catalog
from bot.events import ConversationKey, Event, Start
from bot.service import ConversationService
from bot.store import StoreUnavailable
from bot.views import QuestionView, Reply, ReviewView, VerdictView

log = logging.getLogger(__name__)

NOTE_ONLY = frozenset({"not_expecting", "at_start", "unknown_language"})
"""Notices that change nothing and need no view again: a private note is enough."""


class Dialogue:
    """Runs turns for every Slack user of one app; see the module docstring."""

    def __init__(self, service: ConversationService, catalog: Catalog) -> None:
        self.service, self.catalog = service, catalog
        self.users = Users()

    def texts(self, lang: str) -> Texts:
        return Texts(self.catalog, lang)

    async def lang(self, origin: Origin) -> str:
        """The language to speak to this user before (or without) a reply from the core."""
        state = await self.state(origin)
        return state.lang or self.catalog.pick(state.locale)

    async def state(self, origin: Origin) -> UserState:
        """The user's state, with their Slack locale looked up on first contact."""
        state = self.users[origin.key]
        if not state.locale_known:
            if state.locale_lookup is None:
                lookup = delivery.user_locale(origin.client, origin.key.user)
                state.locale_lookup = asyncio.ensure_future(lookup)
            state.locale = await asyncio.shield(state.locale_lookup)
            state.locale_known = True
        return state

    async def turn(self, origin: Origin, event: Event, handshake: Handshake | None = None) -> None:
        """Store the event's turn, then show its reply (one user's turns run one at a time)."""
        state = await self.state(origin)
        async with state.lock:
            try:
                reply = await self.service.handle(origin.key, event, locale=state.locale)
            except StoreUnavailable as exc:
                log.warning("turn not stored for %s: %s", origin.key, exc)
                if handshake is None or not await handshake.settle(None):
                    lang = state.lang or self.catalog.pick(state.locale)
                    await self.tell(origin, self.service.unavailable_text(lang))
                return
            except Exception:
                log.exception("turn failed for %s", origin.key)
                if handshake is None or not await handshake.settle(None):
                    lang = state.lang or self.catalog.pick(state.locale)
                    await self.tell(origin, self.texts(lang).text("oops"))
                return
            state.lang = reply.lang
            if handshake is not None and await handshake.settle(reply):
                return
            await self.publish(origin, state, event, reply)

    async def publish(self, origin: Origin, state: UserState, event: Event, reply: Reply) -> None:
        texts = self.texts(reply.lang)
        try:
            channel = origin.channel or await self.dm(origin, state)
        except DeliveryError as exc:
            await self.no_dm(origin, texts, exc)
            return
        codes = {n.code for n in reply.notices}
        stale = not reply.changed and "stale" in codes
        try:
            if not reply.changed and codes and codes <= NOTE_ONLY:
                await self.note(origin, channel, "\n".join(n.text for n in reply.notices))
                return
            if stale:
                # Messages are left alone: another process may be updating them right now.
                if not await self.answered_elsewhere(origin, state, channel):
                    current = self.message(reply, event, with_stale=True)
                    await delivery.ephemeral(
                        origin.client, channel, origin.key.user, current.text, current
                    )
                return
            await self.move_on(origin, state, channel, reply, texts)
            state.live = await delivery.post(origin.client, channel, self.message(reply, event))
            state.live_known = True
            if isinstance(reply.view, VerdictView):
                await self.publish_home(origin.client, origin.key, reply.lang, reply.view)
            if origin.response_url and origin.command_channel != channel:
                text = texts.trusted("dm_sent", channel=channel)
                await delivery.respond(origin.response_url, text, origin.client.session)
            if origin.ephemeral_url:
                await delivery.delete_ephemeral(origin.ephemeral_url, origin.client.session)
        except DeliveryError as exc:
            await self.apologise(origin, texts, exc)

    async def move_on(
        self,
        origin: Origin,
        state: UserState,
        channel: str,
        reply: Reply,
        texts: Texts,
    ) -> None:
        """Turn the answered message into a record and retire any other live one."""
        if not state.live_known:
            state.live = await delivery.find_live(origin.client, channel, origin.bot_user)
            state.live_known = True
        live = state.live
        clicked = origin.clicked if origin.clicked and origin.clicked.channel == channel else None
        target = clicked or live
        if target is not None and reply.recorded is not None:
            if await delivery.update(origin.client, target, record_message(reply.recorded, texts)):
                state.finished.append(target.ts)
        elif target is not None and target.blocks is not None and is_live(target.blocks):
            await delivery.update(origin.client, target, retired_message(target.blocks))
        other = live is not None and target is not None and live.ts != target.ts
        if other and live is not None and live.blocks is not None and is_live(live.blocks):
            await delivery.update(origin.client, live, retired_message(live.blocks))
        state.live = None

    async def answered_elsewhere(self, origin: Origin, state: UserState, channel: str) -> bool:
        """Whether a stale click is the echo of one already handled (a double click).

        True when this process turned the clicked message into a record, or when it no longer
        has live elements in Slack (another process did).
        """
        clicked = origin.clicked
        if clicked is None or clicked.channel != channel:
            return False
        if clicked.ts in state.finished:
            return True
        now = await delivery.fetch_message(origin.client, channel, clicked.ts)
        if now is None:
            return False
        clicked.blocks = now.blocks
        return not is_live(now.blocks or [])

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
        return verdict_message(view, texts, questions, notices)

    async def dm(self, origin: Origin, state: UserState) -> str:
        if state.dm is None:
            state.dm = await delivery.open_dm(origin.client, origin.key.user)
        return state.dm

    async def publish_home(
        self,
        client: AsyncWebClient,
        key: ConversationKey,
        lang: str,
        verdict: VerdictView | None,
        notice: str | None = None,
    ) -> None:
        """The App Home tab for ``key``; best effort (a failure is only logged)."""
        view = home_view(self.texts(lang), verdict, notice).to_dict()
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

    async def tell(self, origin: Origin, text: str) -> None:
        """Like :meth:`note`, for when things already went wrong: never raises."""
        try:
            if origin.response_url:
                await delivery.respond(origin.response_url, text, origin.client.session)
            else:
                channel = origin.channel or await self.dm(origin, self.users[origin.key])
                await delivery.ephemeral(origin.client, channel, origin.key.user, text)
        except DeliveryError as exc:
            log.warning("could not tell %s %r: %s", origin.key, text[:40], exc)

    async def apologise(self, origin: Origin, texts: Texts, exc: DeliveryError) -> None:
        log.warning("Slack refused a reply to %s: %s", origin.key, exc)
        await self.tell(origin, texts.text("slack_failed"))
