"""The terminal chat's start-up path stays light: no platform library, and no ORM or Alembic
on a current SQLite file or on a new one (which gets its schema from a DDL script).

Each check runs a new Python process, so modules imported by other tests don't count.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
PLATFORM_LIBRARIES = {"slack_bolt", "slack_sdk", "discord", "aiohttp"}
MIGRATION_LIBRARIES = {"alembic", "sqlalchemy", "aiosqlite", "asyncpg"}
_CHAT = """
import atexit, sys
atexit.register(lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr))
from adapters.cli.main import main
sys.exit(main(["chat", "--user", "imports"]))
"""
_IMPORT = """
import sys
import adapters.console.chat
print("MODULES", *sorted(sys.modules), file=sys.stderr)
"""


def loaded(code: str, folder: Path) -> set[str]:
    """Top-level packages a fresh interpreter had loaded when ``code`` ended."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'ecoute.db'}",
        LANG="en_US.UTF-8",
        LC_ALL="",
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return {name.split(".")[0] for name in line.split()[1:]}


def test_importing_the_chat_loads_no_platform_library(tmp_path: Path) -> None:
    tops = loaded(_IMPORT, tmp_path)
    assert "adapters" in tops
    assert tops.isdisjoint(PLATFORM_LIBRARIES | MIGRATION_LIBRARIES), tops & (
        PLATFORM_LIBRARIES | MIGRATION_LIBRARIES
    )


def test_chat_session_on_current_database_loads_no_platform_or_migration_library(
    tmp_path: Path,
) -> None:
    loaded(_CHAT, tmp_path)  # creates and migrates the file
    assert (tmp_path / "ecoute.db").exists()
    again = loaded(_CHAT, tmp_path)
    assert again.isdisjoint(PLATFORM_LIBRARIES | MIGRATION_LIBRARIES), again & (
        PLATFORM_LIBRARIES | MIGRATION_LIBRARIES
    )


def test_chat_session_on_new_database_loads_no_platform_or_migration_library(
    tmp_path: Path,
) -> None:
    first = loaded(_CHAT, tmp_path)  # creates the file from the head DDL script, not Alembic
    assert (tmp_path / "ecoute.db").exists()
    assert first.isdisjoint(PLATFORM_LIBRARIES | MIGRATION_LIBRARIES), first & (
        PLATFORM_LIBRARIES | MIGRATION_LIBRARIES
    )
