"""Fixtures of the unit tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.schema import PROMPTS_DIR


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    """A copy of ``prompts/`` to break."""
    copy = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, copy)
    return copy
