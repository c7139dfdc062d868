"""Opening the real SQL store for property tests, when it is there."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from bot.store import Store


def sql_store_available() -> bool:
    """Whether ``bot.storage`` exists in this checkout."""
    return importlib.util.find_spec("bot.storage") is not None


async def open_sqlite(path: Path) -> Store:
    """The production store on a fresh SQLite file (schema created by its own migrations)."""
    module = importlib.import_module("bot.storage")
    store: Store = await module.open_store(f"sqlite+aiosqlite:///{path}")
    return store
