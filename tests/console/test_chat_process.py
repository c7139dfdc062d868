"""The terminal chat as a user runs it: a real process, a real SQLite file, piped input."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30

LICENCE_PLATE_EN = [
    "1",  # b2b
    "1",  # handful
    "Licence-plate makers, to sell them our paint",
    "1",  # facebook
    "2",  # presence.facebook: personal_only
    "0",  # no hooks
    "3",  # silence
    "1",  # followers
    "3",  # bought_growth: no
    "1",  # agency
    "10",
    "1,4",  # email_list, events
    "1",  # honesty
    "",  # review: confirm
    "quit",
]


def chat_env(tmp_path: Path, lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        LANG=f"{lang}.UTF-8",
        LC_ALL="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'ecoute.db'}",
        PYTHONPATH=str(ROOT),
    )
    return env


def run_chat(tmp_path: Path, lang: str, lines: list[str], *args: str) -> str:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=chat_env(tmp_path, lang),
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en_US", ["Who buys from you?", "Facebook: Drop", "Email"]),
        ("fr_FR", ["Qui achète chez vous ?", "Facebook", "E-mail"]),
    ],
)
def test_piped_interview_prints_the_verdict(tmp_path: Path, lang: str, expected: list[str]) -> None:
    out = run_chat(tmp_path, lang, LICENCE_PLATE_EN, "run")
    for text in expected:
        assert text.casefold() in out.casefold(), out[-3000:]
    assert "Traceback" not in out


def test_bad_input_keeps_the_question(tmp_path: Path) -> None:
    out = run_chat(tmp_path, "en_US", ["9", "maybe", "1", "quit"], "chat")
    assert out.count("Who buys from you?") == 3
    assert "Please pick one of the options." in out
    assert "How many potential buyers" in out


async def _read_until(stream: asyncio.StreamReader, marker: str) -> str:
    seen = ""
    while marker not in seen:
        chunk = await asyncio.wait_for(stream.read(4096), TIMEOUT)
        if not chunk:
            raise AssertionError(f"process ended before {marker!r}:\n{seen}")
        seen += chunk.decode()
    return seen


async def test_killed_mid_interview_resumes_at_same_question(tmp_path: Path) -> None:
    env = chat_env(tmp_path, "en_US")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli.main", "chat",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert proc.stdin is not None
    assert proc.stdout is not None
    await _read_until(proc.stdout, "Who buys from you?")
    for line, next_title in [
        ("2", "How many potential buyers"),
        ("4", "whom do you want to talk to"),
        ("Young city adults, to feed them", "Which networks"),
    ]:
        proc.stdin.write(line.encode() + b"\n")
        await proc.stdin.drain()
        await _read_until(proc.stdout, next_title)
    proc.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(proc.wait(), TIMEOUT) == -signal.SIGKILL

    rows = sqlite3.connect(tmp_path / "ecoute.db").execute(
        "SELECT question_id FROM answers ORDER BY question_id"
    )
    assert [r[0] for r in rows] == ["audience", "business_model", "buyers"]

    out = run_chat(tmp_path, "en_US", ["quit"], "chat")
    assert "[Question 4 of 4]" in out or "Question 4 of" in out
    assert "Which networks" in out
    assert "Who buys from you?" not in out
