"""Block Kit for one question, a recorded answer and notices (JSON, from :mod:`.kit`).

Every string of a view is already escaped by the core; here it is only laid out and, where
Block Kit has a length limit, clipped. :class:`Message` checks the 50-block limit before
anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.slack import kit
from adapters.slack import values as v
from adapters.slack.escape import clip
from adapters.slack.kit import JSON
from adapters.slack.texts import Texts
from bot.schema import Kind
from bot.views import ChoiceView, CodedText, QuestionView, Recorded

MAX_BLOCKS = 50
SECTION_TEXT = 3000
BUTTON_TEXT = 75
OPTION_TEXT = 75
HEADER_TEXT = 150
MAX_OPTIONS = 100
MAX_BUTTONS = 5  # one choice among more than this, or with long labels: a select
MAX_LISTED = 40  # choices too long for a select are listed, one section each, up to this
MAX_CHECKBOXES = 10
SHORT_LABEL = 30  # longer labels don't fit on a button
FALLBACK_TEXT = 3000

_NOTICE_ICONS = {"invalid": ":warning:", "stale": ":information_source:"}


class BlockLimitError(ValueError):
    """A message would break one of Block Kit's limits."""


@dataclass(frozen=True)
class Message:
    """A message ready for ``chat.postMessage``/``chat.update``: blocks plus a text fallback."""

    text: str
    blocks: list[JSON] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """``{"text", "blocks"}``, within 50 blocks."""
        return {"text": clip(self.text, FALLBACK_TEXT), "blocks": within(self.blocks)}


def within(blocks: list[JSON], limit: int = MAX_BLOCKS) -> list[JSON]:
    """``blocks``; raises :class:`BlockLimitError` past ``limit``."""
    if len(blocks) > limit:
        raise BlockLimitError(f"{len(blocks)} blocks, Slack allows {limit}")
    return blocks


def section(text: str, accessory: JSON | None = None) -> JSON:
    return kit.section(clip(text, SECTION_TEXT), accessory)


def context(text: str) -> JSON:
    return kit.context(clip(text, SECTION_TEXT))


def button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: JSON | None = None,
) -> JSON:
    return kit.button(clip(label, BUTTON_TEXT), action_id, value, style, confirm)


def option(label: str, value: str) -> JSON:
    return kit.option(clip(label, OPTION_TEXT), value)


def notice_blocks(notices: Sequence[CodedText], intro: str | None = None) -> list[JSON]:
    """Notices (already localised and escaped) above the view they come with."""
    lines = [f"{_NOTICE_ICONS.get(n.code, ':speech_balloon:')} {n.text}" for n in notices]
    if intro:
        lines.insert(0, intro)
    return [section("\n".join(lines))] if lines else []


def question_message(
    view: QuestionView, texts: Texts, notices: Sequence[CodedText] = (), intro: str | None = None
) -> Message:
    """The question with its progress and the way to answer it."""
    blocks = notice_blocks(notices, intro)
    blocks.append(section(f"*{view.title}*\n{view.hint}" if view.hint else f"*{view.title}*"))
    about = view.progress
    if view.current is not None:
        about += "  ·  " + texts.trusted("current", answer=view.current)
    blocks.append(context(about))
    blocks.extend(answer_blocks(view, texts))
    return Message(f"{view.progress} · {view.title}", blocks)  # no ":" (French spaces it)


def answer_blocks(view: QuestionView, texts: Texts) -> list[JSON]:
    """The elements to answer ``view`` with (buttons, select, checkboxes or a modal button)."""
    qid = view.question_id
    nav: list[JSON] = []
    if view.can_go_back:
        nav.append(button(texts.ui("back"), v.BACK, v.encode("b", qid)))
    choices = view.choices
    if view.kind in (Kind.ONE, Kind.SCALE) and choices:
        short = view.kind is Kind.SCALE or all(len(c.label) <= SHORT_LABEL for c in choices)
        if len(choices) <= MAX_BUTTONS and short:
            buttons = [_choice_button(qid, c, c.label, i) for i, c in enumerate(choices)]
            return [kit.actions([*buttons, *nav])]
        fits = all(len(c.label) <= OPTION_TEXT for c in choices)
        if fits or len(choices) > MAX_LISTED:
            return [kit.actions([_select(view, texts), *nav])]
        listed: list[JSON] = [  # labels too long for a select: each in full, with a button
            section(c.label, _choice_button(qid, c, texts.ui("choose"), i))
            for i, c in enumerate(choices)
        ]
        return listed + ([kit.actions(nav)] if nav else [])
    if view.kind is Kind.MANY:
        done = button(texts.ui("done"), v.MANY, v.encode("m", qid), style="primary")
        return [kit.actions([_ticks(view, texts), done, *nav])]
    typed = button(texts.ui("answer_button"), v.MODAL, v.encode("t", qid), style="primary")
    return [section(texts.text("reply_here")), kit.actions([typed, *nav])]


def _choice_button(qid: str, choice: ChoiceView, label: str, index: int) -> JSON:
    value = v.encode("a", qid, choice.id)
    style = "primary" if choice.selected else None
    return button(label, v.numbered(v.ANSWER, index), value, style=style)


def _select(view: QuestionView, texts: Texts) -> JSON:
    options = [option(c.label, v.encode("a", view.question_id, c.id)) for c in view.choices]
    chosen = [o for o, c in zip(options, view.choices, strict=True) if c.selected]
    placeholder = clip(texts.ui("choose"), OPTION_TEXT)
    return kit.static_select(
        v.SELECT, options[:MAX_OPTIONS], placeholder, chosen[0] if chosen else None
    )


def _ticks(view: QuestionView, texts: Texts) -> JSON:
    options = [option(c.label, v.encode("c", view.question_id, c.id)) for c in view.choices]
    chosen = [o for o, c in zip(options, view.choices, strict=True) if c.selected]
    if len(options) <= MAX_CHECKBOXES:
        return kit.checkboxes(v.TICK, options, chosen)
    placeholder = clip(texts.ui("choose"), OPTION_TEXT)
    return kit.multi_select(v.TICK, options[:MAX_OPTIONS], placeholder, chosen)


def record_message(recorded: Recorded, texts: Texts) -> Message:
    """What an answered question's message becomes: a short record, no live element left."""
    line = texts.trusted("record", label=recorded.label, answer=recorded.answer)
    return Message(line, [section(line)])


def retired(blocks: Sequence[JSON]) -> list[JSON]:
    """A sent message's blocks with every live element removed (actions, inputs, accessories)."""
    return [
        {k: val for k, val in raw.items() if k not in ("accessory", "block_id")}
        for raw in blocks
        if raw.get("type") not in ("actions", "input")
    ]


def retired_message(blocks: Sequence[JSON]) -> Message:
    """The message a live one becomes once it is no longer the one to answer."""
    kept = retired(blocks)
    texts = [_text_of(b) for b in kept if b.get("type") == "section"]
    fallback = next((t for t in texts if t), "…")
    return Message(fallback, kept or [section(fallback)])


def _text_of(block: JSON) -> str | None:
    text = block.get("text")
    return str(text["text"]) if isinstance(text, dict) and "text" in text else None


def is_live(blocks: Sequence[dict[str, Any]]) -> bool:
    """Whether a sent message still carries something to click."""
    return any(b.get("type") in ("actions", "input") or "accessory" in b for b in blocks)


def view_of(blocks: Sequence[dict[str, Any]]) -> str | None:
    """What a live message of ours shows (a question id, ``review`` or ``verdict``), read from
    its elements' action ids and values; ``None`` if it shows none of them."""
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        for element in [*elements, *([block["accessory"]] if "accessory" in block else [])]:
            action = element.get("action_id")
            if action == v.CONFIRM:
                return "review"
            if action == v.SHARE:
                return "verdict"
            values = [element.get("value"), *(o.get("value") for o in element.get("options", []))]
            for value in map(v.decode, values):
                if value is not None and value.tag in ("a", "c", "m", "t"):
                    return value.question
    return None
