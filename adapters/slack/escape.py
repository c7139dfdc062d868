"""Slack's text escaping: only ``&``, ``<`` and ``>`` are special in mrkdwn and ``text``.

Unescaped user text could make the bot post ``<!channel>`` (a mass ping), ``<@U…>`` mentions
or disguised links ``<https://evil|bank.com>``. Text from message events arrives already
encoded: decode it once (:func:`slack_decode`) before handing it to the core, which encodes
it again (:func:`slack_mrkdwn_escape`) whenever it is shown.
"""

from __future__ import annotations

import re

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")


def slack_mrkdwn_escape(text: str) -> str:
    """``text`` safe to print in mrkdwn or a message's ``text``: ``&``, ``<``, ``>`` encoded.

    A lone surrogate (not UTF-8, so the request would fail) becomes U+FFFD.
    """
    text = _LONE_SURROGATE.sub("\ufffd", text)
    for raw, entity in _ESCAPES:
        text = text.replace(raw, entity)
    return text


def slack_decode(text: str) -> str:
    """The text a user typed, from a message event's encoded ``text`` (the three entities only)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mention(user_id: str) -> str:
    """``<@U…>`` for a real Slack user id; anything else is printed escaped, never as markup."""
    if _USER_ID.match(user_id):
        return f"<@{user_id}>"
    return slack_mrkdwn_escape(user_id)


def channel_link(channel_id: str) -> str:
    """``<#C…>`` for a real channel id; anything else is printed escaped, never as markup."""
    if _CHANNEL_ID.match(channel_id):
        return f"<#{channel_id}>"
    return slack_mrkdwn_escape(channel_id)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters with an ellipsis, never inside an entity."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # don't leave half of "&amp;" behind
    return cut + "…"
