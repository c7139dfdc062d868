"""``ecoute diagnose``: the article's cases end to end, the JSON shape, bad input, escaping."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.diagnose import main
from bot.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
LICENCE, BURRITO = str(DATA / "licence_plate.json"), str(DATA / "burrito.json")
CATALOG = load_catalog()
TOP_KEYS = {"platforms", "warnings", "alternatives", "score", "headline", "flips"}


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOUTE_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status, out, err = run(capsys, *argv, "--format", "json")
    assert (status, err) == (0, "")
    document: dict[str, Any] = json.loads(out)
    return document


def write(tmp_path: Path, answers: object) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_licence_plate_case_through_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "--answers", LICENCE)
    assert set(doc) == TOP_KEYS
    assert [(p["platform"], p["verdict"]) for p in doc["platforms"]] == [("facebook", "drop")]
    assert {"vanity_metrics", "resource_drain"} <= {w["code"] for w in doc["warnings"]}
    assert "email" in [a["channel"] for a in doc["alternatives"]]
    assert all(set(w) == {"code", "text"} for w in doc["warnings"])
    assert all(set(a) == {"channel", "text"} for a in doc["alternatives"])
    assert "friends and family" in doc["platforms"][0]["reasons"][0]
    assert doc["platforms"][0]["reason_codes"] == ["b2b_personal"]


def test_burrito_case_through_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "--answers", BURRITO, "--lang", "fr")
    assert {p["platform"]: p["verdict"] for p in doc["platforms"]} == dict.fromkeys(
        ("facebook", "instagram", "tiktok"), "engage"
    )
    assert doc["warnings"] == []
    assert "flyers" in [a["channel"] for a in doc["alternatives"]]
    assert isinstance(doc["score"], int)
    assert 0 <= doc["score"] <= 100
    assert doc["headline"].startswith(CATALOG.text("fr", "verdict.headline.listening"))


@pytest.mark.parametrize("case", [LICENCE, BURRITO])
def test_each_printed_flip_really_flips(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = json.loads(Path(case).read_text())
    doc = run_json(capsys, "--answers", case)
    assert doc["flips"]
    for flip in doc["flips"]:
        assert set(flip) >= {"platform", "question", "answer", "verdict"}
        changed = {**answers, flip["question"]: flip["answer"]}
        again = run_json(capsys, "--answers", write(tmp_path, changed))
        calls = {p["platform"]: p["verdict"] for p in again["platforms"]}
        assert calls[flip["platform"]] == flip["verdict"]


def test_text_is_the_default_and_reads_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--answers", LICENCE, "--lang", "fr")
    assert (status, err) == (0, "")
    assert out.startswith(CATALOG.text("fr", "verdict.headline.nobody_listening", count=1))
    assert "Facebook : Arrêter" in out
    assert "Score d’écoute : " in out


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"ECOUTE_LANG": "fr"}, "fr"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"ECOUTE_LANG": "en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_the_language_defaults_from_the_environment(
    env: dict[str, str], lang: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    doc = run_json(capsys, "--answers", LICENCE)
    label = CATALOG.text(lang, "verdict.headline.nobody_listening", count=1)
    assert doc["headline"].startswith(label)


def test_answers_from_standard_input_may_be_partial(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"platforms": []}')))
    doc = run_json(capsys, "--answers", "-")
    assert doc["platforms"] == []
    assert doc["flips"] == []
    assert doc["headline"] == CATALOG.text("en", "verdict.headline.no_network")
    assert doc["alternatives"]


def test_bad_values_are_listed_one_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {
        "business_model": "b2x",
        "platforms": ["facebook", "myspace"],
        "honesty": 9,
        "presence.linkedin": "engaged",
        "favourite_colour": "blue",
        "business_model_ok": None,
    }
    status, out, err = run(capsys, "--answers", write(tmp_path, bad))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == len(bad)
    model = next(line for line in lines if line.startswith('business_model: "b2x": '))
    assert model.endswith("Allowed: b2b, b2c, both.")
    assert any(line.startswith("honesty: 9: ") for line in lines)
    assert any(line.startswith('favourite_colour: "blue": ') for line in lines)
    assert any(line.startswith('presence.linkedin: "engaged": ') for line in lines)


def test_problems_are_explained_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "--answers", write(tmp_path, {"honesty": 0}), "--lang", "fr")
    assert status == 2
    why = CATALOG.text("fr", "interview.invalid.scale_expected", min=1, max=5)
    assert err == f"honesty : 0 : {why}\n"


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"{", "invalid_json"), (b"[1, 2]", "not_object"), (b"\xff\xfe{}", "unreadable")],
)
def test_unusable_files_exit_2(
    content: bytes, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    status, out, err = run(capsys, "--answers", str(path))
    assert (status, out) == (2, "")
    first = CATALOG.text("en", f"verdict.diagnose.{why}", error="").split("(")[0].strip()
    assert err.startswith(f"--answers: {path}: {first}")
    status, _, err = run(capsys, "--answers", str(tmp_path / "missing.json"))
    assert status == 2
    assert "--answers: " in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys)[0] == 2
    assert run(capsys, "--answers", LICENCE, "--format", "yaml")[0] == 2


def test_json_keeps_user_text_as_is_and_text_strips_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {**json.loads(Path(BURRITO).read_text()), "audience": "Fans <b> & friends"}
    doc = run_json(capsys, "--answers", write(tmp_path, answers))
    assert "“Fans <b> & friends”" in doc["headline"]
    status, _, err = run(capsys, "--answers", write(tmp_path, {"a\x1b[2Jb\u202e": 1}))
    assert status == 2
    assert "\x1b" not in err
    assert "\u202e" not in err
    assert err.startswith("a[2Jb: 1: ")


def _command(*args: str) -> list[str]:
    if (ROOT / "adapters" / "main.py").exists():
        return [sys.executable, "-m", "adapters.cli.main", "diagnose", *args]
    code = "import sys; from adapters.cli.diagnose import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def test_the_installed_command_prints_the_verdict() -> None:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "ECOUTE_LANG": "fr"}
    done = subprocess.run(
        _command("--answers", LICENCE, "--format", "json"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    doc = json.loads(done.stdout)
    assert doc["platforms"][0]["verdict"] == "drop"
    assert "pour leurs proches" in doc["platforms"][0]["reasons"][0]


def test_the_command_loads_no_chat_platform() -> None:
    code = (
        "import sys, io; from adapters.cli.diagnose import main; sys.stdout = io.StringIO();"
        f"assert main(['--answers', {LICENCE!r}]) == 0;"
        "roots = {m.split('.')[0] for m in sys.modules};"
        "loaded = roots & {'slack_bolt', 'slack_sdk', 'discord'};"
        "assert not loaded, loaded"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
