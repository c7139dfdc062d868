"""Localised texts and Jinja2 templates from ``prompts/<lang>/``.

Each ``prompts/<lang>/<area>.toml`` holds flat or nested tables of Jinja2 template strings,
addressed as ``"<area>.<key>"`` (``"interview.question.buyers.title"``). ``*.j2`` files in
the same folder are whole templates. Adding a language means adding a folder.

Rendering takes the target's ``escape`` function and applies it to every ``{{ value }}`` a
template prints (Jinja2's ``finalize``), so user text can never inject markup or mentions;
the template's own text is trusted.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from bot.schema import PROMPTS_DIR
from bot.settings import prompt_languages

Escape = Callable[[str], str]

REFERENCE_LANG = "en"


def plain(text: str) -> str:
    """The identity escape (for JSON output and tests)."""
    return text


class CatalogError(ValueError):
    """Broken prompts: each line names the file and key."""


@dataclass
class Catalog:
    """All languages' texts, loaded once and checked at start."""

    texts: dict[str, dict[str, str]]
    files: dict[str, dict[str, Path]]
    default_lang: str = REFERENCE_LANG
    _envs: dict[Escape, jinja2.Environment] = field(default_factory=dict, repr=False)
    _compiled: dict[tuple[Escape, str], jinja2.Template] = field(default_factory=dict, repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.texts))

    def pick(self, locale: str | None) -> str:
        """The supported language closest to a platform locale (``fr-FR`` -> ``fr``)."""
        if locale:
            tag = locale.replace("_", "-").strip()
            if tag in self.texts:
                return tag
            short = tag.split("-")[0].lower()
            if short in self.texts:
                return short
        return self.default_lang

    def has(self, lang: str, key: str) -> bool:
        return key in self.texts.get(lang, {})

    def text(self, lang: str, key: str, escape: Escape = plain, /, **values: Any) -> str:
        """Render the text ``key`` in ``lang``; every printed value goes through ``escape``."""
        source = self.texts.get(lang, {}).get(key)
        if source is None:
            source = self.texts[self.default_lang].get(key)
        if source is None:
            raise KeyError(f"no text {key!r} in {lang!r}")
        if "{" not in source:  # plain text: nothing to render (the common case, and hot)
            return source.strip()
        template = self._compiled.get((escape, source))
        if template is None:
            template = self._compiled[(escape, source)] = self._env(escape).from_string(source)
        return template.render(**values).strip()

    def render_file(self, lang: str, name: str, escape: Escape = plain, /, **values: Any) -> str:
        """Render the template file ``prompts/<lang>/<name>``."""
        path = self.files.get(lang, {}).get(name) or self.files[self.default_lang][name]
        template = self._env(escape).from_string(path.read_text(encoding="utf-8"))
        return template.render(lang=lang, **values)

    def _env(self, escape: Escape) -> jinja2.Environment:
        env = self._envs.get(escape)
        if env is None:

            def finalize(value: object) -> object:
                return escape(value) if isinstance(value, str) else value

            env = jinja2.Environment(
                autoescape=False,  # noqa: S701 - escaping is the target's, via finalize
                finalize=finalize,
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=False,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            self._envs[escape] = env
        return env


def _flatten(prefix: str, table: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for k, v in table.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, Mapping):
            yield from _flatten(key, v)
        else:
            yield key, v


def load_catalog(root: Path | None = None, default_lang: str = REFERENCE_LANG) -> Catalog:
    """Load every language folder; raise :class:`CatalogError` if anything is broken."""
    catalog, problems = _read(root or PROMPTS_DIR, default_lang)
    if problems:
        raise CatalogError("\n".join(problems))
    return catalog


def catalog_problems(root: Path | None = None) -> list[str]:
    """Every problem in the prompts, each as ``file: key: why`` (empty when all is well)."""
    return _read(root or PROMPTS_DIR, REFERENCE_LANG)[1]


def _read(root: Path, default_lang: str) -> tuple[Catalog, list[str]]:
    problems: list[str] = []
    texts: dict[str, dict[str, str]] = {}
    files: dict[str, dict[str, Path]] = {}
    where: dict[str, dict[str, Path]] = {}
    names: dict[str, dict[str, set[str]]] = {}
    """The variables each template uses (plain texts have none)."""
    env = jinja2.Environment(autoescape=False)  # noqa: S701 - syntax check only
    for lang in prompt_languages(root):
        folder = root / lang
        texts[lang], files[lang], where[lang], names[lang] = {}, {}, {}, {}
        for path in sorted(folder.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                problems.append(f"{path}: {exc}")
                continue
            for key, value in _flatten(path.stem, data):
                if not isinstance(value, str):
                    problems.append(f"{path}: {key}: must be a string, not {type(value).__name__}")
                    continue
                try:
                    if "{" in value:  # plain text needs no parsing (and start-up stays fast)
                        names[lang][key] = meta.find_undeclared_variables(env.parse(value))
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(f"{path}: {key}: template error: {exc.message}")
                    continue
                texts[lang][key] = value
                where[lang][key] = path
        for path in sorted(folder.glob("*.j2")):
            try:
                ast = env.parse(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError) as exc:
                problems.append(f"{path}: template error: {exc}")
                continue
            files[lang][path.name] = where[lang][path.name] = path
            names[lang][path.name] = meta.find_undeclared_variables(ast)
    if default_lang not in texts:
        problems.append(f"{root}: no folder for the reference language {default_lang!r}")
        return Catalog(texts, files, default_lang), problems
    ref, ref_files = texts[default_lang], files[default_lang]
    for lang in texts:
        if lang == default_lang:
            continue
        folder = root / lang
        for key in sorted(ref.keys() - texts[lang].keys()):
            problems.append(
                f"{folder}/{key.split('.')[0]}.toml: {key}: missing (present in {default_lang})"
            )
        for key in sorted(texts[lang].keys() - ref.keys()):
            problems.append(f"{where[lang][key]}: {key}: unknown key (not in {default_lang})")
        for name in sorted(ref_files.keys() - files[lang].keys()):
            problems.append(f"{folder}/{name}: missing template (present in {default_lang})")
        reference = {key: names[default_lang].get(key, set()) for key in ref.keys() | ref_files}
        problems += _unknown_variables(names[lang], reference, where[lang], default_lang)
    return Catalog(texts, files, default_lang), problems


def _unknown_variables(
    used: Mapping[str, set[str]],
    reference: Mapping[str, set[str]],
    where: Mapping[str, Path],
    ref_lang: str,
) -> list[str]:
    """A translation may only print what the reference language's text for the same key is
    given: any other variable is undefined when rendered (a typo such as ``{{ mini }}``).
    ``reference`` has every key of the reference language (an empty set for plain text)."""
    problems = []
    for key in sorted(used.keys() & reference.keys()):
        unknown = used[key] - reference[key]
        if unknown:
            known = ", ".join(sorted(reference[key])) or "none"
            problems.append(
                f"{where[key]}: {key}: unknown variable {', '.join(sorted(unknown))} "
                f"(the {ref_lang} text gives only: {known})"
            )
    return problems
