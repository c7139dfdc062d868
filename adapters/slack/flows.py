"""The Slack-only flows around the interview: the answer modal, sharing, App Home, forget, help."""

from __future__ import annotations

import logging
from dataclasses import replace

from adapters.slack import delivery
from adapters.slack import values as v
from adapters.slack.blocks import is_live, retired_message
from adapters.slack.delivery import DeliveryError
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import channel_link
from adapters.slack.modals import answer_modal, share_modal
from adapters.slack.origin import Origin
from adapters.slack.review import shared_message
from bot.events import Start
from bot.store import StoreUnavailable
from bot.views import CodedText, QuestionView

log = logging.getLogger(__name__)


async def show_answer_modal(d: Dialogue, origin: Origin, trigger_id: str) -> None:
    """Open the typed-answer modal for the question clicked, if it is still the current one."""
    async with d.locks.hold(origin.key):
        try:
            reply = await d.service.current(origin.key, locale=d.locale(origin))
        except StoreUnavailable:
            await d.tell(origin, d.service.unavailable_text(await d.lang(origin)))
            return
        view = reply.view
        if not isinstance(view, QuestionView) or view.question_id != origin.question:
            stale = CodedText("stale", d.service.text(reply.lang, "interview.notice.stale"))
            await d.publish(origin, Start(), replace(reply, notices=(stale,), changed=False))
            return
        clicked = origin.clicked
        meta = v.ModalMeta(
            view.question_id, clicked.channel if clicked else None, clicked.ts if clicked else None
        )
        modal = answer_modal(view, d.texts(reply.lang), meta)
        try:
            await delivery.open_view(origin.client, trigger_id, modal)
        except DeliveryError as exc:
            log.warning("answer modal not opened for %s: %s", origin.key, exc)
            await d.tell(origin, d.texts(reply.lang).text("modal_failed"))


async def show_share_modal(d: Dialogue, origin: Origin, trigger_id: str) -> None:
    """Open the channel picker to share the verdict."""
    texts = d.texts(await d.lang(origin))
    try:
        await delivery.open_view(origin.client, trigger_id, share_modal(texts))
    except DeliveryError as exc:  # the trigger expired, or Slack failed: say so
        log.warning("share modal not opened for %s: %s", origin.key, exc)
        await d.tell(origin, texts.text("modal_failed"))


async def share_verdict(d: Dialogue, origin: Origin, channel: str) -> None:
    """Post the user's latest verdict, without buttons, in the channel they picked."""
    try:
        verdict = await d.service.latest_verdict(origin.key)
    except StoreUnavailable:
        await d.tell(origin, d.service.unavailable_text(await d.lang(origin)))
        return
    texts = d.texts(await d.lang(origin))
    if verdict is None:
        await d.tell(origin, texts.text("share.nothing"))
        return
    try:
        await delivery.post(origin.client, channel, shared_message(verdict, texts, origin.key.user))
    except DeliveryError as exc:
        log.info("verdict not shared in %s: %s", channel, exc)
        await d.tell(origin, texts.trusted("share.failed", channel=_channel_id(channel)))
        return
    await d.tell(origin, texts.trusted("share.done", channel=_channel_id(channel)))


async def show_home(d: Dialogue, origin: Origin) -> None:
    """Publish the App Home tab: the latest verdict and a button to open the interview."""
    notice = None
    try:
        verdict = await d.service.latest_verdict(origin.key)
        lang = await d.service.language(origin.key, locale=d.locale(origin))
    except StoreUnavailable:
        verdict, lang = None, await d.lang(origin)
        notice = d.service.unavailable_text(lang)
    await d.publish_home(origin.client, origin.key, lang, verdict, notice)


async def forget_user(d: Dialogue, origin: Origin) -> None:
    """Delete everything stored about the user, and say so."""
    lang = await d.lang(origin)
    async with d.locks.hold(origin.key):
        try:
            shown = await d.service.forget(origin.key)
        except StoreUnavailable:
            await d.tell(origin, d.service.unavailable_text(lang))
            return
        if shown is not None:
            live = await delivery.fetch_message(origin.client, shown.channel, shown.message)
            if live is not None and live.blocks is not None and is_live(live.blocks):
                await delivery.update(origin.client, live, retired_message(live.blocks))
        await d.tell(origin, d.texts(lang).core("interview.notice.forgotten"))
    await d.publish_home(origin.client, origin.key, lang, None)


async def show_help(d: Dialogue, origin: Origin, first_line: str | None = None) -> None:
    """The slash command's help, privately."""
    texts = d.texts(await d.lang(origin))
    text = texts.text("command.help")
    await d.tell(origin, f"{first_line}\n{text}" if first_line else text)


def _channel_id(channel: str) -> str:
    """A checked channel id for ``<#…>`` (anything else is shown escaped)."""
    link = channel_link(channel)
    return link[2:-1] if link.startswith("<#") else link
