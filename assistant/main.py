"""The entry point, `briefing-assistant COMMAND` (also `python -m assistant`): the terminal's
commands (assistant/cli/, one module each) and the chat page's (assistant/chat/command.py).

It sits above both front ends, which never import each other.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistant.chat import command as chat
from assistant.cli import ask, index, models, search, stats
from assistant.cli import eval as eval_
from assistant.errors import UsageError
from assistant.settings import SettingsError
from index.store.embed import EmbedderError

COMMANDS = {
    "index": index,
    "search": search,
    "ask": ask,
    "eval": eval_,
    "models": models,
    "chat": chat,
    "stats": stats,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-assistant", description="Index briefings and search them, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS.values():
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.models.llm import GenerationError
    from assistant.models.registry import ModelError
    from index.store.generations import IndexError_

    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command].run(args))
    except (UsageError, IndexError_, EmbedderError, SettingsError, ModelError, GenerationError) as exc:
        print(f"briefing-assistant: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the index is unchanged", file=sys.stderr)
        return 130
