"""``ecoute prompts check``: the questions and every language's texts agree."""

from __future__ import annotations

from pathlib import Path

from bot.catalog import Catalog, CatalogError, catalog_problems, load_catalog
from bot.schema import PROMPTS_DIR, Kind, Schema, SchemaError, load_schema
from bot.verdict.scoring import ScoringError, Weights, load_weights


def schema_text_problems(schema: Schema, catalog: Catalog, root: Path = PROMPTS_DIR) -> list[str]:
    """Texts each question needs (title, hint, label, one label per choice), per language."""
    problems: list[str] = []
    for lang in catalog.languages:
        where = root / lang / "interview.toml"
        for entry in schema.entries:
            needed = ["title", "hint", "label"]
            if entry.kind in (Kind.ONE, Kind.MANY):
                needed += [f"choice.{c}" for c in entry.choices]
            for leaf in needed:
                key = f"interview.question.{entry.id}.{leaf}"
                if not catalog.has(lang, key):
                    problems.append(f"{where}: {key}: missing")
    return problems


def check_prompts(schema: Schema, catalog: Catalog, root: Path = PROMPTS_DIR) -> Weights:
    """The scoring weights of ``root``, once the texts agree with ``schema``; raises
    :class:`CatalogError` listing every text the schema needs and lacks, or what is wrong
    with the weights."""
    problems = schema_text_problems(schema, catalog, root)
    if problems:
        raise CatalogError("\n".join(problems))
    try:
        return load_weights(root / "scoring.toml")
    except ScoringError as exc:
        raise CatalogError(str(exc)) from exc


def all_problems(root: Path = PROMPTS_DIR) -> list[str]:
    """Every problem in ``prompts/``: questions file, language files, and their agreement."""
    try:
        schema = load_schema(root / "questions.toml")
    except SchemaError as exc:
        return str(exc).splitlines()
    problems = catalog_problems(root)
    if problems:
        return problems
    try:
        catalog = load_catalog(root)
    except CatalogError as exc:  # pragma: no cover - catalog_problems already said it
        return str(exc).splitlines()
    problems = schema_text_problems(schema, catalog, root)
    try:
        load_weights(root / "scoring.toml")
    except ScoringError as exc:
        problems.append(str(exc))
    return problems
