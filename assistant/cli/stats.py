"""`briefing-assistant stats`: what the index holds."""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant.settings import Settings, add_flags


def add_parser(sub: Any) -> None:
    p = sub.add_parser("stats", help="what the index holds")
    add_flags(p)
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from index.store import generations

    s = Settings.from_args(args)
    gen = generations.current_generation(s.index_dir)
    if gen is None:
        raise generations.IndexError_(
            f"no index at {s.index_dir}: create it with `briefing-assistant index PATH...`"
        )
    m = generations.read_manifest(gen)
    info = {k: m[k] for k in ("briefings", "passages", "embedder", "dim", "faiss", "languages", "updated")}
    info = {"index": str(s.index_dir), **info, "files": len(m["files"])}
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        for key, value in info.items():
            print(f"{key:>10}: {value}")
    return 0
