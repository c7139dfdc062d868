"""Lines the terminal chat cannot take as an answer, in a real process on a real SQLite file:
it says why, in the user's language, asks the same question again, and stores nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.console.test_chat_process import chat_env

TIMEOUT = 30
TO_AUDIENCE = b"1\n1\n"  # b2b, handful: the next question is the open one


def chat(tmp_path: Path, lang: str, stdin: bytes, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "chat"],
        input=stdin, capture_output=True, cwd=tmp_path, env=chat_env(tmp_path, lang) | env,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def stored(tmp_path: Path) -> dict[str, str]:
    rows = sqlite3.connect(tmp_path / "ecoute.db").execute("SELECT question_id, value FROM answers")
    return dict(rows.fetchall())


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en_US", "! That line could not be read (it is not utf-8 text)."),
        ("fr_FR", "! Impossible de lire cette ligne (ce n’est pas du texte utf-8)."),
    ],
)
def test_a_line_that_is_not_utf8_is_asked_again(tmp_path: Path, lang: str, said: str) -> None:
    question_3 = "[Question 3 of" if lang == "en_US" else "[Question 3 sur"
    done = chat(tmp_path, lang, TO_AUDIENCE + b"caf\xe9 owners downtown\nquit\n")
    assert done.returncode == 0, done.stderr
    assert said in done.stdout
    after = done.stdout.split(said, 1)[1]
    assert question_3 in after  # the same question, again
    assert set(stored(tmp_path)) == {"business_model", "buyers"}


@pytest.mark.parametrize(
    ("lang", "word", "said"),
    [
        ("en_US", "lang", "! To change the language, type “lang” and one of: en, fr."),
        ("fr_FR", "langue", "! Pour changer de langue, tapez « langue » suivi de l’une"),
    ],
)
def test_the_bare_language_word_at_the_open_question_is_not_an_answer(
    tmp_path: Path, lang: str, word: str, said: str
) -> None:
    done = chat(tmp_path, lang, TO_AUDIENCE + word.encode() + b"\nquit\n")
    assert done.returncode == 0, done.stderr
    assert said in done.stdout
    after = done.stdout.split(said, 1)[1]
    assert ("[Question 3 of" if lang == "en_US" else "[Question 3 sur") in after
    assert "✓" not in after  # the record of the previous answer is not shown again
    assert set(stored(tmp_path)) == {"business_model", "buyers"}


def test_an_invalid_choice_on_the_review_says_what_is_valid(tmp_path: Path) -> None:
    answers = b"1\n1\nPlate makers, to sell them paint\n0\n0\n3\n1\n3\n1\n10\n0\n1\n"
    done = chat(tmp_path, "en_US", answers + b"99\nfoo\nquit\n")
    assert done.returncode == 0, done.stderr
    hint = "! Type a number from 1 to 12 to change that answer, or press Enter to see your verdict."
    assert done.stdout.count(hint) == 2


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en_US", "The database could not be opened (SQLite: unable to open database file): "),
        (
            "fr_FR",
            "Impossible d’ouvrir la base de données (SQLite: unable to open database file) : ",
        ),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path, lang: str, said: str) -> None:
    folder = tmp_path / "adir"
    folder.mkdir()
    done = chat(tmp_path, lang, b"quit\n", DATABASE_URL=f"sqlite:///{folder}/")
    assert (done.returncode, done.stdout) == (1, "")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(said)
    assert "DATABASE_URL" in done.stderr
