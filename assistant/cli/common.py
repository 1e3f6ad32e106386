"""What every command shares: common flags, settings from them, and JSONL batches."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.settings import Settings


class UsageError(Exception):
    """Bad arguments; the message says what to give instead."""


def add_common(p: argparse.ArgumentParser, *, llm: bool = False, reader: bool = False) -> None:
    p.add_argument("--index", type=Path, help="index directory (default: user data dir, or $BRIEFING_INDEX)")
    p.add_argument("--embedder", help="embedder name from models.txt, or a path (default: all-MiniLM-L6-v2)")
    if llm:
        p.add_argument(
            "--llm", help="LLM name from models.txt, or a .gguf path (default: gemma-3-270m-q4_k_m)"
        )
        p.add_argument(
            "--llm-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1, instead of in-process"
        )
    if reader:
        p.add_argument(
            "--reader",
            metavar="NAME|none",
            help="instruct model that writes the short answer before the quote: a name from models.txt, "
            "a .gguf path, or none (default: the --llm when it follows instructions, else the first "
            "installed Qwen2.5-Coder instruct model, else none; $BRIEFING_READER)",
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
    if getattr(args, "reader", None):
        s.reader = args.reader
    return s


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
