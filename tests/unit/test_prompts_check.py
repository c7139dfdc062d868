"""`ecoute prompts check`: every problem named with its file and key; the bot refuses to start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.prompts_check import all_problems

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_prompts_are_consistent() -> None:
    assert all_problems() == []


def test_missing_translation_named_with_file_and_key(prompts: Path) -> None:
    path = prompts / "fr" / "interview.toml"
    text = path.read_text("utf-8").replace('label = "Vos clients"\n', "", 1)
    path.write_text(text, "utf-8")
    problems = all_problems(prompts)
    assert any(
        "fr/interview.toml" in p and "interview.question.business_model.label" in p
        for p in problems
    ), problems


def test_broken_template_and_unknown_key(prompts: Path) -> None:
    path = prompts / "en" / "console.toml"
    path.write_text('oops = "{{ unclosed"\nextra = "new"\n' + path.read_text("utf-8"), "utf-8")
    problems = all_problems(prompts)
    assert any("en/console.toml: console.oops: template error" in p for p in problems), problems
    assert any("fr/console.toml: console.extra: missing" in p for p in problems), problems


def test_choice_without_text(prompts: Path) -> None:
    questions = prompts / "questions.toml"
    questions.write_text(
        questions.read_text("utf-8").replace('"both"]', '"both", "gov"]', 1), "utf-8"
    )
    problems = all_problems(prompts)
    assert any("interview.question.business_model.choice.gov: missing" in p for p in problems)


def test_bad_schema_named(prompts: Path) -> None:
    questions = prompts / "questions.toml"
    questions.write_text(
        questions.read_text("utf-8").replace('kind = "integer"', 'kind = "number"'), "utf-8"
    )
    problems = all_problems(prompts)
    assert any("effort_hours.kind" in p and "'number'" in p for p in problems), problems


def test_cli_exit_status() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "prompts", "check"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "consistent" in done.stdout


def test_start_refused_with_missing_text(prompts: Path) -> None:
    from bot.catalog import CatalogError, load_catalog
    from bot.prompts_check import check_prompts
    from bot.schema import load_schema

    for lang in ("en", "fr"):
        path = prompts / lang / "interview.toml"
        text = path.read_text("utf-8")
        path.write_text(text.replace("[question.honesty]", "[question.honesty_old]"), "utf-8")
    catalog = load_catalog(prompts)
    with pytest.raises(CatalogError, match=r"interview\.question\.honesty\.title: missing"):
        check_prompts(load_schema(prompts / "questions.toml"), catalog, prompts)


def test_the_weights_checked_are_those_of_the_prompts_given(prompts: Path) -> None:
    from bot.catalog import CatalogError, load_catalog
    from bot.prompts_check import check_prompts
    from bot.schema import load_schema

    schema, catalog = load_schema(prompts / "questions.toml"), load_catalog(prompts)
    assert check_prompts(schema, catalog, prompts).weight["presence"] == 35
    path = prompts / "scoring.toml"
    path.write_text(path.read_text("utf-8").replace("presence = 35", "presence = 36"), "utf-8")
    with pytest.raises(CatalogError, match="100"):
        check_prompts(schema, catalog, prompts)
