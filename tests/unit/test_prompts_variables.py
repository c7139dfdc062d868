"""A translation that prints a variable its reference text is not given (a typo such as
``{{ mini }}``) is a broken prompt, named with file and key, and nothing starts with it:
neither ``ecoute chat`` nor ``ecoute diagnose``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog import CatalogError, load_catalog
from bot.prompts_check import all_problems

ROOT = Path(__file__).resolve().parents[2]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_an_undefined_variable_in_a_translation_is_named(prompts: Path) -> None:
    interview = prompts / "fr" / "interview.toml"
    edit(interview, "au moins {{ min }} caractères", "au moins {{ mini }} caractères")
    assert all_problems(prompts) == [
        f"{interview}: interview.invalid.text_too_short: unknown variable mini "
        "(the en text gives only: min)"
    ]
    with pytest.raises(CatalogError, match="text_too_short: unknown variable mini"):
        load_catalog(prompts)


def test_a_variable_in_a_translation_of_plain_text_is_named(prompts: Path) -> None:
    console = prompts / "fr" / "console.toml"
    edit(console, 'type_text = "Tapez votre réponse', 'type_text = "Tapez {{ x }} votre réponse')
    assert all_problems(prompts) == [
        f"{console}: console.type_text: unknown variable x (the en text gives only: none)"
    ]


def test_an_undefined_variable_in_a_template_file_is_named(prompts: Path) -> None:
    template = prompts / "fr" / "verdict.txt.j2"
    template.write_text(template.read_text("utf-8") + "{{ verdikt }}\n", "utf-8")
    problems = all_problems(prompts)
    assert len(problems) == 1
    assert problems[0].startswith(f"{template}: verdict.txt.j2: unknown variable verdikt ")


def test_variables_set_or_looped_in_the_template_itself_are_not_unknown(prompts: Path) -> None:
    console = prompts / "fr" / "console.toml"
    edit(
        console,
        'type_text = "Tapez votre réponse puis Entrée."',
        'type_text = "{% set n = 2 %}{% for i in [n] %}Tapez {{ i }} réponse.{% endfor %}"',
    )
    assert all_problems(prompts) == []


def test_diagnose_refuses_to_start_with_such_a_prompt(tmp_path: Path) -> None:
    for part in ("bot", "adapters", "prompts"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    interview = tmp_path / "prompts" / "fr" / "interview.toml"
    edit(interview, "au moins {{ min }} caractères", "au moins {{ mini }} caractères")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"audience": "a"}), "utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "diagnose", "--answers", str(answers),
         "--lang", "fr"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.splitlines() == [
        f"{interview}: interview.invalid.text_too_short: unknown variable mini "
        "(the en text gives only: min)"
    ]
