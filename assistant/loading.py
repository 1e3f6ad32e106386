"""Build settings and load the heavy pieces (embedder, searcher, LLM) once per process."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from index.embed import EmbedderError


class UsageError(Exception):
    """Bad arguments; the message says what to give instead."""


def add_common(p: argparse.ArgumentParser, *, llm: bool = False) -> None:
    p.add_argument("--index", type=Path, help="index directory (default: user data dir, or $BRIEFING_INDEX)")
    p.add_argument("--embedder", help="embedder name from models.txt, or a path (default: all-MiniLM-L6-v2)")
    if llm:
        p.add_argument(
            "--llm", help="LLM name from models.txt, or a .gguf path (default: gemma-3-270m-q4_k_m)"
        )
        p.add_argument(
            "--llm-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1, instead of in-process"
        )


def settings_from(args: argparse.Namespace) -> Settings:
    s = Settings.load()
    if getattr(args, "index", None):
        s.index_dir = args.index
    if getattr(args, "embedder", None):
        s.embedder = args.embedder
    if getattr(args, "llm", None):
        s.llm = args.llm
    if getattr(args, "llm_url", None):
        s.llm_url = args.llm_url
    return s


def load_embedder(name: str) -> Any:
    """The embedder named in settings, found through models.txt (packaged, pulled, or a path).

    A model that is found but does not load (files deleted or damaged) is an error naming
    the fix for where it came from: reinstall the package, pull it again, or give a folder.
    """
    from assistant.models import ModelError, RegistryError, find, resolve_embedder
    from index.embed import Embedder, first_line

    try:
        path = resolve_embedder(name)
    except ModelError as exc:
        raise EmbedderError(str(exc)) from exc
    try:
        return Embedder(name, path=path)
    except EmbedderError as exc:
        try:
            entry = find(name)
        except RegistryError:
            entry = None
        if entry is not None and entry.kind == "pypi":
            fix = f"reinstall it with `pip install --force-reinstall {entry.source[5:]}`"
        elif entry is not None and entry.kind == "hf":
            fix = f"download it again with `briefing-assistant models pull {entry.name}`"
        else:
            fix = "give a sentence-transformers model folder with --embedder PATH"
        reason = first_line(exc.__cause__ or exc)
        raise EmbedderError(f"cannot load embedder {name!r} from {path} ({reason}); {fix}") from exc


def load_generator(s: Settings) -> Any:
    """The LLM: a server, or a GGUF loaded in process; a damaged file's error names its fix."""
    from assistant.llm import LlamaCppGenerator, OpenAIGenerator
    from assistant.models import repair_hint, resolve_llm

    if s.llm_url:
        return OpenAIGenerator(s.llm_url)
    path = resolve_llm(s.llm)
    return LlamaCppGenerator(path, fix=repair_hint(path))


def iter_questions(path: Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSONL file with a string 'question'; a bad line yields {"line", "error"} instead.

    A bad line never stops a batch: its error takes its place in the output, order kept.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise TypeError
        except (json.JSONDecodeError, TypeError):
            yield {"line": n, "error": "expected a JSON object with a string 'question'"}
            continue
        yield item


def answer_lines(path: Path, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Print one JSON line per question of a JSONL file, in order; a bad line prints its error."""
    for item in iter_questions(path):
        print(json.dumps(item if "error" in item else answer(item), ensure_ascii=False), flush=True)
