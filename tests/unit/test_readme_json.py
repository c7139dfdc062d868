"""The README lists every key ``ecoute diagnose --format json`` prints, at every level, and no
other: the paragraph that says "exactly these keys" is checked against real output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.diagnose import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented_keys() -> set[str]:
    start = README.index("`ecoute diagnose --format json` prints")
    paragraph = README[start : README.index("\n## ", start)]
    spans = re.findall(r"`([^`]+)`", paragraph)
    names = {n for span in spans for n in re.findall(r"[a-z_]+", span) if not span.startswith("-")}
    return names - {"ecoute", "diagnose", "format", "json", "null"}


def keys(value: Any) -> set[str]:
    """Every key at every level, but not the poll's choices (``wants`` maps them to counts)."""
    if isinstance(value, dict):
        return set(value).union(*(keys(v) for k, v in value.items() if k != "wants"))
    if isinstance(value, list):
        return set().union(*(keys(v) for v in value))
    return set()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOUTE_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def test_the_readme_lists_exactly_the_keys_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    poll = tmp_path / "poll.json"
    poll.write_text('{"respondents": 6, "wants": {"instagram": 2, "facebook": 5}}', "utf-8")
    printed: set[str] = set()
    for extra in ([], ["--evidence", str(poll)]):
        for case in ("burrito.json", "licence_plate.json"):
            argv = ["--answers", str(DATA / case), "--format", "json", *extra]
            assert main(argv) == 0
            printed |= keys(json.loads(capsys.readouterr().out))
    assert {"more", "reason_codes"} <= printed  # the cases reach every level
    assert documented_keys() == printed
