"""Parsing and indexing throughput per file format, beside raw limits measured in the same run.

    python bench/speed.py --formats [--briefings DIR] [--limit N] [--rounds 3] [--compare REF]

The PIAF dev .txt briefings are copied to a temporary folder, parsed, and written again as
.docx, .odt and .pdf (bench/writers.py: the same passages and notes, real notes where the format
has them). For each format:

- read: KB/s of reading the files' bytes and unpacking them (UTF-8 decoding for .txt, unzipping
  every part for .docx and .odt, the bytes alone for .pdf), the floor under any parser;
- parse: `parse_file` on every file (median of --rounds rounds; one round for .pdf, whose
  parsing takes minutes), as passages/s and KB/s of files (pages/s for .pdf), and
  `parse_x_read`, parse time over read time;
- index: `update_index` from scratch (parse, embed, BM25, FAISS, SQLite), as passages/s and KB/s,
  and `index_vs_encode`, its rate over the embedder's bare `encode` rate on the same passage
  texts (measured half before and half after the formats, so drift on a shared machine hits
  both sides).

`--compare REF` extracts the `index` package of commit REF (`git archive`, no worktree) and
times .txt parsing and indexing with it and with this checkout, each in a subprocess
(bench/parse_worker.py) taking turns, and prints their ratio: the check that .txt throughput
stays within 10 % of the reference.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PIAF = ROOT.parent / "shared" / "eval" / "piaf-dev" / "briefings"
FORMATS = ("txt", "docx", "odt", "pdf")


def _write_formats(source: Path, limit: int | None, work: Path) -> tuple[dict[str, Path], int]:
    """Folders of the same briefings in each format, and the PDFs' page count."""
    from writers import to_docx, to_odt, to_pdf

    from index.parse.reader import parse_file

    folders = {fmt: work / fmt for fmt in FORMATS}
    for folder in folders.values():
        folder.mkdir()
    pages = 0
    for src in sorted(source.glob("*.txt"))[:limit]:
        shutil.copyfile(src, folders["txt"] / src.name)
        b = parse_file(src)
        (folders["docx"] / f"{src.stem}.docx").write_bytes(to_docx(b))
        (folders["odt"] / f"{src.stem}.odt").write_bytes(to_odt(b))
        pdf, n = to_pdf(b)
        (folders["pdf"] / f"{src.stem}.pdf").write_bytes(pdf)
        pages += n
    return folders, pages


def _read(files: list[Path], fmt: str) -> float:
    t0 = time.perf_counter()
    for f in files:
        data = f.read_bytes()
        if fmt == "txt":
            data.decode("utf-8")
        elif fmt in ("docx", "odt"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for name in z.namelist():
                    z.read(name)
    return time.perf_counter() - t0


def _parse(files: list[Path], rounds: int) -> tuple[float, int]:
    """Median parse time of the folder and its passage count."""
    from index.parse.reader import parse_file

    times, passages = [], 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        passages = sum(len(parse_file(f).passages) for f in files)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), passages


def _raw_encode(embedder: Any, texts: list[str]) -> float:
    t0 = time.perf_counter()
    embedder.model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return time.perf_counter() - t0


def measure(
    embedder: Any, *, briefings: Path = PIAF, limit: int | None = None, rounds: int = 3
) -> tuple[list[dict[str, Any]], Path, tempfile.TemporaryDirectory[str]]:
    """One row per format; also the .txt folder (for --compare) and the temp dir that holds it."""
    from index.parse.reader import parse_file
    from index.store.builder import update_index
    from index.store.representation import passage_texts

    tmp = tempfile.TemporaryDirectory()
    work = Path(tmp.name)
    folders, pages = _write_formats(briefings, limit, work)
    txt_files = sorted(folders["txt"].iterdir())
    texts = [t for f in txt_files for t in passage_texts(parse_file(f))]
    halves = [texts[: len(texts) // 2], texts[len(texts) // 2 :]]
    encode_s = _raw_encode(embedder, halves[0])

    rows = []
    for fmt in FORMATS:
        files = sorted(folders[fmt].iterdir())
        kb = sum(f.stat().st_size for f in files) / 1e3
        read_s = min(_read(files, fmt) for _ in range(rounds))
        parse_s, passages = _parse(files, 1 if fmt == "pdf" else rounds)
        t0 = time.perf_counter()
        report = update_index(work / f"ix-{fmt}", [folders[fmt]], embedder)
        index_s = time.perf_counter() - t0
        rows.append(
            {
                "format": fmt,
                "files": len(files),
                "KB": kb,
                "passages": passages,
                "read_KB_s": kb / read_s,
                "parse_per_s": passages / parse_s,
                "parse_KB_s": kb / parse_s,
                "parse_x_read": parse_s / read_s,
                "index_per_s": report.passages / index_s,
                "index_KB_s": kb / index_s,
                "pages_per_s": pages / parse_s if fmt == "pdf" else None,
            }
        )
    encode_s += _raw_encode(embedder, halves[1])
    encode_per_s = len(texts) / encode_s
    for row in rows:
        row["raw_encode_per_s"] = encode_per_s
        row["index_vs_encode"] = row["index_per_s"] / encode_per_s
    return rows, folders["txt"], tmp


def _worker(root: Path, folder: Path, rounds: int) -> dict[str, Any]:
    script = str(ROOT / "bench" / "parse_worker.py")
    out = subprocess.run(
        [
            sys.executable,
            script,
            "--root",
            str(root),
            "--folder",
            str(folder),
            "--rounds",
            str(rounds),
            "--index",
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if Path(result["package"]) != (root / "index").resolve():
        raise SystemExit(f"the worker imported {result['package']}, not {root / 'index'}")
    return result


def compare(ref: str, txt_folder: Path, rounds: int, turns: int = 2) -> list[dict[str, Any]]:
    """.txt parse and index rates of this checkout and of commit `ref`, in alternating subprocesses."""
    with tempfile.TemporaryDirectory() as tmp:
        ref_root = Path(tmp) / "ref"
        ref_root.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "index"], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(ref_root, filter="data")
        runs: dict[str, list[dict[str, Any]]] = {"this checkout": [], ref: []}
        for _ in range(turns):
            runs["this checkout"].append(_worker(ROOT, txt_folder, rounds))
            runs[ref].append(_worker(ref_root, txt_folder, rounds))
    rows = []
    for name, results in runs.items():
        parse_s = statistics.median(s for r in results for s in r["parse_s"])
        index_s = statistics.median(r["index_s"] for r in results)
        rows.append(
            {
                "code": name,
                "passages": results[0]["passages"],
                "parse_per_s": results[0]["passages"] / parse_s,
                "index_per_s": results[0]["index_passages"] / index_s,
            }
        )
    base = rows[1]
    for row in rows:
        row["parse_vs_ref"] = row["parse_per_s"] / base["parse_per_s"]
        row["index_vs_ref"] = row["index_per_s"] / base["index_per_s"]
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [
            "—"
            if r[c] is None
            else f"{r[c]:,.2f}"
            if isinstance(r[c], float)
            else f"{r[c]:,}"
            if isinstance(r[c], int)
            else str(r[c])
            for c in cols
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(embedder: Any, *, briefings: Path, limit: int | None, rounds: int, ref: str | None) -> None:
    rows, txt_folder, tmp = measure(embedder, briefings=briefings, limit=limit, rounds=rounds)
    try:
        print(table(rows), flush=True)
        if ref is not None:
            print()
            print(table(compare(ref, txt_folder, rounds)), flush=True)
    finally:
        tmp.cleanup()
