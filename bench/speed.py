"""Indexing and search speed beside the raw limits measured in the same run.

    python bench/speed.py --sizes 1000 10000 100000
    python bench/speed.py --sizes 100000 --raw-sample 0.2   # the long row, raw rate from a sample
    python bench/speed.py --formats --compare 223b9cd        # PIAF dev briefings as .txt, .docx, .odt, .pdf
    python bench/speed.py --dev                              # the PIAF dev briefings themselves
    python bench/speed.py --embedder all-MiniLM-L6-v2 ...    # another embedder (default: models.txt's)

For each size, generated briefings (about 10 bullets + footnotes each) are indexed from
scratch with `update_index`, and the same passage texts are encoded with a bare
`SentenceTransformer.encode` (the model's passage prompt, its batch size): the ratio is our
indexing throughput over raw encoding. `--dev` indexes the PIAF dev briefings instead (1,458
long passages, the rate the issue's targets name).
Search latency (p50/p95 over 200 queries) is compared with raw "encode the query + FAISS
search" on the same vectors. Also: peak RSS, and HNSW recall@10 against exact search.

`--formats` measures parsing and indexing throughput per file format instead, on real briefings
written as .txt, .docx, .odt and .pdf, and with `--compare REF` the .txt throughput of an older
commit beside this one's (bench/format_speed.py).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import format_speed  # noqa: E402

from assistant.models.loading import load_embedder  # noqa: E402
from assistant.settings import default_embedder  # noqa: E402
from index.parse.reader import parse_file  # noqa: E402
from index.search.hybrid import Searcher  # noqa: E402
from index.store import vectors  # noqa: E402
from index.store.builder import collect_files, update_index  # noqa: E402
from index.store.embed import BATCH_SIZE, Embedder  # noqa: E402
from index.store.representation import passage_texts  # noqa: E402

WORDS = (
    "gouvernement ministre président accord sanctions énergie gaz pétrole frontière armée sommet "
    "élection réforme budget banque inflation exportations négociations coopération sécurité "
    "défense territoire souveraineté diplomatie alliance traité conflit crise rapport déclaration "
    "Moscou Pékin Kazakhstan Bruxelles Washington Paris Berlin Ankara Téhéran Kiev OTSC OTAN "
    "mardi mercredi septembre octobre hier annoncé démenti confirmé proposé rencontré signé"
).split()


def make_corpus(folder: Path, passages: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    per_file = 10
    files = max(1, passages // (per_file + per_file // 2))
    for i in range(files):
        bullets = [
            "• " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))) + f" {i}{j + 1}."
            for j in range(per_file)
        ]
        notes = [
            f"  {j + 1}. « {' '.join(rng.choice(WORDS) for _ in range(6))} », Le Monde, 1{j} septembre 2022."
            for j in range(per_file // 2)
        ]
        bullets = [b[:-3] + f"{j + 1}." if j < per_file // 2 else b for j, b in enumerate(bullets)]
        (folder / f"b-{i:06d}-2022-09-{1 + i % 28:02d}.txt").write_text(
            "\n".join(bullets) + "\nSources\n" + "\n".join(notes) + "\n"
        )


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def run(
    size: int, embedder: Embedder, raw_sample: float = 1.0, briefings: Path | None = None
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = briefings or Path(tmp) / "briefings"
        if briefings is None:
            folder.mkdir()
            make_corpus(folder, size)
        files, _ = collect_files([folder])
        texts = [t for f in files for t in passage_texts(parse_file(f))]

        # Raw encoding of the same texts: all of them, or (--raw-sample) a random share measured
        # half before and half after our run, so slow drift on a shared machine hits both sides.
        sample = texts if raw_sample >= 1 else random.Random(2).sample(texts, int(len(texts) * raw_sample))
        halves = [sample[: len(sample) // 2], sample[len(sample) // 2 :]]

        def raw(part: list[str]) -> float:
            t0 = time.perf_counter()
            embedder.model.encode(
                part,
                prompt=embedder.document_prompt or None,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            return time.perf_counter() - t0

        raw_s = raw(halves[0])
        t0 = time.perf_counter()
        report = update_index(Path(tmp) / "ix", [folder], embedder)
        ours_s = time.perf_counter() - t0
        raw_s += raw(halves[1])
        raw_s *= len(texts) / max(1, len(sample))  # the time raw encoding of all texts would take
        assert report.passages == len(texts)

        searcher = Searcher(Path(tmp) / "ix", embedder)
        rng = random.Random(1)
        queries = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(200)]
        for q in queries[:5]:
            searcher.search(q, k=5)  # warm-up
        ours, raw = [], []
        for q in queries:
            t0 = time.perf_counter()
            searcher.search(q, k=5)
            ours.append(1000 * (time.perf_counter() - t0))
            t0 = time.perf_counter()
            qv = embedder.encode_query(q)
            searcher.vectors.search(qv, 5)
            raw.append(1000 * (time.perf_counter() - t0))

        # Approximate index: recall@10 of HNSW against exact search on the same vectors.
        hnsw = vectors.build(searcher.embeddings, embedder.dim, hnsw_threshold=0)
        recall, hnsw_ms, flat_ms = [], [], []
        for q in queries[:100]:
            qv = embedder.encode_query(q)
            t0 = time.perf_counter()
            _, exact = searcher.vectors.search(qv, 10)
            flat_ms.append(1000 * (time.perf_counter() - t0))
            t0 = time.perf_counter()
            _, approx = hnsw.search(qv, 10)
            hnsw_ms.append(1000 * (time.perf_counter() - t0))
            recall.append(len(set(exact[0]) & set(approx[0])) / 10)
        return {
            "passages": len(texts),
            "index_per_s": len(texts) / ours_s,
            "raw_encode_per_s": len(texts) / raw_s,
            "index_vs_raw": raw_s / ours_s,
            "search_p50_ms": statistics.median(ours),
            "search_p95_ms": pct(ours, 95),
            "raw_p50_ms": statistics.median(raw),
            "raw_p95_ms": pct(raw, 95),
            "p50_vs_raw": statistics.median(ours) / statistics.median(raw),
            "flat_search_ms": statistics.median(flat_ms),
            "hnsw_search_ms": statistics.median(hnsw_ms),
            "hnsw_recall@10": statistics.mean(recall),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument(
        "--raw-sample",
        type=float,
        default=1.0,
        help="share of the texts encoded raw (e.g. 0.2 at 100k: the rate is per passage)",
    )
    ap.add_argument(
        "--formats", action="store_true", help="throughput per file format (bench/format_speed.py)"
    )
    ap.add_argument(
        "--briefings", type=Path, default=format_speed.PIAF, help="with --formats: the .txt briefings"
    )
    ap.add_argument("--limit", type=int, default=None, help="with --formats: the first N briefings only")
    ap.add_argument("--rounds", type=int, default=3, help="with --formats: parse rounds (median; .pdf: one)")
    ap.add_argument("--compare", metavar="REF", help="with --formats: also time .txt with commit REF's code")
    ap.add_argument("--dev", action="store_true", help="index the PIAF dev briefings (--briefings) instead")
    ap.add_argument("--embedder", help="a models.txt name or a folder (default: models.txt's default)")
    args = ap.parse_args()
    embedder = load_embedder(args.embedder or default_embedder())
    print(f"embedder {embedder.name} ({getattr(embedder, 'dtype', 'float32')}, batch {BATCH_SIZE})")
    if args.formats:
        format_speed.run(
            embedder, briefings=args.briefings, limit=args.limit, rounds=args.rounds, ref=args.compare
        )
        return
    cols = [
        "passages",
        "index_per_s",
        "raw_encode_per_s",
        "index_vs_raw",
        "search_p50_ms",
        "search_p95_ms",
        "raw_p50_ms",
        "raw_p95_ms",
        "p50_vs_raw",
        "flat_search_ms",
        "hnsw_search_ms",
        "hnsw_recall@10",
        "peak_rss_mb",
    ]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for size in [0] if args.dev else args.sizes:
        r = run(size, embedder, args.raw_sample, args.briefings if args.dev else None)
        print(
            "| " + " | ".join(f"{r[c]:.2f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |",
            flush=True,
        )


if __name__ == "__main__":
    main()
