"""Neutral replies laid out as terminal text."""

from __future__ import annotations

from bot.catalog import Catalog
from bot.schema import Kind
from bot.verdict.view import verdict_text
from bot.views import QuestionView, Reply, ReviewView


def layout_reply(reply: Reply, catalog: Catalog) -> str:
    """The whole reply: notices, the record of what was stored, then the current view."""
    lines: list[str] = [f"! {n.text}" for n in reply.notices]
    if reply.recorded is not None:
        recorded = reply.recorded
        text = catalog.text(
            reply.lang, "console.recorded", label=recorded.label, answer=recorded.answer
        )
        lines.append(text)
    if lines:
        lines.append("")
    view = reply.view
    if isinstance(view, QuestionView):
        lines += layout_question(view, catalog, reply.lang)
    elif isinstance(view, ReviewView):
        lines += layout_review(view, catalog, reply.lang)
    else:
        lines += [verdict_text(view, catalog, reply.lang).rstrip()]
        lines += ["", catalog.text(reply.lang, "console.verdict_hint")]
    return "\n".join(lines)


def layout_question(view: QuestionView, catalog: Catalog, lang: str) -> list[str]:
    lines = [f"[{view.progress}]", view.title]
    if view.hint:
        lines.append(f"  {view.hint}")
    if view.kind is Kind.SCALE:  # "1 · 2 · [3] · 4 · 5": the numbers are the answers
        marks = [f"[{c.label}]" if c.selected else c.label for c in view.choices]
        lines.append("  " + " · ".join(marks))
    elif view.kind in (Kind.ONE, Kind.MANY):
        if view.kind is Kind.MANY:
            lines.append(f"  0. {catalog.text(lang, 'interview.ui.none_yet')}")
        for number, choice in enumerate(view.choices, 1):
            mark = "*" if choice.selected else " "
            lines.append(f" {mark}{number}. {choice.label}")
    if view.current is not None and view.kind in (Kind.TEXT, Kind.INTEGER):
        lines.append(f"  ({view.current})")
    key = {
        Kind.ONE: "console.choose_one",
        Kind.SCALE: "console.type_number",
        Kind.MANY: "console.choose_many",
        Kind.TEXT: "console.type_text",
        Kind.INTEGER: None,  # the question's own hint already says it
    }[view.kind]
    if key:
        lines.append(catalog.text(lang, key, min=view.min, max=view.max))
    return lines


def layout_review(view: ReviewView, catalog: Catalog, lang: str) -> list[str]:
    lines = [view.title, view.intro, ""]
    width = max((len(item.label) for item in view.items), default=0)
    for number, item in enumerate(view.items, 1):
        lines.append(f" {number:>2}. {item.label.ljust(width)}  {item.answer}")
    lines += ["", catalog.text(lang, "console.review_hint")]
    return lines
