"""A non-editable install (``pip install .``, as a Heroku-style host does) works.

The wheel must carry the data read at run time: ``prompts/`` (questions, scoring, texts and
templates) and ``migrations/`` (Alembic's ``env.py``, template and revisions), installed
beside ``bot/`` where the code looks for them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.storage import SCHEMA_REVISION

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "bot", "adapters", "prompts", "migrations")
DATA = ("prompts", "migrations")
TIMEOUT = 300
INSTALLED = """
import asyncio, sys
from pathlib import Path
import bot, bot.storage.migrate, bot.schema
from bot.bootstrap import load_prompts
from bot.settings import Settings
site = Path(sys.argv[1]).resolve()
for found in (Path(bot.__file__), bot.schema.PROMPTS_DIR, bot.storage.migrate.MIGRATIONS):
    assert found.resolve().is_relative_to(site), found
schema, catalog, weights = load_prompts(Settings())
assert sorted(catalog.languages) == ["en", "fr"], catalog.languages
asyncio.run(bot.storage.migrate.upgrade(f"sqlite+aiosqlite:///{Path.cwd() / 'new.db'}"))
print(asyncio.run(bot.storage.migrate.current(f"sqlite+aiosqlite:///{Path.cwd() / 'new.db'}")))
"""


def isolation() -> list[str]:
    """``--no-build-isolation`` when this environment's setuptools builds wheels by itself
    (70.1 and later, or with the ``wheel`` package); otherwise pip installs the build backend
    named in pyproject.toml from the package index, as ``pip install -e`` does."""
    major, minor = (int(part) for part in importlib.metadata.version("setuptools").split(".")[:2])
    if (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None:
        return ["--no-build-isolation"]
    return []


def pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def data_files() -> set[str]:
    """Every file of ``prompts/`` and ``migrations/`` in this checkout, as wheel names."""
    found: set[str] = set()
    for folder in DATA:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of its sources (the checkout stays untouched)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    pip("wheel", "--no-deps", *isolation(), "--wheel-dir", str(work / "dist"), str(source))
    (built,) = (work / "dist").glob("ecoute-*.whl")
    return built


def test_the_wheel_carries_the_prompts_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "prompts/en/interview.toml",
        "prompts/fr/verdict.txt.j2",
        "prompts/questions.toml",
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/0001_initial.py",
        f"migrations/versions/{SCHEMA_REVISION}.py",
        "bot/schema.py",
        "adapters/cli/main.py",
    ):
        assert needed in names
    assert data_files() <= names, data_files() - names
    assert not [name for name in names if "__pycache__" in name or name.startswith("tests/")]


def test_the_installed_wheel_finds_its_prompts_and_migrates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel))
    run = tmp_path / "run"  # no prompts/ or migrations/ around: only the installed ones
    run.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "ECOUTE_"))}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run(
        [sys.executable, "-c", INSTALLED, str(site)],
        cwd=run,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{SCHEMA_REVISION}\n"
