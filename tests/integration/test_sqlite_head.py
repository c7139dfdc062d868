"""A new SQLite file gets the head schema from ``bot.storage.sqlite.head``, not the revisions.

The script and the revisions must never drift: both are run on fresh files and their schemas
(``sqlite_master``, and the columns, indexes and keys SQLite reports) compared. A file made by
the script must then be an ordinary Alembic database at head, which a later revision upgrades.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from adapters.cli import db
from bot.storage import SCHEMA_REVISION, open_store
from bot.storage.migrate import MIGRATIONS, current, head_revision, migration_engine, upgrade
from bot.storage.sqlite.backend import statements
from bot.storage.sqlite.head import SCRIPT

ROOT = Path(__file__).resolve().parents[2]
LATER = '''"""A later revision, for the test only."""

import sqlalchemy as sa
from alembic import op

revision = "9000_later"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("nickname", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("nickname")
'''


def sqlite_url_of(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def normalised(sql: str | None) -> str | None:
    """DDL with its layout dropped: one space between words, none around punctuation."""
    if sql is None:
        return None
    flat = re.sub(r"\s+", " ", sql).strip()
    return re.sub(r" ?([(),]) ?", r"\1", flat)


def schema(path: Path) -> dict[str, Any]:
    """Everything SQLite says about the file's schema, and the stamped revision."""
    with sqlite3.connect(path) as con:
        master = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        found: dict[str, Any] = {
            "master": sorted((t, n, tbl, normalised(sql)) for t, n, tbl, sql in master),
            "revision": con.execute("SELECT version_num FROM alembic_version").fetchall(),
        }
        for kind, name, *_ in master:
            if kind == "table":
                found[f"{name} columns"] = con.execute(f"PRAGMA table_xinfo('{name}')").fetchall()
                found[f"{name} keys"] = con.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()
                indexes = con.execute(f"PRAGMA index_list('{name}')").fetchall()
                found[f"{name} indexes"] = sorted(indexes)
                for index in indexes:
                    cols = con.execute(f"PRAGMA index_xinfo('{index[1]}')").fetchall()
                    found[f"{index[1]} index"] = cols
    return found


def by_script(path: Path) -> None:
    asyncio.run(_close(path))


async def _close(path: Path) -> None:
    await (await open_store(sqlite_url_of(path))).close()


def test_the_script_makes_exactly_the_schema_of_the_revisions(tmp_path: Path) -> None:
    migrated, scripted = tmp_path / "migrated.db", tmp_path / "scripted.db"
    asyncio.run(upgrade(sqlite_url_of(migrated)))  # Alembic, revision by revision
    by_script(scripted)
    expected, got = schema(migrated), schema(scripted)
    assert got.keys() == expected.keys()
    for part, value in expected.items():
        assert got[part] == value, part
    assert got["revision"] == [(SCHEMA_REVISION,)] == [(head_revision(),)]


def test_normalising_keeps_what_matters() -> None:
    assert normalised("CREATE TABLE t (\n\ta INT, \n\tb INT\n)") == "CREATE TABLE t(a INT,b INT)"
    assert normalised("x VARCHAR(32)") != normalised("x VARCHAR(64)")
    assert normalised(None) is None


def test_the_script_splits_into_whole_statements() -> None:
    found = statements(SCRIPT)
    assert found[0].startswith("CREATE TABLE alembic_version")
    assert found[-1].startswith("INSERT INTO alembic_version")
    assert all(sqlite3.complete_statement(s) for s in found)
    with pytest.raises(ValueError, match="unterminated"):
        statements("CREATE TABLE t (a INT);\nCREATE TABLE u (b INT)")


async def test_two_stores_opening_a_new_file_at_once_create_it_once(tmp_path: Path) -> None:
    url = sqlite_url_of(tmp_path / "new.db")
    stores = await asyncio.wait_for(asyncio.gather(open_store(url), open_store(url)), 30)
    for store in stores:
        assert await store.ping()
        await store.close()
    assert schema(tmp_path / "new.db")["revision"] == [(SCHEMA_REVISION,)]


async def test_a_file_with_other_tables_but_no_revision_goes_through_alembic(
    tmp_path: Path,
) -> None:
    """An older install whose Discord adapter made its table itself: 0003 keeps its rows."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE discord_command_sync (scope VARCHAR(64) PRIMARY KEY, hash TEXT)")
        con.execute("INSERT INTO discord_command_sync VALUES ('global', 'abc')")
    await (await open_store(sqlite_url_of(path))).close()
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT * FROM discord_command_sync").fetchall() == [("global", "abc")]
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_REVISION,)
        ]


def test_a_new_file_is_at_head_for_ecoute_db_and_alembic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.db"
    by_script(path)
    assert db.main(["current", "--url", sqlite_url_of(path)]) == 0
    assert capsys.readouterr().out == f"{SCHEMA_REVISION}\n"
    assert asyncio.run(current(sqlite_url_of(path))) == head_revision()


def test_a_later_revision_upgrades_a_file_made_by_the_script(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    by_script(path)
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO conversations (platform, workspace, user_id, lang, interview_version,"
            " phase, version, created_at, updated_at)"
            " VALUES ('slack', 'T1', 'U1', 'en', 1, 'asking', 1, '2026-01-01', '2026-01-01')"
        )
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_later.py").write_text(LATER.format(head=SCHEMA_REVISION))
    asyncio.run(_upgrade_with(scripts, sqlite_url_of(path)))
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("9000_later",)
        ]
        assert con.execute("SELECT user_id, nickname FROM conversations").fetchall() == [
            ("U1", None)
        ]


async def _upgrade_with(scripts: Path, url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(scripts))

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    engine = migration_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run)
    finally:
        await engine.dispose()


def test_a_first_start_on_a_new_file_loads_neither_alembic_nor_sqlalchemy(
    tmp_path: Path,
) -> None:
    script = (
        "import asyncio, sys\n"
        "from bot.storage import open_store\n"
        "async def main():\n"
        "    await (await open_store(sys.argv[1])).close()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in ('alembic', 'sqlalchemy') if m in sys.modules))\n"
    )
    url = sqlite_url_of(tmp_path / "data" / "new.db")
    done = subprocess.run(
        [sys.executable, "-c", script, url], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
    assert schema(tmp_path / "data" / "new.db")["revision"] == [(SCHEMA_REVISION,)]
