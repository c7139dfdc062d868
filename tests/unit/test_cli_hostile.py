"""Hostile input to the ``ecoute`` commands: status 2 and one line per problem, never a traceback.

``diagnose`` reads its JSON strictly (UTF-8, a byte-order mark allowed, each key once, numbers
Python can convert, a sane depth); ``export`` refuses a round id no database can hold before
asking one; ``run`` has its own usage and starts nothing on a bad one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import diagnose, export
from adapters.cli.main import main as ecoute
from tests.conftest import migrate, sqlite_url_of

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOUTE_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def write(tmp_path: Path, data: bytes, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def diagnose_with(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    status = diagnose.main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    return status, out, err.splitlines()


def test_an_integer_too_long_to_convert_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, b'{"effort_hours": ' + b"9" * 5000 + b"}")
    status, out, err = diagnose_with(capsys, "--answers", path)
    assert (status, out) == (2, "")
    assert err == [f"--answers: {path}: a number of more than 4300 digits"]


def test_a_long_integer_python_converts_is_an_ordinary_bad_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, b'{"effort_hours": ' + b"9" * 4000 + b"}")
    status, _, err = diagnose_with(capsys, "--answers", path)
    assert status == 2
    assert len(err) == 1
    assert err[0].startswith("effort_hours: " + "9" * 80 + "…: ")


@pytest.mark.parametrize("flag", ["--answers", "--evidence"])
@pytest.mark.parametrize("levels", [100_000, 17])
def test_deeply_nested_json_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, levels: int
) -> None:
    deep = write(tmp_path, b'{"hooks": ' + b"[" * levels + b"]" * levels + b"}", "deep.json")
    fine = write(tmp_path, b"{}")
    argv = ["--answers", deep] if flag == "--answers" else ["--answers", fine, flag, deep]
    status, out, err = diagnose_with(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == [
        f"{flag}: {deep}: arrays or objects nested more than 16 levels deep: "
        "answers need two at most"
    ]


def test_every_duplicated_key_is_a_line_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, b'{"honesty": 1, "honesty": 5, "buyers": "mass", "buyers": "niche"}')
    status, out, err = diagnose_with(capsys, "--answers", path)
    assert (status, out) == (2, "")
    assert sorted(err) == [
        'buyers: ["mass", "niche"]: given more than once: keep one answer',
        "honesty: [1, 5]: given more than once: keep one answer",
    ]
    evidence = write(tmp_path, b'{"respondents": 9, "respondents": 9, "wants": {}}', "ev.json")
    status, _, err = diagnose_with(
        capsys, "--answers", write(tmp_path, b"{}"), "--evidence", evidence
    )
    assert (status, err) == (2, ["respondents: [9, 9]: given more than once: keep one answer"])
    twice = write(tmp_path, b'{"respondents": 9, "wants": {"respondents": 1}}', "two.json")
    _, _, err = diagnose_with(capsys, "--answers", write(tmp_path, b"{}"), "--evidence", twice)
    assert not [line for line in err if "more than once" in line]  # one key in two objects


def test_a_byte_order_mark_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, b'\xef\xbb\xbf{"honesty": 3}')
    status, out, err = diagnose_with(capsys, "--answers", path)
    assert (status, err) == (0, [])
    assert "score" in json.loads(out)


def test_a_huge_refused_value_is_not_echoed_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, json.dumps({"audience": "a" * 5_000_000}).encode())
    status, _, err = diagnose_with(capsys, "--answers", path)
    assert status == 2
    assert err == [
        'audience: "' + "a" * 79 + "…: That’s 5000000 characters: please keep it under 280."
    ]


def test_bytes_that_are_not_utf8_on_stdin_are_refused_as_in_a_file(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    env.pop("ECOUTE_LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "diagnose", "--answers", "-"],
        input=b'{"audience": "caf\xe9 owners"}',
        capture_output=True, cwd=tmp_path, env=env, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, b"")
    err = done.stderr.decode().splitlines()
    assert len(err) == 1
    assert err[0].startswith("--answers: -: cannot read the file (")
    assert "0xe9" in err[0]


def test_a_round_id_no_database_holds_is_no_such_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ecoute.db"
    migrate(sqlite_url_of(path))
    monkeypatch.setenv("DATABASE_URL", sqlite_url_of(path))
    huge = "99999999999999999999999"
    for round_id in (huge, str(export.MAX_ROUND_ID + 1)):
        argv = ["--platform", "slack", "--workspace", "T1", "--round", round_id, "--format", "csv"]
        assert export.main(argv) == 2
        out, err = capsys.readouterr()
        assert (out, err) == ("", f"ecoute export: no round {round_id} in slack workspace 'T1'\n")


@pytest.mark.parametrize(("option", "status"), [("--help", 0), ("--bogus", 2)])
def test_run_has_its_own_usage_and_starts_nothing(tmp_path: Path, option: str, status: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    closed = "http://127.0.0.1:1"  # were Discord started, it would retry this for ever
    env.update(
        PYTHONPATH=str(ROOT), DISCORD_TOKEN="not-a-token", DISCORD_API_URL=closed,
        DISCORD_GATEWAY_URL=closed, DATABASE_URL=sqlite_url_of(tmp_path / "ecoute.db"),
    )  # fmt: skip
    try:
        done = subprocess.run(
            [sys.executable, "-m", "adapters.cli.main", "run", option],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=20, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"`ecoute run {option}` started the platforms")
    assert done.returncode == status, done.stderr
    if option == "--help":
        assert done.stdout.startswith("usage: ecoute run")
        assert "Slack and/or Discord" in done.stdout
    else:
        assert done.stdout == ""
        assert done.stderr.splitlines() == [
            "usage: ecoute run [-h]",
            "ecoute run: error: unrecognized arguments: --bogus",
        ]
    assert not (tmp_path / "ecoute.db").exists()  # no platform started: no database opened


def test_chat_refuses_a_language_it_does_not_speak(capsys: pytest.CaptureFixture[str]) -> None:
    assert ecoute(["chat", "--lang", "de"]) == 2
    _, err = capsys.readouterr()
    assert err.splitlines()[-1] == (
        "ecoute chat: error: argument --lang: invalid choice: 'de' (choose from 'en', 'fr')"
    )


@pytest.mark.parametrize("url", ["sqlite:///{tmp}/", "postgresql://u:secret@127.0.0.1:1/x"])
def test_run_with_a_database_it_cannot_open_is_one_line(tmp_path: Path, url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    closed = "http://127.0.0.1:1"
    env.update(
        PYTHONPATH=str(ROOT), DISCORD_TOKEN="not-a-token", DISCORD_API_URL=closed,
        DISCORD_GATEWAY_URL=closed, DATABASE_URL=url.format(tmp=tmp_path),
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "run"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("ecoute run: cannot reach the database (")
    assert "check DATABASE_URL" in done.stderr
    assert "secret" not in done.stderr
