"""Prompt templates, one file per template and language: `NAME.LANG.txt` beside this module.

Templates use `string.Template` ($name) so braces and percent signs in briefing text are
never mistaken for placeholders, and `safe_substitute` is never used: a missing value is a bug.
"""

from __future__ import annotations

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
