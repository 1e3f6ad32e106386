"""Command line: `briefing-assistant COMMAND` (also `python -m assistant`); one module per command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistant.cli import ask, chat, index, models, search, stats
from assistant.cli import eval as eval_
from assistant.cli.common import UsageError
from assistant.settings import SettingsError
from index.store.embed import EmbedderError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-assistant", description="Index briefings and search them, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (index, search, ask, eval_, models, chat, stats):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.models.llm import GenerationError
    from assistant.models.registry import ModelError
    from index.store.generations import IndexError_

    args = build_parser().parse_args(argv)
    commands = {
        "index": index.run,
        "search": search.run,
        "stats": stats.run,
        "models": models.run,
        "ask": ask.run,
        "eval": eval_.run,
        "chat": chat.run,
    }
    try:
        return commands[args.command](args)
    except (UsageError, IndexError_, EmbedderError, SettingsError, ModelError, GenerationError) as exc:
        print(f"briefing-assistant: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the index is unchanged", file=sys.stderr)
        return 130
