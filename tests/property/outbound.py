"""A core reply laid out by each adapter's own builders, and the checks on what would be sent.

Slack: every string of the Block Kit payload (and of the modal and Home tab built from the
same view) must be free of ``<``/``>`` markup from user text and within Block Kit's limits
(slack_sdk validates them in ``to_dict``). Discord: message content and embeds must hold no
mention, channel or role ping, ``@everyone``/``@here``, timestamp, emoji or masked link, and
respect the lengths Discord enforces with a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from adapters.discord import limits as dl
from adapters.discord.messages import reply_message
from adapters.discord.texts import Texts as DiscordTexts
from adapters.slack import values as sv
from adapters.slack.blocks import MAX_BLOCKS, question_message, record_message
from adapters.slack.home import home_view
from adapters.slack.modals import answer_modal
from adapters.slack.review import review_message, verdict_message
from adapters.slack.texts import Texts as SlackTexts
from bot.catalog import Catalog
from bot.schema import Kind
from bot.views import QuestionView, Reply, ReviewView, VerdictView
from tests.slack.blockkit import payload_problems

SLACK_MARKUP = re.compile(r"<[!@#]|<(https?|mailto|tel|slack):|\|[^>]*>")
DISCORD_PING = re.compile(
    r"<(@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(:[tTdDfFR])?|/[\w -]+:\d+|id:\w+)>"
    r"|@(everyone|here)\b",
    re.IGNORECASE,
)
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?!\s)")
SLACK_LIMITS = {"section": 3000, "header": 150, "button": 75, "option": 75}


def strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like payload, with where it is."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from strings(value, f"{path}[{i}]")


def slack_payloads(reply: Reply, catalog: Catalog) -> list[dict[str, Any]]:
    """What Slack would receive for ``reply``: the message, the record, the modal, the Home tab."""
    texts = SlackTexts(catalog, reply.lang)
    view = reply.view
    out: list[dict[str, Any]] = []
    if isinstance(view, QuestionView):
        out.append(question_message(view, texts, reply.notices).payload())
        if view.kind in (Kind.TEXT, Kind.INTEGER):
            meta = sv.ModalMeta(view.question_id, "D1", "1.2")
            out.append(answer_modal(view, texts, meta))
    elif isinstance(view, ReviewView):
        out.append(review_message(view, texts, reply.notices).payload())
    else:
        assert isinstance(view, VerdictView)
        questions = [("audience", "Whom")]
        out.append(verdict_message(view, texts, questions, reply.notices).payload())
        out.append(home_view(texts, view))
    if reply.recorded is not None:
        out.append(record_message(reply.recorded, texts).payload())
    return out


def check_slack(payload: dict[str, Any]) -> None:
    """No markup from user text, within Block Kit's limits, sendable as UTF-8."""
    kind = "views.open" if payload.get("type") in ("modal", "home") else "chat.postMessage"
    problems = payload_problems(kind, {"view": payload} if kind == "views.open" else payload)
    assert not problems, problems  # slack_sdk's own models accept it
    blocks = payload.get("blocks", [])
    assert len(blocks) <= (100 if payload.get("type") == "home" else MAX_BLOCKS)
    for where, text in strings(payload):
        text.encode("utf-8")  # a lone surrogate would make the request fail
        if where.endswith("initial_value"):
            continue  # an input's raw value: plain text, shown as typed, never parsed
        assert not SLACK_MARKUP.search(text), f"Slack markup at {where}: {text[:200]!r}"
        assert "<" not in text, f"raw angle bracket at {where}: {text[:200]!r}"
        assert ">" not in text, f"raw angle bracket at {where}: {text[:200]!r}"
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= SLACK_LIMITS["section"]
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= SLACK_LIMITS["header"]
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= SLACK_LIMITS["button"]
            for option in element.get("options", []):
                assert len(option["text"]["text"]) <= SLACK_LIMITS["option"]


def discord_payload(reply: Reply, catalog: Catalog, user: str = "42") -> dict[str, Any]:
    """What Discord would receive for ``reply`` (content, embeds, components)."""
    out = reply_message(reply, user, DiscordTexts(catalog))
    return {
        "content": out.content,
        "embeds": [e.to_dict() for e in out.embeds],
        "components": out.view.to_components() if out.view else [],
    }


def check_discord(payload: dict[str, Any]) -> None:
    """No ping or masked link in rendered text; every length within Discord's limits."""
    content = payload["content"] or ""
    assert dl.units(content) <= dl.CONTENT
    rendered = [("content", content)]
    total = 0
    assert len(payload["embeds"]) <= dl.EMBEDS_PER_MESSAGE
    for i, embed in enumerate(payload["embeds"]):
        assert dl.units(embed.get("title", "")) <= dl.EMBED_TITLE
        assert dl.units(embed.get("description", "")) <= dl.EMBED_DESCRIPTION
        assert len(embed.get("fields", [])) <= dl.EMBED_FIELDS
        for field in embed.get("fields", []):
            assert dl.units(field["name"]) <= dl.FIELD_NAME
            assert dl.units(field["value"]) <= dl.FIELD_VALUE
        texts = list(strings({k: embed.get(k) for k in ("title", "description", "fields")}))
        total += sum(dl.units(t) for where, t in texts if not where.endswith("inline"))
        rendered += [(f"embeds[{i}]{where}", t) for where, t in texts]
    assert total <= dl.EMBED_TOTAL
    for where, text in rendered:
        text.encode("utf-8")
        assert not DISCORD_PING.search(text), f"Discord ping at {where}: {text[:200]!r}"
        assert not MASKED_LINK.search(text), f"masked link at {where}: {text[:200]!r}"
    for where, text in strings(payload["components"]):
        text.encode("utf-8")
        limit = dl.CUSTOM_ID if where.endswith("custom_id") else dl.OPTION_LABEL
        assert dl.units(text) <= limit, f"{where} too long: {dl.units(text)}"
