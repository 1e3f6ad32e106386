"""Time parsing and indexing a folder of briefings with the `index` package found under --root.

    python bench/parse_worker.py --root DIR --folder BRIEFINGS [--rounds 3] [--index]

Run in a subprocess by bench/format_speed.py, once with this checkout and once with an older
commit's files (`--compare REF`), so both read the same files under the same interpreter and
neither's modules leak into the other. Prints one JSON object: files, bytes, passages, the
parse time of each round in seconds, the indexing time (with `--index`) and the `index`
package that was imported, so a wrong path shows.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, required=True, help="the folder holding the `index` package to time")
    ap.add_argument("--folder", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--index", action="store_true", help="also index the folder from scratch with the embedder"
    )
    args = ap.parse_args()
    sys.path.insert(0, str(args.root.resolve()))

    import index
    from index.parse.reader import parse_file

    files = sorted(p for p in args.folder.iterdir() if p.is_file())
    parse_s: list[float] = []
    passages = 0
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        passages = sum(len(parse_file(f).passages) for f in files)
        parse_s.append(time.perf_counter() - t0)
    out: dict[str, object] = {
        "package": str(Path(index.__file__).resolve().parent),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "passages": passages,
        "parse_s": parse_s,
    }
    if args.index:
        from index.store.builder import update_index
        from index.store.embed import Embedder

        embedder = Embedder()
        embedder.encode(["chargement du modèle"])  # the model's first call is not the index's
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            report = update_index(Path(tmp) / "ix", [args.folder], embedder)
            out["index_s"] = time.perf_counter() - t0
            out["index_passages"] = report.passages
    print(json.dumps(out))


if __name__ == "__main__":
    main()
