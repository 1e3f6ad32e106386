"""`briefing-assistant chat`: the Gradio chat page, started from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.settings import add_flags


def add_parser(sub: Any) -> None:
    p = sub.add_parser("chat", help="open the chat page (Gradio, on 127.0.0.1 by default)")
    add_flags(p, llm=True, reader=True)
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--share", action="store_true", help="a public Gradio link (requires --auth)")
    p.add_argument("--auth", help="USER:PASS required to open the page (needed beyond 127.0.0.1)")
    p.add_argument("--auth-file", type=Path, help="a file of USER:PASS lines")
    p.add_argument("-k", type=int, help="passages retrieved per question (default 5)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")


def run(args: argparse.Namespace) -> int:
    from assistant.chat.app import serve

    return serve(args)
