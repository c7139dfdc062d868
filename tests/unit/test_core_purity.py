"""The core never imports a chat platform library."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
PLATFORMS = {"slack_bolt", "slack_sdk", "discord", "aiohttp", "adapters"}


def test_bot_imports_no_platform_library() -> None:
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in PLATFORMS]
    assert offenders == []
    assert len(list(BOT.glob("*.py"))) > 10  # the walk really saw the core
