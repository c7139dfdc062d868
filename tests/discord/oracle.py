"""Discord's documented limits, checked on the raw JSON the bot sent (independent of the
adapter's own limits module, so that a bug there can't hide here)."""

from __future__ import annotations

from typing import Any

from tests.discord.members import components


def message_problems(body: dict[str, Any]) -> list[str]:
    problems: list[str] = []

    def over(what: str, text: object, limit: int, *, required: bool = False) -> None:
        if text is None:
            if required:
                problems.append(f"{what}: missing")
            return
        size = len(str(text))
        if size > limit or (required and size == 0):
            problems.append(f"{what}: {size} characters (limit {limit})")

    over("content", body.get("content"), 2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (limit 10)")
    total = 0
    for i, e in enumerate(embeds):
        over(f"embed {i} title", e.get("title"), 256)
        over(f"embed {i} description", e.get("description"), 4096)
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embed {i}: {len(fields)} fields (limit 25)")
        for f in fields:
            over(f"embed {i} field name", f.get("name"), 256, required=True)
            over(f"embed {i} field value", f.get("value"), 1024, required=True)
        over(f"embed {i} footer", (e.get("footer") or {}).get("text"), 2048)
        over(f"embed {i} author", (e.get("author") or {}).get("name"), 256)
        total += sum(len(str(e.get(k) or "")) for k in ("title", "description"))
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
        total += len((e.get("footer") or {}).get("text") or "")
        total += len((e.get("author") or {}).get("name") or "")
    if total > 6000:
        problems.append(f"embeds: {total} characters in all (limit 6000)")
    problems += component_problems(body)
    return problems


def component_problems(body: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    rows = body.get("components") or []
    if len(rows) > 5:
        problems.append(f"{len(rows)} rows (limit 5)")
    for c in components(body):
        custom_id = c.get("custom_id")
        if custom_id is not None and not 1 <= len(custom_id) <= 100:
            problems.append(f"custom_id {custom_id!r}: {len(custom_id)} characters (limit 100)")
        if c.get("type") == 2 and len(c.get("label") or "") > 80:
            problems.append(f"button label: {len(c['label'])} characters (limit 80)")
        if c.get("type") == 3:
            options = c.get("options") or []
            if not 1 <= len(options) <= 25:
                problems.append(f"select: {len(options)} options (1 to 25)")
            for o in options:
                for key in ("label", "value", "description"):
                    if len(o.get(key) or "") > 100:
                        problems.append(f"option {key}: {len(o[key])} characters (limit 100)")
            if len(c.get("placeholder") or "") > 150:
                problems.append("select placeholder over 150 characters")
            if not 0 <= c.get("min_values", 1) <= c.get("max_values", 1) <= len(options):
                problems.append(
                    f"select min/max values {c.get('min_values')}/{c.get('max_values')}"
                )
    return problems


def modal_problems(body: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if not 1 <= len(body.get("title") or "") <= 45:
        problems.append(f"modal title: {len(body.get('title') or '')} characters (1 to 45)")
    if len(body.get("custom_id") or "") > 100:
        problems.append("modal custom_id over 100 characters")
    for c in components(body):
        if c.get("type") == 18:
            if not 1 <= len(c.get("label") or "") <= 45:
                problems.append(f"label: {len(c.get('label') or '')} characters (1 to 45)")
            if len(c.get("description") or "") > 100:
                problems.append("label description over 100 characters")
        if c.get("type") == 4:
            if len(c.get("custom_id") or "") > 100:
                problems.append("text input custom_id over 100 characters")
            if len(c.get("placeholder") or "") > 100:
                problems.append("text input placeholder over 100 characters")
            if not 0 <= c.get("min_length", 0) <= c.get("max_length", 4000) <= 4000:
                problems.append(f"text input lengths {c.get('min_length')}/{c.get('max_length')}")
            if len(c.get("value") or "") > 4000:
                problems.append("text input value over 4000 characters")
    return problems
