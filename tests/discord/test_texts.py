"""Every text the Discord adapter looks up exists in every language (a ``prompts check`` of
the adapter's own code).

A key missing from a catalog is a KeyError at the moment it is needed — the worst moment
when it is the text of an error handler. So the adapter's source is read here: each literal
key it passes to a text lookup, and each string that names a catalog key outright (``ERROR =
"chat.error"``), must exist in ``prompts/en`` and ``prompts/fr`` alike.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.catalog import Catalog, load_catalog

ADAPTER = Path(__file__).resolve().parents[2] / "adapters" / "discord"

LOOKUPS: dict[tuple[str, str], tuple[int, str]] = {
    # (receiver's last name, method): (position of the key, what the method puts before it)
    ("texts", "text"): (1, "discord."),
    ("texts", "plain"): (1, "discord."),
    ("texts", "trusted"): (1, "discord."),
    ("texts", "ui"): (1, "interview.ui."),
    ("texts", "core"): (1, ""),
    ("service", "text"): (1, ""),
    ("conversations", "text"): (1, ""),
    ("polls", "text"): (1, "poll."),
    ("checkins", "text"): (1, "poll.checkin."),
    ("self", "_text"): (1, ""),
}
NAMED_KEY = re.compile(r"(?:discord|chat|interview)\.[a-z_]+(?:\.[a-z_]+)*")
"""A string that is a whole catalog key by itself, wherever it appears in the adapter."""
COMMAND_TEXT = "discord.command."
"""What ``text("team.name")`` looks up in :func:`adapters.discord.commands.build_group`."""


def receiver(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):  # self.team.texts(lang, REFS).notice(...)
        return receiver(node.func)
    return ""


def assigned(tree: ast.AST) -> dict[str, list[str]]:
    """The strings each plain name is given in ``tree`` (``key = "error"``): what a lookup
    whose key is that name may look up."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.setdefault(node.targets[0].id, []).append(node.value.value)
    return found


def literal_keys(node: ast.expr, names: dict[str, list[str]]) -> list[str]:
    """The keys an argument may be: a string, or a name given strings in the function."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        return names.get(node.id, [])
    return []


def lookup_of(node: ast.Call) -> tuple[int, str] | None:
    """(position of the key, what the lookup puts before it), if ``node`` is a lookup."""
    if isinstance(node.func, ast.Name):
        return (0, COMMAND_TEXT) if node.func.id == "text" else None
    if not isinstance(node.func, ast.Attribute):
        return None
    owner, method = receiver(node.func.value), node.func.attr
    if method == "notice" and owner == "texts":  # team texts: notice("not_found")
        return 0, "team.notice."
    return LOOKUPS.get((owner, method))


def looked_up(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, full key) of each key passed to a text lookup (a string, or a name given
    strings in its function), and of each string that names a whole key."""
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for scope in [tree, *scopes]:
        names = assigned(scope)
        calls = (n for n in ast.walk(scope) if isinstance(n, ast.Call))
        for call in calls:
            lookup = lookup_of(call)
            if lookup is None or len(call.args) <= lookup[0]:
                continue
            where, prefix = lookup
            for key in literal_keys(call.args[where], names):
                if prefix == "team.notice." and "." in key:  # notice("invite.counted")
                    yield call.lineno, f"team.{key}"
                else:
                    yield call.lineno, prefix + key
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and NAMED_KEY.fullmatch(node.value)
        ):
            yield node.lineno, node.value


def keys_of_the_adapter() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(ADAPTER.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(path.name, line, key) for line, key in looked_up(tree)]
    return sorted(set(found))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_scan_finds_the_adapters_lookups() -> None:
    keys = {key for _, _, key in keys_of_the_adapter()}
    for expected in (
        "discord.not_yours",  # texts.text
        "interview.ui.back",  # texts.ui
        "interview.notice.forgotten",  # texts.core
        "chat.error",  # the command tree's last resort, named by a constant
        "discord.unknown_command",
        "poll.notice.usage",  # polls.text
        "team.notice.usage",  # conversations.text
        "team.notice.not_found",  # team texts' notice
        "team.invite.counted",  # ... with a section of its own
        "discord.gone",
        "discord.outdated",
        "discord.command.team.name",  # build_group's text()
    ):
        assert expected in keys


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_text_the_adapter_looks_up_exists(catalog: Catalog, lang: str) -> None:
    missing = [
        f"adapters/discord/{name}:{line}: {key}"
        for name, line, key in keys_of_the_adapter()
        if not catalog.has(lang, key)
    ]
    assert missing == []
