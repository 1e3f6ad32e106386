"""`briefing-assistant index`: add, update and remove briefings in the index (incremental)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assistant.errors import UsageError
from assistant.models.loading import load_embedder
from assistant.settings import Settings, add_flags, default_embedder
from index.parse import formats


def add_parser(sub: Any) -> None:
    p = sub.add_parser("index", help="index briefing files and folders (incremental)")
    add_flags(p)
    p.add_argument("paths", nargs="*", help=f"files or folders: {formats.describe()}")
    p.add_argument("--json", action="store_true", help="print the summary as JSON, no progress bar")
    p.add_argument(
        "--rebuild", action="store_true", help="start from an empty index (e.g. after changing embedder)"
    )
    p.add_argument(
        "--reembed",
        action="store_true",
        help="embed every passage again with --embedder (default: the recommended one), keeping the "
        "passages; the index answers as before until the new vectors are all written",
    )
    p.add_argument("--max-bytes", type=int, help="skip files larger than this (default 20 MB)")


def run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from index.store.builder import set_aside_line, update_index

    s = Settings.from_args(args)
    if not args.paths and not args.reembed:
        raise UsageError("give the files or folders to index (or --reembed to embed the index again)")
    # Embedding again is for moving to another model: without --embedder, the default one.
    embedder = load_embedder(s.embedder or default_embedder() if args.reembed else s.embedder_for())
    kwargs: dict[str, Any] = {
        "rebuild": args.rebuild,
        "reembed": args.reembed,
        "hnsw_threshold": s.hnsw_threshold,
    }
    kwargs["max_bytes"] = args.max_bytes or s.max_file_bytes
    if args.json or not sys.stderr.isatty():
        report = update_index(s.index_dir, args.paths, embedder, **kwargs)
    else:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("embedding passages", total=None)
            report = update_index(
                s.index_dir,
                args.paths,
                embedder,
                on_start=lambda n: progress.update(task, total=n),
                on_progress=lambda n: progress.advance(task, n),
                **kwargs,
            )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
        return 0
    print(
        f"{report.briefings} briefings, {report.passages} passages in {s.index_dir} "
        f"(added {report.added}, updated {report.updated}, removed {report.removed})"
    )
    if args.reembed:
        print(f"every passage embedded again with {embedder.name}")
    for item in report.skipped:
        print(f"skipped {item['file']}: {item['reason']}")
    for item in report.warnings:
        print(f"warning {item['file']}: {item['warning']}")
    for entry in report.files:
        if line := set_aside_line(entry):
            print(f"set aside in {entry['file']}: {line}")
    return 0
