"""Modals: a typed answer (text or number) and the channel picker to share the verdict."""

from __future__ import annotations

from adapters.slack import kit
from adapters.slack import values as v
from adapters.slack.blocks import context, section
from adapters.slack.escape import clip, slack_decode
from adapters.slack.kit import JSON
from adapters.slack.texts import Texts
from bot.schema import Kind
from bot.views import QuestionView

TITLE = 24  # modal title, submit and close labels
LABEL = 2000
MAX_TYPED = 3000


def answer_modal(view: QuestionView, texts: Texts, meta: v.ModalMeta) -> JSON:
    """A modal to type the answer to ``view``; its submission is checked by the core."""
    if view.kind is Kind.INTEGER:
        element = kit.number_input(v.ANSWER_INPUT, low=view.min, high=view.max)
    else:
        # The stored answer comes escaped for display: an input's value is raw text.
        current = slack_decode(view.current) if view.current else None
        size = min(max(view.max, 1), MAX_TYPED)
        element = kit.text_input(v.ANSWER_INPUT, max_length=size, initial=current)
    hint = clip(view.hint, LABEL) if view.hint else None
    return kit.modal(
        v.TEXT_VIEW,
        clip(texts.text("modal.title"), TITLE),
        clip(texts.ui("submit"), TITLE),
        clip(texts.text("modal.close"), TITLE),
        [
            context(view.progress),
            kit.input_block(v.ANSWER_BLOCK, clip(view.title, LABEL), element, hint),
        ],
        private_metadata=meta.dump(),
    )


def share_modal(texts: Texts) -> JSON:
    """Pick a channel; the verdict is posted there on submit."""
    picker = kit.channel_select(v.CHANNEL_INPUT, clip(texts.text("share.placeholder"), 150))
    label = clip(texts.text("share.label"), LABEL)
    return kit.modal(
        v.SHARE_VIEW,
        clip(texts.text("share.title"), TITLE),
        clip(texts.ui("share"), TITLE),
        clip(texts.text("modal.close"), TITLE),
        [section(texts.text("share.intro")), kit.input_block(v.CHANNEL_BLOCK, label, picker)],
    )
