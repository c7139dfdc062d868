"""Modals: a typed answer (text or number) and the channel picker to share the verdict."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    NumberInputElement,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from adapters.slack import values as v
from adapters.slack.blocks import context, section
from adapters.slack.escape import clip, slack_decode
from adapters.slack.texts import Texts
from bot.schema import Kind
from bot.views import QuestionView

TITLE = 24  # modal title, submit and close labels
LABEL = 2000
MAX_TYPED = 3000


def _plain(text: str, limit: int = TITLE) -> PlainTextObject:
    return PlainTextObject(text=clip(text, limit))


def answer_modal(view: QuestionView, texts: Texts, meta: v.ModalMeta) -> View:
    """A modal to type the answer to ``view``; its submission is checked by the core."""
    element: PlainTextInputElement | NumberInputElement
    if view.kind is Kind.INTEGER:
        element = NumberInputElement(
            action_id=v.ANSWER_INPUT,
            is_decimal_allowed=False,
            min_value=view.min,
            max_value=view.max,
            focus_on_load=True,
        )
    else:
        # The stored answer comes escaped for display: an input's value is raw text.
        current = slack_decode(view.current) if view.current else None
        element = PlainTextInputElement(
            action_id=v.ANSWER_INPUT,
            multiline=True,
            max_length=min(max(view.max, 1), MAX_TYPED),
            initial_value=current,
            focus_on_load=True,
        )
    return View(
        type="modal",
        callback_id=v.TEXT_VIEW,
        title=_plain(texts.text("modal.title")),
        submit=_plain(texts.ui("submit")),
        close=_plain(texts.text("modal.close")),
        private_metadata=meta.dump(),
        blocks=[
            context(view.progress),
            InputBlock(
                block_id=v.ANSWER_BLOCK,
                label=_plain(view.title, LABEL),
                element=element,
                hint=_plain(view.hint, LABEL) if view.hint else None,
            ),
        ],
    )


def share_modal(texts: Texts) -> View:
    """Pick a channel; the verdict is posted there on submit."""
    picker = ConversationSelectElement(
        action_id=v.CHANNEL_INPUT,
        placeholder=clip(texts.text("share.placeholder"), 150),
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    return View(
        type="modal",
        callback_id=v.SHARE_VIEW,
        title=_plain(texts.text("share.title")),
        submit=_plain(texts.ui("share")),
        close=_plain(texts.text("modal.close")),
        blocks=[
            section(texts.text("share.intro")),
            InputBlock(
                block_id=v.CHANNEL_BLOCK,
                label=_plain(texts.text("share.label"), LABEL),
                element=picker,
            ),
        ],
    )
