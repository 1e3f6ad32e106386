"""The README's usage block and JSON shapes, generated from the argparse parsers and the records.

    python -m assistant.usage README.md            # rewrite the generated parts
    python -m assistant.usage --check README.md    # exit 1 when they are stale (.ci/run)

The README marks each generated part with `<!-- generated:NAME -->` … `<!-- /generated -->`:
`usage` is the commands' usage lines (one per command, its help as a comment), and `json-index`,
`json-search`, `json-ask` are the shapes of `index --json`, `search --json` and `ask --json`,
taken from what the records' `as_json` really write (one record of each kind, nested lists
given one item, so their items' keys show).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARK = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.S)


def usage_block() -> str:
    """One usage line per command, wide enough not to wrap, with its help after `#`."""
    from assistant.main import build_parser

    return "```bash\n" + "\n".join(_usage_lines(build_parser())) + "\n```\n"


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _usage_lines(parser: argparse.ArgumentParser) -> list[str]:
    """The usage of each command of `parser`, and of each command of theirs (`models list`)."""
    sub = _subcommands(parser)
    if sub is None:
        return []
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    lines = []
    for name, command in sub.choices.items():
        if _subcommands(command) is not None:
            lines += _usage_lines(command)
            continue
        command.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=10_000)
        usage = command.format_usage().removeprefix("usage: ").strip().replace(" [-h]", "")
        lines.append(f"{usage}   # {helps.get(name, '')}")
    return lines


def shape(value: Any) -> str:
    """A JSON value's keys as the README writes them: `{"a", "b": [{"c"}]}`; a non-empty list of
    objects or an object inside is expanded, everything else is its key alone."""
    if isinstance(value, dict):
        parts = []
        for key, inner in value.items():
            nested = shape(inner)
            parts.append(f'"{key}": {nested}' if nested else f'"{key}"')
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"[{shape(value[0])}]"
    return ""


class _Row(dict[str, Any]):
    """A stand-in for an sqlite3.Row: indexed by name, with keys()."""


def _sample_hit(kind: str = "bullet") -> Any:
    from index.records import Source
    from index.search.hybrid import Hit, citer_json, note_json

    row = _Row(number=1, text="", kind="bullet", page=None, section=None, source=None)
    hit = Hit("", "", "", kind, 1, "", 0.0, "", None, None, 0)
    if kind == "footnote":
        hit.cited_by = [citer_json(row)]  # type: ignore[arg-type]
    else:
        note = note_json(row)  # type: ignore[arg-type]
        note["source"] = {k: v for k, v in dataclasses.asdict(Source()).items() if k != "others"}
        hit.footnotes = [note]
    return hit


def _search_json() -> dict[str, Any]:
    bullet, footnote = _sample_hit().as_json(), _sample_hit("footnote").as_json()
    return {"query": "", "results": [{**bullet, "cited_by": footnote["cited_by"]}], "translated_query": ""}


def _ask_json() -> dict[str, Any]:
    from assistant.answer.extract import Citation, ContextPassage, Verified
    from assistant.answer.pipeline import model_keys, timing_keys
    from assistant.answer.state import Answer, citation_json

    verified = Verified("", [Citation(1, ContextPassage(1, "", ""), ("",))])
    timings = dict.fromkeys(timing_keys(), 0.0)
    model = dict.fromkeys(model_keys(), "")
    answer = Answer("", "", "fr", "", False, False, citation_json(verified), [], timings, model)
    return answer.as_json()


def _index_json() -> dict[str, Any]:
    from index.store.builder import IndexReport

    report = IndexReport(
        skipped=[{"file": "", "reason": ""}],
        warnings=[{"file": "", "warning": ""}],
        files=[
            {"file": "", "indexed_chars": 0, "set_aside_chars": 0, "set_aside": [{"reason": "", "chars": 0}]}
        ],
    )
    return dict(report.as_json())


SHAPES: dict[str, Callable[[], dict[str, Any]]] = {
    "json-index": _index_json,
    "json-search": _search_json,
    "json-ask": _ask_json,
}


def generated(name: str) -> str:
    if name == "usage":
        return usage_block()
    if name in SHAPES:
        return f"`{shape(SHAPES[name]())}`\n"
    raise KeyError(f"no generated part {name!r}")


def render(text: str) -> str:
    """`text` with every generated part written anew."""
    return MARK.sub(lambda m: m.group(1) + generated(m.group("name")) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.usage", description=__doc__.splitlines()[0])
    ap.add_argument("readme", type=Path)
    ap.add_argument("--check", action="store_true", help="exit 1 when the generated parts are stale")
    args = ap.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    fresh = render(text)
    if args.check:
        if fresh != text:
            print(f"{args.readme} is stale: run `python -m assistant.usage {args.readme}`", file=sys.stderr)
            return 1
        return 0
    args.readme.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
