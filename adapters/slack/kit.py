"""Block Kit as JSON: the blocks, elements, objects and views écoute sends, as plain dicts.

These are the dicts slack_sdk's models produce (``to_dict``), built directly: the models'
validation ran on every message and cost ~15 % of a click's CPU. Every payload the tests'
fake Slack receives is still parsed and validated by those models (``tests/slack/blockkit``),
so a shape Slack would refuse fails a test, not a user. Texts are clipped by the callers
(:mod:`adapters.slack.blocks` holds the limits); ``None`` leaves a field out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

JSON = dict[str, Any]
"""A block, an element, a composition object or a view."""


def _some(**fields: object) -> JSON:
    return {k: val for k, val in fields.items() if val is not None}


def plain(text: str) -> JSON:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> JSON:
    return {"type": "mrkdwn", "text": text}


def section(text: str, accessory: JSON | None = None) -> JSON:
    return _some(type="section", text=mrkdwn(text), accessory=accessory)


def context(text: str) -> JSON:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> JSON:
    return {"type": "header", "text": plain(text)}


def divider() -> JSON:
    return {"type": "divider"}


def actions(elements: Sequence[JSON]) -> JSON:
    return {"type": "actions", "elements": list(elements)}


def input_block(block_id: str, label: str, element: JSON, hint: str | None = None) -> JSON:
    return _some(
        type="input",
        block_id=block_id,
        label=plain(label),
        element=element,
        hint=plain(hint) if hint is not None else None,
    )


def button(
    text: str,
    action_id: str,
    value: str,
    style: str | None = None,
    confirm: JSON | None = None,
) -> JSON:
    return _some(
        type="button",
        text=plain(text),
        action_id=action_id,
        value=value,
        style=style,
        confirm=confirm,
    )


def confirm(title: str, text: str, yes: str, no: str, style: str | None = None) -> JSON:
    return _some(
        title=plain(title), text=mrkdwn(text), confirm=plain(yes), deny=plain(no), style=style
    )


def option(text: str, value: str) -> JSON:
    return {"text": plain(text), "value": value}


def static_select(
    action_id: str,
    options: Sequence[JSON],
    placeholder: str | None = None,
    initial: JSON | None = None,
) -> JSON:
    return _some(
        type="static_select",
        action_id=action_id,
        placeholder=plain(placeholder) if placeholder is not None else None,
        options=list(options),
        initial_option=initial,
    )


def multi_select(
    action_id: str,
    options: Sequence[JSON],
    placeholder: str | None = None,
    initial: Sequence[JSON] = (),
) -> JSON:
    return _some(
        type="multi_static_select",
        action_id=action_id,
        placeholder=plain(placeholder) if placeholder is not None else None,
        options=list(options),
        initial_options=list(initial) or None,
    )


def checkboxes(action_id: str, options: Sequence[JSON], initial: Sequence[JSON] = ()) -> JSON:
    return _some(
        type="checkboxes",
        action_id=action_id,
        options=list(options),
        initial_options=list(initial) or None,
    )


def channel_select(action_id: str, placeholder: str | None = None) -> JSON:
    """A public or private channel (no DMs, no bots)."""
    return _some(
        type="conversations_select",
        action_id=action_id,
        placeholder=plain(placeholder) if placeholder is not None else None,
        filter={"include": ["public", "private"], "exclude_bot_users": True},
    )


def text_input(
    action_id: str, *, max_length: int, initial: str | None = None, multiline: bool = True
) -> JSON:
    return _some(
        type="plain_text_input",
        action_id=action_id,
        multiline=multiline,
        max_length=max_length,
        initial_value=initial,
        focus_on_load=True,
    )


def number_input(action_id: str, *, low: int | None, high: int | None) -> JSON:
    """Whole numbers only, between ``low`` and ``high`` where given."""
    return _some(
        type="number_input",
        action_id=action_id,
        is_decimal_allowed=False,
        min_value=str(low) if low is not None else None,
        max_value=str(high) if high is not None else None,
        focus_on_load=True,
    )


def modal(
    callback_id: str,
    title: str,
    submit: str,
    close: str,
    blocks: Sequence[JSON],
    private_metadata: str | None = None,
) -> JSON:
    return _some(
        type="modal",
        callback_id=callback_id,
        title=plain(title),
        submit=plain(submit),
        close=plain(close),
        private_metadata=private_metadata,
        blocks=list(blocks),
    )


def home(blocks: Sequence[JSON]) -> JSON:
    return {"type": "home", "blocks": list(blocks)}
