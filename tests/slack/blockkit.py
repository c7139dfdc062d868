"""Block Kit checks shared by the tests: slack_sdk's validation, limits and choice values."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.blocks import MAX_BLOCKS

TEXT_REQUIRED = ("chat.postMessage", "chat.update", "chat.postEphemeral")


def valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """Raise unless every block parses and validates, within 50 blocks."""
    assert 0 < len(blocks) <= MAX_BLOCKS, len(blocks)
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        assert block.to_dict() == raw


def element_values(blocks: list[dict[str, Any]]) -> list[str]:
    values: list[str] = []
    for block in blocks:
        found = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if "accessory" in block:
            found.append(block["accessory"])
        for el in found:
            if "value" in el:
                values.append(el["value"])
            values.extend(o["value"] for o in el.get("options", []))
    return values


def valid_view(view: dict[str, Any]) -> list[str]:
    """What slack_sdk's validation finds wrong with a modal or a Home tab."""
    return payload_problems("views.open", {"view": view})


def payload_problems(method: str, p: dict[str, Any]) -> list[str]:
    """What is wrong with a Web API payload: slack_sdk's validation, 50 blocks, a text fallback."""
    problems: list[str] = []
    try:
        blocks = p.get("blocks")
        if blocks is not None:
            if len(blocks) > MAX_BLOCKS:
                problems.append(f"{method}: {len(blocks)} blocks")
            for raw in blocks:
                block = Block.parse(raw)
                if block is None:
                    problems.append(f"{method}: unparsable block {raw}")
                else:
                    block.to_dict()
        if method in TEXT_REQUIRED and not p.get("text"):
            problems.append(f"{method}: no text fallback")
        view = p.get("view")
        if view is not None:
            View(**{k: val for k, val in view.items() if k != "id"}).to_dict()
    except Exception as exc:  # SlackObjectFormationError and malformed payloads alike
        problems.append(f"{method}: {exc!r}")
    return problems
