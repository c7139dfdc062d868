"""The shapes of Slack's payloads that Bolt and écoute rely on, checked before Bolt sees them.

Bolt builds its context and écoute's listeners read payloads by indexing into them, trusting
Slack's documented shapes. A signed body that differs (a list where an object goes, a number
where a string goes, an empty ``actions``) is named here, so that it is ignored instead of
raising deep inside Bolt. Problems name fields, never values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

Kind = Literal["json", "payload", "form"]
"""``json``: an Events API delivery; ``payload``: an interactive payload (``payload=`` JSON);
``form``: a slash command."""
Body = dict[str, Any]
Check = Callable[[Body], "str | None"]

_IDS = ("user", "channel", "team", "enterprise")  # an id, or an object with a string id
_OBJECTS = (
    *("event", "view", "message", "previous_message", "item", "assistant_thread"),
    "selected_option",
)
_OTHER_OBJECTS = ("container", "function_data", "tokens")
_STRINGS = (
    *("type", "team_id", "user_id", "enterprise_id", "channel_id", "app_installed_team_id"),
    *("response_url", "trigger_id", "callback_id", "private_metadata", "thread_ts"),
    *("event_id", "subtype", "channel_type", "bot_id", "tab"),  # not text: an object in blocks
    *("action_id", "block_id", "value", "selected_conversation"),
)
_LISTS_OF = ("authorizations", "response_urls", "actions", "selected_options")
_LISTS = (*_LISTS_OF, "blocks")
_NESTING = 3  # body > event > message: as deep as Bolt's id extraction looks


def shape_problem(kind: Kind, body: Body) -> str | None:
    """What makes ``body`` unlike the documented payload of its ``kind``, or ``None``."""
    if kind == "form":
        return _slash_command(body)
    problem = _fields(body, "", _NESTING)
    if problem is not None:
        return problem
    checks = _EVENTS_API if kind == "json" else _INTERACTIVE
    kind_type = body.get("type")
    check = checks.get(kind_type) if isinstance(kind_type, str) else None
    if check is None:
        return f"{kind} body of an unexpected type"
    return check(body)


def _is(value: object, kind: type) -> bool:
    """``value`` is absent (``None``) or of ``kind``."""
    return value is None or isinstance(value, kind)


def _text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _fields(d: Body, where: str, depth: int) -> str | None:
    """The fields Bolt's id extraction and écoute's listeners read, at any level: ids, objects,
    strings and lists of objects, when present, are what Slack documents."""
    for key in _IDS:
        value = d.get(key)
        if not (_is(value, str) or (isinstance(value, dict) and _is(value.get("id"), str))):
            return f"{where}{key} is neither an id nor an object with a string id"
    for key in (*_OBJECTS, *_OTHER_OBJECTS):
        if not _is(d.get(key), dict):
            return f"{where}{key} is not an object"
    if not (_is(d.get("state"), dict) or isinstance(d.get("state"), str)):  # a dialog's: text
        return f"{where}state is neither an object nor a string"
    for key in _STRINGS:
        if not _is(d.get(key), str):
            return f"{where}{key} is not a string"
    for key in _LISTS:
        items = d.get(key, [])
        if key == "response_urls" and items is None:  # Bolt takes len() of it when present
            items = "null"
        if not (_is(items, list) and all(isinstance(i, dict) for i in items or ())):
            return f"{where}{key} is not a list of objects"
    if depth > 1:
        nested = [(d.get(k), f"{where}{k}.") for k in _OBJECTS]
        nested += [(i, f"{where}{k}[].") for k in _LISTS_OF for i in d.get(k) or ()]
        for value, inner in nested:
            if isinstance(value, dict) and (problem := _fields(value, inner, depth - 1)):
                return problem
    return None


def _slash_command(body: Body) -> str | None:
    for key in ("command", "user_id", "team_id"):
        if not body.get(key):  # a form's values are strings
            return f"slash command without {key}"
    return None


def _actor(body: Body) -> str | None:
    """Who clicked or submitted, and in which workspace (``team`` is null in org-wide apps)."""
    user, team = body.get("user"), body.get("team")
    if not isinstance(user, dict) or not _text(user.get("id")):
        return "user.id missing"
    for key in ("team", "channel", "enterprise"):
        if not _is(body.get(key), dict):
            return f"{key} is not an object"
    if not _text(team.get("id") if isinstance(team, dict) else user.get("team_id")):
        return "team.id (or user.team_id) missing"
    return None


def _values(state: object, where: str) -> str | None:
    """``state.values``: block id -> action id -> element state."""
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return f"{where}state.values is not an object"
    for block in values.values():
        if not isinstance(block, dict) or not all(isinstance(e, dict) for e in block.values()):
            return f"{where}state.values is not an object of objects"
        for element in block.values():
            if problem := _fields(element, f"{where}state.values.", 2):
                return problem
    return None


def _block_actions(body: Body) -> str | None:
    actions = body.get("actions")
    if not actions:
        return "actions is empty"
    if not all(_text(a.get("action_id")) for a in actions):
        return "an action without action_id"
    if not _text(body.get("trigger_id")):
        return "trigger_id missing"
    if body.get("state") is not None:
        return _values(body["state"], "")
    return None


def _view(body: Body) -> str | None:
    view = body.get("view")
    if not isinstance(view, dict) or not _text(view.get("type")):
        return "view missing or without type"
    if not _text(view.get("callback_id")):
        return "view.callback_id missing"
    if body.get("type") == "view_closed" and view.get("state") is None:
        return None
    return _values(view.get("state"), "view.")


def _shortcut(body: Body) -> str | None:
    if not (_text(body.get("callback_id")) and _text(body.get("trigger_id"))):
        return "callback_id or trigger_id missing"
    return None


def _callback(body: Body) -> str | None:
    """A legacy message button (``interactive_message``) or dialog: what Bolt matches on."""
    return None if _text(body.get("callback_id")) else "callback_id missing"


def _suggestion(body: Body) -> str | None:
    """An external select asking for its options (``block_suggestion``)."""
    return None if _text(body.get("action_id")) else "action_id missing"


def _interactive(check: Check) -> Check:
    return lambda body: _actor(body) or check(body)


def _url_verification(body: Body) -> str | None:
    return None if isinstance(body.get("challenge"), str) else "challenge missing"


def _event_callback(body: Body) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not _text(event.get("type")):
        return "event is not an object with a type"
    if not _text(body.get("team_id")):
        return "team_id missing"
    needs = _ANSWERED.get(event["type"], ())
    if not (event.get("subtype") or event.get("bot_id") or all(_text(event.get(k)) for k in needs)):
        return f"{event['type']} event without {' or '.join(needs)}"
    tokens = event.get("tokens") or {}
    lists = [tokens.get(k) for k in ("oauth", "bot")]
    if not all(_is(ids, list) and all(isinstance(i, str) for i in ids or ()) for ids in lists):
        return "event.tokens is not lists of ids"
    return None


_ANSWERED = {"message": ("user", "channel"), "app_home_opened": ("user",)}
"""What écoute's event listeners need, for a person's events (not a bot's, not a subtype)."""
_INTERACTIVE: dict[str, Check] = {
    "block_actions": _interactive(_block_actions),
    "view_submission": _interactive(_view),
    "view_closed": _interactive(_view),
    "shortcut": _interactive(_shortcut),
    "message_action": _interactive(_shortcut),
    "block_suggestion": _interactive(_suggestion),
    "interactive_message": _interactive(_callback),
    "dialog_submission": _interactive(_callback),
    "dialog_cancellation": _interactive(_callback),
    "dialog_suggestion": _interactive(_callback),
}
"""Every interactive payload Slack documents: écoute answers some, acknowledges the rest."""
_EVENTS_API: dict[str, Check] = {
    "url_verification": _url_verification,
    "event_callback": _event_callback,
}
