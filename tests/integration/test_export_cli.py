"""``ecoute export`` as a user runs it: a real process on a prepared SQLite file, CSV and JSON to
standard output or a file, one clear line and status 2 for bad input, 1 for no database."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from bot.schema import load_schema
from bot.storage import open_store
from bot.team.export import columns
from bot.team.rounds import Closing, NewRound, RoundOptions

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DOC_SCHEMA = json.loads((ROOT / "docs" / "export.schema.json").read_text(encoding="utf-8"))
HEADER = list(columns(load_schema()))
NOW = 1_796_230_800.0  # 2026-12-02T17:00:00Z
TIMEOUT = 60
PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "discord", "aiohttp")


@dataclass(frozen=True)
class Prepared:
    url: str
    anonymous: int
    """slack T1: two answered (one audience is a formula), one declined."""
    named: int
    """slack T1, newer: U_NAMED answered."""
    elsewhere: int
    """slack T2."""


def answers(name: str, **changes: object) -> dict[str, Any]:
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    return {q: tuple(v) if isinstance(v, list) else v for q, v in {**raw, **changes}.items()}


async def prepare(path: Path) -> Prepared:
    url = f"sqlite:///{path}"
    store = await open_store(url)
    rounds = store.rounds
    try:

        async def new_round(workspace: str, named: bool, people: dict[str, str]) -> int:
            options = RoundOptions(named=named)
            created = await rounds.create_round(
                NewRound("slack", workspace, "C1", "U_OWNER", "en", options), NOW
            )
            for i, (user, case) in enumerate(people.items(), start=1):
                assert await rounds.join(created.id, user, NOW + i)
                if case == "declined":
                    assert await rounds.decline(created.id, user, NOW + i)
                else:
                    found = answers(case)
                    if user == "U_SECRET_2":
                        found["audience"] = "=1+1"
                    assert await rounds.answered(created.id, user, found, NOW + 60 * i)
            assert await rounds.close(created.id, Closing.OWNER, NOW + 3600) is not None
            return created.id

        anonymous = await new_round(
            "T1",
            False,
            {
                "U_SECRET_1": "burrito.json",
                "U_SECRET_2": "licence_plate.json",
                "U_SECRET_3": "declined",
            },
        )
        named = await new_round("T1", True, {"U_NAMED": "licence_plate.json"})
        elsewhere = await new_round("T2", True, {"U_OTHER": "burrito.json"})
    finally:
        await store.close()
    return Prepared(url, anonymous, named, elsewhere)


@pytest.fixture
def prepared(tmp_path: Path) -> Prepared:
    return asyncio.run(prepare(tmp_path / "rounds.db"))


def ecoute(
    cwd: Path, url: str, *args: str, script: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real command, in a folder without ``.env``, on ``url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(DATABASE_URL=url, PYTHONPATH=str(ROOT), LANG="C.UTF-8")
    env.pop("ECOUTE_LANG", None)
    command = ["-c", script, *args] if script else ["-m", "adapters.cli.main", "export", *args]
    return subprocess.run(
        [sys.executable, *command], cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT
    )


def rows_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def document_of(data: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(data.decode("utf-8"))
    jsonschema.Draft202012Validator(DOC_SCHEMA).validate(document)
    return document


def test_csv_of_every_round_to_stdout(prepared: Prepared, tmp_path: Path) -> None:
    done = ecoute(
        tmp_path, prepared.url, "--platform", "slack", "--workspace", "T1", "--format", "csv"
    )
    assert (done.returncode, done.stderr) == (0, b"")
    rows = rows_of(done.stdout)
    assert [(r["round_id"], r["participant"], r["taking"]) for r in rows] == [
        (str(prepared.named), "U_NAMED", "answered"),
        (str(prepared.anonymous), "participant 1", "answered"),
        (str(prepared.anonymous), "participant 2", "answered"),
        (str(prepared.anonymous), "participant 3", "declined"),
    ]
    assert rows[2]["audience"] == "'=1+1"
    assert rows[0]["verdict.facebook"] == "drop"
    assert b"U_SECRET" not in done.stdout
    assert b"U_OTHER" not in done.stdout


def test_json_of_every_round_to_stdout(prepared: Prepared, tmp_path: Path) -> None:
    done = ecoute(
        tmp_path, prepared.url, "--platform", "slack", "--workspace", "T1", "--format", "json"
    )
    assert (done.returncode, done.stderr) == (0, b"")
    document = document_of(done.stdout)
    assert [r["id"] for r in document["rounds"]] == [prepared.named, prepared.anonymous]
    anonymous = document["rounds"][1]["participants"]
    assert anonymous[1]["answers"]["audience"] == "=1+1"  # data, not escaped
    assert anonymous[2]["verdict"] is None
    assert b"U_SECRET" not in done.stdout


@pytest.mark.parametrize("form", ["csv", "json"])
def test_one_round_to_a_file_is_what_stdout_gets(
    prepared: Prepared, tmp_path: Path, form: str
) -> None:
    args = ("--platform", "slack", "--workspace", "T1", "--round", str(prepared.anonymous))
    out = tmp_path / f"round.{form}"
    to_file = ecoute(tmp_path, prepared.url, *args, "--format", form, "--output", str(out))
    assert (to_file.returncode, to_file.stdout, to_file.stderr) == (0, b"", b"")
    to_stdout = ecoute(tmp_path, prepared.url, *args, "--format", form)
    assert out.read_bytes() == to_stdout.stdout
    if form == "csv":
        assert {r["round_id"] for r in rows_of(out.read_bytes())} == {str(prepared.anonymous)}
    else:
        assert [r["id"] for r in document_of(out.read_bytes())["rounds"]] == [prepared.anonymous]


T1 = ("--platform", "slack", "--workspace", "T1")
BAD = [
    (("--platform", "teams", "--workspace", "T1", "--format", "csv"), "unknown platform 'teams'"),
    ((*T1, "--round", "{theirs}", "--format", "csv"), "no round {theirs} in slack workspace 'T1'"),
    ((*T1, "--round", "999", "--format", "json"), "no round 999 in slack workspace 'T1'"),
    (("--platform", "discord", "--workspace", "T1", "--format", "csv"), "no round in discord"),
    (("--platform", "slack", "--workspace", "T9", "--format", "json"), "no round in slack"),
    ((*T1, "--round", "one", "--format", "csv"), "argument --round: invalid int value: 'one'"),
    ((*T1, "--format", "xlsx"), "argument --format: invalid choice: 'xlsx'"),
    (T1, "the following arguments are required: --format"),
    ((*T1, "--format", "csv", "--output", "no/such/folder/x.csv"), "--output: cannot write"),
]  # fmt: skip
"""(arguments, what the line says); ``{theirs}`` is a round of another workspace."""


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_exits_2_with_one_clear_line(
    prepared: Prepared, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    theirs = str(prepared.elsewhere)
    done = ecoute(tmp_path, prepared.url, *(a.format(theirs=theirs) for a in args))
    err = done.stderr.decode()
    assert (done.returncode, done.stdout) == (2, b""), err
    assert err.startswith("ecoute export: "), err
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, err
    assert message.format(theirs=theirs) in err
    assert "Traceback" not in err


def test_a_missing_database_file_is_bad_input_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    done = ecoute(
        tmp_path, f"sqlite:///{path}", "--platform", "slack", "--workspace", "T1", "--format", "csv"
    )
    assert (done.returncode, done.stdout) == (2, b"")
    assert (
        done.stderr.decode()
        == f"ecoute export: no database at {path} (DATABASE_URL), so no round to export\n"
    )
    assert not path.exists()


def test_an_unreachable_database_exits_1(tmp_path: Path) -> None:
    url = "postgresql://ecoute:secret@127.0.0.1:1/ecoute"  # nothing listens on port 1
    done = ecoute(tmp_path, url, "--platform", "slack", "--workspace", "T1", "--format", "json")
    err = done.stderr.decode()
    assert (done.returncode, done.stdout) == (1, b""), err
    assert err.startswith("ecoute export: cannot reach the database: ")
    assert err.count("\n") == 1
    assert "secret" not in err


EXPORT_SCRIPT = """
import sys
from adapters.cli.main import main
status = main(["export", *sys.argv[2:]])
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1].split(",")))
print(status, loaded)
"""


def test_exporting_imports_no_platform_library(prepared: Prepared, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    args = ("--platform", "slack", "--workspace", "T1", "--format", "json", "--output", str(out))
    done = ecoute(tmp_path, prepared.url, ",".join(PLATFORM_LIBRARIES), *args, script=EXPORT_SCRIPT)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == b"0 []\n"
    document_of(out.read_bytes())
