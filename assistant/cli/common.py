"""What the commands share: JSONL batches of questions, the advice on an older embedder."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.errors import UsageError
from assistant.settings import Settings


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


def advise_embedder(s: Settings) -> None:
    """Say on stderr, after a command's output, when the index was built with an older embedder."""
    from assistant.models.resolve import embedder_advice

    if advice := embedder_advice(s.embedder_for()):
        print(f"briefing-assistant: {advice}", file=sys.stderr)
