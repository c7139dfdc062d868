"""``ecoute diagnose --evidence``: a listening poll through the command, its JSON, bad polls."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import load_catalog
from tests.unit.test_diagnose_cli import BURRITO, LICENCE, ROOT, TOP_KEYS, run, run_json, write

CATALOG = load_catalog()
BAKERY = {
    "business_model": "b2c",
    "buyers": "community",
    "audience": "Families in the neighbourhood, for fresh bread and our weekend tastings",
    "platforms": ["instagram", "tiktok"],
    "presence.instagram": "engaged",
    "presence.tiktok": "unknown",
    "hooks": ["offers", "events"],
    "current_engagement": "reactions",
    "success_metric": "interactions",
    "bought_growth": "no",
    "effort_owner": "spare_time",
    "effort_hours": 3,
    "owned_channels": ["storefront", "local_area"],
    "honesty": 4,
}


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOUTE_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def poll(tmp_path: Path, data: object, name: str = "poll.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def calls(doc: dict[str, Any]) -> dict[str, str]:
    return {p["platform"]: p["verdict"] for p in doc["platforms"]}


def platform(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in doc["platforms"] if p["platform"] == name)


def test_licence_plate_nobody_on_facebook_in_the_poll_keeps_drop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence = poll(tmp_path, {"respondents": 8, "wants": {"facebook": 0, "email": 5}})
    doc = run_json(capsys, "--answers", LICENCE, "--evidence", evidence)
    assert set(doc) == TOP_KEYS | {"evidence"}
    assert calls(doc) == {"facebook": "drop"}
    facebook = platform(doc, "facebook")
    assert facebook["reason_codes"] == ["poll_few"]
    assert "None of the 8 people who answered your poll" in facebook["reasons"][0]
    assert doc["evidence"] == {
        "respondents": 8,
        "wants": {"facebook": 0, "email": 5},
        "used": True,
        "platforms": [
            {
                "platform": "facebook",
                "wanting": 0,
                "share": 0.0,
                "presence": "absent",
                "flip": {
                    "more": 3,
                    "wanting": True,
                    "verdict": "test",
                    "text": "Facebook: 3 more answers to your poll from people who want to hear"
                    " from you there would make the verdict “Test”.",
                },
            }
        ],
    }
    email = doc["alternatives"][0]
    assert email["channel"] == "email"
    assert email["text"].startswith("5 of the 8 people who answered your poll")
    assert {"vanity_metrics", "resource_drain"} <= {w["code"] for w in doc["warnings"]}


def test_burrito_eleven_of_twelve_for_instagram_keeps_engage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wants = {"instagram": 11, "tiktok": 8, "facebook": 6, "in_person": 4, "nowhere": 1}
    evidence = poll(tmp_path, {"respondents": 12, "wants": wants})
    doc = run_json(capsys, "--answers", BURRITO, "--evidence", evidence, "--lang", "fr")
    assert calls(doc) == dict.fromkeys(("facebook", "instagram", "tiktok"), "engage")
    instagram = platform(doc, "instagram")
    assert instagram["reason_codes"][0] == "poll_wanted"
    assert instagram["reasons"][0].startswith(
        "11 des 12 personnes qui ont répondu à votre sondage veulent avoir de vos nouvelles"
    )
    shares = {p["platform"]: p["share"] for p in doc["evidence"]["platforms"]}
    assert shares == {"facebook": 0.5, "instagram": 0.9167, "tiktok": 0.6667}
    assert "flyers" in [a["channel"] for a in doc["alternatives"]]
    assert "12 personnes ont répondu à votre sondage" in doc["headline"]


def test_a_bakery_unsure_of_tiktok_moves_out_of_test_with_its_poll(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = write(tmp_path, BAKERY)
    guess = run_json(capsys, "--answers", answers)
    assert calls(guess) == {"instagram": "engage", "tiktok": "test"}
    evidence = poll(tmp_path, {"respondents": 9, "wants": {"instagram": 6, "tiktok": 7}})
    doc = run_json(capsys, "--answers", answers, "--evidence", evidence)
    assert calls(doc) == {"instagram": "engage", "tiktok": "engage"}
    tiktok = platform(doc, "tiktok")
    assert tiktok["reason_codes"][0] == "poll_wanted"
    assert (
        "7 of the 9 people who answered your poll want to hear from you on TikTok"
        in (tiktok["reasons"][0])
    )
    assert doc["score"] > guess["score"]


def test_without_evidence_the_json_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(run_json(capsys, "--answers", BURRITO)) == TOP_KEYS


def test_a_poll_too_small_is_cited_and_changes_no_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = write(tmp_path, BAKERY)
    guess = run_json(capsys, "--answers", answers)
    evidence = poll(tmp_path, {"respondents": 3, "wants": {"tiktok": 3}})
    doc = run_json(capsys, "--answers", answers, "--evidence", evidence)
    assert calls(doc) == calls(guess)
    assert doc["flips"] == guess["flips"]
    assert doc["score"] == guess["score"]
    assert doc["evidence"]["used"] is False
    assert all(p["presence"] is None and p["flip"] is None for p in doc["evidence"]["platforms"])
    assert all(p["reason_codes"][-1] == "poll_too_few" for p in doc["platforms"])
    assert (
        "Only 3 people have answered your poll so far (3 of them on TikTok)"
        in (platform(doc, "tiktok")["reasons"][-1])
    )


@pytest.mark.parametrize(
    ("case", "wants", "respondents"),
    [
        (LICENCE, {"facebook": 1}, 8),
        (BURRITO, {"instagram": 11, "tiktok": 7, "facebook": 3}, 12),
        (BURRITO, {"instagram": 2, "tiktok": 4}, 5),
    ],
)
def test_every_printed_flip_really_flips_with_the_poll(
    case: str,
    wants: dict[str, int],
    respondents: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = json.loads(Path(case).read_text())
    data = {"respondents": respondents, "wants": wants}
    doc = run_json(capsys, "--answers", case, "--evidence", poll(tmp_path, data))
    for flip in doc["flips"]:  # answer changes, the poll as it is
        changed = write(tmp_path, {**answers, flip["question"]: flip["answer"]})
        again = run_json(capsys, "--answers", changed, "--evidence", poll(tmp_path, data))
        assert calls(again)[flip["platform"]] == flip["verdict"]
    flips = [p for p in doc["evidence"]["platforms"] if p["flip"]]
    assert flips
    for p in flips:  # further poll answers: exactly that many
        more, name = p["flip"]["more"], p["platform"]
        for count, expected in ((more, p["flip"]["verdict"]), (more - 1, calls(doc)[name])):
            moved = {**wants, name: wants.get(name, 0) + (count if p["flip"]["wanting"] else 0)}
            bigger = poll(tmp_path, {"respondents": respondents + count, "wants": moved})
            assert (
                calls(run_json(capsys, "--answers", case, "--evidence", bigger))[name] == expected
            )


def test_the_text_cites_the_poll(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evidence = poll(tmp_path, {"respondents": 8, "wants": {"facebook": 0, "email": 5}})
    status, out, err = run(capsys, "--answers", LICENCE, "--evidence", evidence, "--lang", "fr")
    assert (status, err) == (0, "")
    assert "Facebook : Arrêter" in out
    assert "8 personnes ont répondu à votre sondage" in out
    assert "Aucune des 8 personnes qui ont répondu à votre sondage ne veut" in out
    assert "5 des 8 personnes qui ont répondu à votre sondage aimeraient" in out
    assert "Facebook : 3 réponses de plus à votre sondage" in out


def test_bad_evidence_is_listed_one_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {
        "respondents": 4,
        "wants": {"instagram": 9, "myspace": 1, "email": -1, "x": 1.5},
        "extra": True,
    }
    status, out, err = run(capsys, "--answers", LICENCE, "--evidence", poll(tmp_path, bad))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 5
    assert "wants.instagram: 9: more than the 4 people who answered the poll" in lines
    assert "wants.email: -1: cannot be negative" in lines
    assert "wants.x: 1.5: must be a whole number" in lines
    assert "extra: true: not a key of the evidence. Allowed: respondents, wants." in lines
    unknown = next(line for line in lines if line.startswith("wants.myspace: 1: "))
    assert unknown.endswith("in_person, nowhere.")


def test_bad_answers_and_bad_evidence_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = write(tmp_path, {"honesty": 0})
    evidence = poll(tmp_path, {"respondents": 3})
    status, _, err = run(capsys, "--answers", answers, "--evidence", evidence, "--lang", "fr")
    assert status == 2
    assert err.splitlines()[1:] == ["wants : null : manquant"]
    assert err.startswith("honesty : 0 : ")


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"{", "invalid_json"), (b"[1]", "evidence_not_object"), (b"\xff{}", "unreadable")],
)
def test_unusable_evidence_files_exit_2(
    content: bytes, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "poll.json"
    path.write_bytes(content)
    status, out, err = run(capsys, "--answers", LICENCE, "--evidence", str(path))
    assert (status, out) == (2, "")
    first = CATALOG.text("en", f"verdict.diagnose.{why}", error="").split("(")[0].strip()
    assert err.startswith(f"--evidence: {path}: {first}")


def test_evidence_may_come_from_standard_input_but_not_with_the_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    poll = b'{"respondents": 6, "wants": {"facebook": 6}}'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(poll)))
    doc = run_json(capsys, "--answers", LICENCE, "--evidence", "-")
    assert doc["evidence"]["used"] is True
    status, _, err = run(capsys, "--answers", "-", "--evidence", "-")
    assert status == 2
    assert err.startswith("--evidence: -: only one of --answers and --evidence")


def test_the_ecoute_command_reads_the_poll(tmp_path: Path) -> None:
    evidence = poll(tmp_path, {"respondents": 8, "wants": {"facebook": 0}})
    code = "import sys; from adapters.cli.main import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "diagnose",
            "--answers",
            LICENCE,
            "--evidence",
            evidence,
            "--format",
            "json",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    doc = json.loads(done.stdout)
    assert doc["platforms"][0]["reason_codes"] == ["poll_few"]
    assert doc["evidence"]["respondents"] == 8
