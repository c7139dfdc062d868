"""Block Kit for the review (every answer, each with its edit button) and the verdict."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from adapters.slack import kit
from adapters.slack import values as v
from adapters.slack.blocks import (
    HEADER_TEXT,
    MAX_BLOCKS,
    MAX_OPTIONS,
    OPTION_TEXT,
    SECTION_TEXT,
    Message,
    button,
    context,
    notice_blocks,
    option,
    section,
)
from adapters.slack.escape import clip, mention
from adapters.slack.kit import JSON
from adapters.slack.texts import Texts
from bot.conversation import Phase
from bot.views import CodedText, ReviewView, VerdictView

VERDICT_ICONS = {"engage": ":large_green_circle:", "test": ":large_yellow_circle:"}
VERDICT_ICONS["drop"] = ":red_circle:"


def header(text: str) -> JSON:
    return kit.header(clip(text, HEADER_TEXT))


def restart_button(texts: Texts, view: str) -> JSON:
    """The "start again" button, behind a confirmation: it clears every answer. Its value
    names the ``view`` it is shown on, so that a second click on it is stale."""
    sure = kit.confirm(
        clip(texts.text("restart_confirm.title"), 100),
        clip(texts.text("restart_confirm.text"), 300),
        clip(texts.text("restart_confirm.yes"), 30),
        clip(texts.text("restart_confirm.no"), 30),
        style="danger",
    )
    value = v.encode(v.RESTART_TAG, view)
    return button(texts.ui("restart"), v.RESTART, value, style="danger", confirm=sure)


def review_message(view: ReviewView, texts: Texts, notices: Sequence[CodedText] = ()) -> Message:
    """Every answer with an edit button, then confirm / back / start again."""
    blocks: list[JSON] = [*notice_blocks(notices), header(view.title), section(view.intro)]
    room = MAX_BLOCKS - len(blocks) - 1
    edit = texts.ui("edit")
    if len(view.items) <= room:
        for i, item in enumerate(view.items):
            value = v.encode("e", item.question_id, Phase.REVIEW.value)
            change = button(edit, v.numbered(v.EDIT, i), value)
            blocks.append(section(f"*{item.label}*\n{item.answer}", change))
    else:  # too many for one block each: the answers as text, and a select to change one
        lines = [
            texts.trusted("line.answer", label=item.label, answer=item.answer)
            for item in view.items
        ]
        blocks.extend(sections(lines)[: room - 1])
        pick = [(item.question_id, item.label) for item in view.items]
        blocks.append(kit.actions([edit_select(pick, texts, Phase.REVIEW.value)]))
    confirm = button(texts.ui("confirm"), v.CONFIRM, "confirm", style="primary")
    back = button(texts.ui("back"), v.BACK, v.encode("b", Phase.REVIEW.value))
    blocks.append(kit.actions([confirm, back, restart_button(texts, Phase.REVIEW.value)]))
    return Message(f"{view.title} · {view.intro}", blocks)


def edit_select(questions: Sequence[tuple[str, str]], texts: Texts, view: str) -> JSON:
    """A select of questions (id, label) on ``view`` (the review or the verdict); picking one
    edits that answer."""
    options = [option(label, v.encode("e", qid, view)) for qid, label in questions]
    options = options[:MAX_OPTIONS]
    return kit.static_select(v.EDIT, options, clip(texts.text("change_answer"), OPTION_TEXT))


def sections(lines: Iterable[str], title: str | None = None) -> list[JSON]:
    """Lines packed into as few sections as the 3000-character limit allows."""
    out: list[JSON] = []
    chunk = f"*{title}*" if title else ""
    for line in lines:
        line = clip(line, SECTION_TEXT // 2)
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT:
            out.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        out.append(section(chunk))
    return out


def verdict_blocks(view: VerdictView, texts: Texts, reserve: int = 0) -> list[JSON]:
    """The verdict itself: headline, score, each network, warnings, alternatives, flips."""
    blocks: list[JSON] = [header(view.titles.verdict), section(f"*{view.headline}*")]
    blocks.append(context(texts.trusted("score", label=view.score_label, score=view.score)))
    for p in view.platforms:
        icon = VERDICT_ICONS.get(p.verdict, ":white_circle:")
        head = texts.trusted("line.platform", icon=icon, name=p.name, verdict=p.verdict_label)
        blocks.extend(sections([head, *(f"• {r}" for r in p.reasons)]))
    if view.warnings:
        lines = [f":warning: {w.text}" for w in view.warnings]
        blocks.extend(sections(lines, view.titles.warnings))
    if view.alternatives:
        lines = [
            texts.trusted("line.alternative", name=a.name, text=a.text) for a in view.alternatives
        ]
        blocks.extend(sections(lines, view.titles.alternatives))
    if view.flips:
        blocks.extend(sections((f"• {f.text}" for f in view.flips), view.titles.flips))
    return blocks[: MAX_BLOCKS - 3 - reserve]


def verdict_message(
    view: VerdictView,
    texts: Texts,
    questions: Sequence[tuple[str, str]] = (),
    notices: Sequence[CodedText] = (),
    extras: Sequence[JSON] = (),
) -> Message:
    """The verdict with its buttons: change an answer, start again, share it in a channel;
    ``extras`` (asking the audience, a check-in) come last."""
    shown = notice_blocks(notices)
    reserve = len(shown) + len(extras)
    blocks = [*shown, *verdict_blocks(view, texts, reserve), kit.divider()]
    actions: list[JSON] = []
    if questions:
        actions.append(edit_select(questions, texts, Phase.VERDICT.value))
    else:
        back = v.encode("b", Phase.VERDICT.value)
        actions.append(button(texts.text("change_answer"), v.BACK, back))
    actions.append(restart_button(texts, Phase.VERDICT.value))
    actions.append(button(texts.ui("share"), v.SHARE, "share"))
    blocks.append(kit.actions(actions))
    blocks.extend(extras)
    return Message(view.headline, blocks)


def shared_message(view: VerdictView, texts: Texts, user: str) -> Message:
    """The verdict as posted in a channel: no buttons, and who shared it."""
    blocks = verdict_blocks(view, texts)
    blocks.append(context(texts.trusted("shared_by", user=mention(user))))
    return Message(view.headline, blocks)
