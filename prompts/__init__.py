"""Prompt templates, one file per template and language: `NAME.LANG.txt` beside this module,
and the words shown around an answer that are not prompts: `labels.LANG.toml`.

Templates use `string.Template` ($name) so braces and percent signs in briefing text are
never mistaken for placeholders, and `safe_substitute` is never used: a missing value is a bug.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
LANGUAGES = ("fr", "en")


@cache
def template(name: str, language: str) -> Template:
    lang = language if language in LANGUAGES else "en"
    path = HERE / f"{name}.{lang}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt template {path.name} in {HERE}")
    return Template(path.read_text(encoding="utf-8").rstrip("\n"))


def render(name: str, language: str, **values: object) -> str:
    return template(name, language).substitute({k: str(v) for k, v in values.items()})


@cache
def labels(language: str) -> dict[str, str]:
    """The words around an answer in `language` (labels.LANG.toml): the page's and the terminal's
    labels and the attribution that leads an extractive answer; English for a language we have
    none for. A `{name}` in a label is filled with str.format."""
    lang = language if language in LANGUAGES else "en"
    with (HERE / f"labels.{lang}.toml").open("rb") as f:
        return dict(tomllib.load(f))
