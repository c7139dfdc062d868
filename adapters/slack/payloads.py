"""Reading Slack payloads: who, where, which message, which answer."""

from __future__ import annotations

from typing import Any

from adapters.slack import values as v
from adapters.slack.origin import Origin
from adapters.slack.state import Sent
from bot.events import ConversationKey

PLATFORM = "slack"


class NoUser(ValueError):
    """A payload that names no workspace or no user: nobody's conversation to touch."""


def key_of(body: dict[str, Any], context: Any) -> ConversationKey:
    """Whose conversation: each workspace's users are kept apart (``slack``, team, user).

    The workspace is the one Slack authorised the request for. An org-wide (Enterprise Grid)
    install authorises an event for the enterprise alone (``authorizations[0].team_id`` is
    null) while its clicks and commands name the user's workspace: the user's workspace then,
    as for those, so that a DM answer reaches the interview its clicks made.

    Raises :class:`NoUser` when the payload does not say who (never an empty id, which would
    make a conversation shared by everyone whose payload lacks one).
    """
    team = context.team_id or user_team(body) or context.enterprise_id
    user = context.user_id or _id(body.get("user")) or body.get("user_id")
    if not isinstance(team, str) or not team or not isinstance(user, str) or not user:
        raise NoUser("no team or no user in the payload")
    return ConversationKey(PLATFORM, team, user)


def user_team(body: dict[str, Any]) -> object:
    """The workspace of whoever sent ``body``: a message event's ``team`` (or
    ``user_team``), a click's ``user.team_id``, else the payload's ``team_id`` or ``team``."""
    event = body.get("event")
    if isinstance(event, dict) and (found := event.get("team") or event.get("user_team")):
        return found
    user = body.get("user")
    if isinstance(user, dict) and (found := user.get("team_id")):
        return found
    return body.get("team_id") or _id(body.get("team"))


def _id(part: object) -> object:
    return part.get("id") if isinstance(part, dict) else None


def _is_dm(channel: object) -> bool:
    return isinstance(channel, str) and channel.startswith("D")


def action_origin(body: dict[str, Any], context: Any, question: str | None = None) -> Origin:
    """The origin of a click: in the DM (a message to update) or in App Home."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    channel = channel if _is_dm(channel) else None
    clicked, ephemeral_url = None, None
    if container.get("is_ephemeral"):
        ephemeral_url = body.get("response_url")
    elif container.get("type") == "message" and channel:
        message = body.get("message") or {}
        ts = container.get("message_ts") or message.get("ts")
        blocks = message.get("blocks") if isinstance(message, dict) else None
        if isinstance(ts, str) and ts:
            clicked = Sent(channel, ts, blocks if isinstance(blocks, list) else None)
    return Origin(
        key_of(body, context),
        context.client,
        bot_user=context.bot_user_id,
        clicked=clicked,
        question=question,
        home=container.get("type") == "view",
        ephemeral_url=ephemeral_url,
    )


def chosen_ticks(body: dict[str, Any], question: str) -> tuple[str, ...]:
    """The choice ids ticked for ``question`` in the clicked message's checkboxes."""
    chosen: list[str] = []
    values = (body.get("state") or {}).get("values")
    for block in values.values() if isinstance(values, dict) else ():
        element = block.get(v.TICK) if isinstance(block, dict) else None
        options = element.get("selected_options") if isinstance(element, dict) else None
        for opt in options if isinstance(options, list) else ():
            value = v.decode(opt.get("value")) if isinstance(opt, dict) else None
            if value is not None and value.question == question and value.choice:
                chosen.append(value.choice)
    return tuple(chosen)


def modal_answer(body: dict[str, Any]) -> tuple[v.ModalMeta | None, str]:
    """The answer modal's metadata and the typed value (text or number, as text)."""
    view = body.get("view") or {}
    meta = v.ModalMeta.load(view.get("private_metadata"))
    values = (view.get("state") or {}).get("values", {})
    typed = values.get(v.ANSWER_BLOCK, {}).get(v.ANSWER_INPUT, {}).get("value")
    return meta, typed if isinstance(typed, str) else ""


def clicked_channel(body: dict[str, Any]) -> str | None:
    """The channel of the message a click was made in (a DM or any channel), if it says."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return channel if isinstance(channel, str) and channel else None
