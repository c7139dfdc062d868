"""Discord's size limits, enforced by the bot on everything it sends.

discord.py checks the counts it knows (25 options, 5 buttons a row, 25 items a view, 5 modal
items) but not the lengths below: Discord would refuse the whole message with a 400. Every
outgoing message, view and modal goes through this module first: text is shortened with an
ellipsis (and a warning is logged), and a component whose ``custom_id`` is too long is
dropped rather than sent. Lengths are counted in UTF-16 code units, which is never less than
Discord's count.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import discord

log = logging.getLogger(__name__)

CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
BUTTON_LABEL = 80
OPTION_LABEL = 100
OPTION_DESCRIPTION = 100
OPTIONS = 25
PLACEHOLDER = 150
CUSTOM_ID = 100
MODAL_TITLE = 45
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
LABEL_DESCRIPTION = 100
TEXT_INPUT = 4000
ATTACHMENT_DESCRIPTION = 1024

ELLIPSIS = "…"
KEPT = 80
"""Units a text keeps at least while later embeds make room (see :func:`_share_total`)."""

Slot = tuple[dict[str, Any], str, int]
"""A text of an embed: its holder (the embed, a field, the footer…), its key, its own limit."""


def units(text: str) -> int:
    """Length as Discord may count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit(text: str, limit: int, what: str) -> str:
    """``text`` cut to ``limit`` units with an ellipsis; logs when it had to cut."""
    if units(text) <= limit:
        return text
    log.warning("shortened %s from %d to %d characters", what, units(text), limit)
    budget = limit - units(ELLIPSIS)
    out: list[str] = []
    used = 0
    for ch in text:
        size = units(ch)
        if used + size > budget:
            break
        out.append(ch)
        used += size
    return "".join(out).rstrip() + ELLIPSIS


def fit_embeds(embeds: list[discord.Embed]) -> list[discord.Embed]:
    """Embeds within every per-part limit, at most 10, and 6000 characters in all."""
    if len(embeds) > EMBEDS_PER_MESSAGE:
        log.warning("dropped %d embeds over the limit", len(embeds) - EMBEDS_PER_MESSAGE)
    dicts = [cast(dict[str, Any], embed.to_dict()) for embed in embeds[:EMBEDS_PER_MESSAGE]]
    groups: list[list[Slot]] = []
    for data in dicts:
        slots: list[Slot] = []
        groups.append(slots)
        fields: list[dict[str, Any]] = data.get("fields", [])
        if len(fields) > EMBED_FIELDS:
            log.warning("dropped %d embed fields over the limit", len(fields) - EMBED_FIELDS)
            data["fields"] = fields = fields[:EMBED_FIELDS]
        for key, limit in (("title", EMBED_TITLE), ("description", EMBED_DESCRIPTION)):
            if data.get(key):
                slots.append((data, key, limit))
        for part, key, limit in (("footer", "text", FOOTER), ("author", "name", AUTHOR)):
            holder = data.get(part)
            if isinstance(holder, dict) and holder.get(key):
                slots.append((holder, key, limit))
        for field in fields:
            slots.append((field, "name", FIELD_NAME))
            slots.append((field, "value", FIELD_VALUE))
        for holder, key, limit in slots:
            holder[key] = fit(str(holder[key]), limit, f"embed {key}")
    _share_total(groups)
    return [discord.Embed.from_dict(data) for data in dicts]


def _share_total(groups: list[list[Slot]]) -> None:
    """Cut texts until all embeds together fit in 6000 characters.

    A message's embeds come in the order of what matters most (a verdict's networks and
    their reasons before its alternatives, what would change the call, the check-in offer):
    the last embeds make room first, each down to :data:`KEPT` units a text, the longest
    texts first; only if that is not enough are all texts cut alike.
    """
    total = sum(units(str(holder[key])) for group in groups for holder, key, _ in group)
    for group in reversed(groups):
        if total <= EMBED_TOTAL:
            return
        total -= _cut(group, total - EMBED_TOTAL, KEPT)
    if total > EMBED_TOTAL:
        _cut([slot for group in groups for slot in group], total - EMBED_TOTAL, 1)


def _cut(slots: list[Slot], over: int, floor: int) -> int:
    """Cut the longest of ``slots`` to a common cap (not below ``floor``) so that they lose
    ``over`` units, or as many as the floor allows; returns the units they lost."""
    sizes = [units(str(holder[key])) for holder, key, _ in slots]
    if not sizes:
        return 0
    target = sum(sizes) - over
    low, high = floor, max(max(sizes), floor)  # the largest cap with sum(min(size, cap)) <= target
    if sum(min(s, low) for s in sizes) > target:
        high = low
    while low < high:
        mid = (low + high + 1) // 2
        if sum(min(s, mid) for s in sizes) <= target:
            low = mid
        else:
            high = mid - 1
    lost = 0
    for (holder, key, _), size in zip(slots, sizes, strict=True):
        if size > low:
            holder[key] = fit(str(holder[key]), low, "embed text (6000 in all)")
            lost += size - units(str(holder[key]))
    return lost


def fit_view(view: discord.ui.View) -> discord.ui.View:
    """The view with labels, options and placeholders cut, and over-long custom_ids dropped."""
    for item in list(view.children):
        custom_id = getattr(item, "custom_id", None)
        if isinstance(custom_id, str) and units(custom_id) > CUSTOM_ID:
            log.error("dropped a component whose custom_id is too long: %r", custom_id)
            view.remove_item(item)
            continue
        inner = getattr(item, "item", item)  # a DynamicItem wraps the real component
        if isinstance(inner, discord.ui.Button) and inner.label:
            inner.label = fit(inner.label, BUTTON_LABEL, "button label")
        elif isinstance(inner, discord.ui.Select):
            _fit_select(inner)
        elif isinstance(inner, discord.ui.ChannelSelect) and inner.placeholder:
            inner.placeholder = fit(inner.placeholder, PLACEHOLDER, "select placeholder")
    return view


def _fit_select(select: discord.ui.Select[Any]) -> None:
    if select.placeholder:
        select.placeholder = fit(select.placeholder, PLACEHOLDER, "select placeholder")
    options = select.options[:OPTIONS]
    for option in options:
        option.label = fit(option.label, OPTION_LABEL, "option label")
        if option.description:
            option.description = fit(option.description, OPTION_DESCRIPTION, "option description")
    select.options = options
    select.max_values = min(select.max_values, max(len(options), 1))
    select.min_values = min(select.min_values, select.max_values)


def fit_modal(modal: discord.ui.Modal) -> discord.ui.Modal:
    """The modal with its title, labels and lengths within Discord's limits."""
    modal.title = fit(modal.title, MODAL_TITLE, "modal title")
    for item in modal.walk_children():
        if isinstance(item, discord.ui.Label):
            item.text = fit(item.text, TEXT_INPUT_LABEL, "label")
            if item.description:
                item.description = fit(item.description, LABEL_DESCRIPTION, "label description")
        elif isinstance(item, discord.ui.TextInput):
            if item.placeholder:
                item.placeholder = fit(item.placeholder, TEXT_INPUT_PLACEHOLDER, "placeholder")
            item.max_length = min(item.max_length or TEXT_INPUT, TEXT_INPUT)
            if item.min_length is not None:
                item.min_length = min(item.min_length, item.max_length)
    return modal
