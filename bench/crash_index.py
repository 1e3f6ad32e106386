"""Crash safety of indexing: kill -9 `python -m assistant index` at random moments, check the index.

    python bench/crash_index.py [--kills 20] [--files 24] [--seed 0] [--json]

A generated corpus changes before every run (a third of the files edited, some deleted, some
added), then the indexing run is killed with SIGKILL after a random delay: every other kill
after a delay drawn over a whole run's duration, the others after a delay drawn from the moment
the run starts writing its new generation (that window is a fraction of a second and would
otherwise almost never be hit). After each kill:

- the index opens and `search` answers;
- each file holds exactly its content from before the run or its new content, never a mix of
  the two, never a half-written briefing (compared passage by passage with the parser's output);
- the whole index is one of the two states (no file new while another is old);
- vectors, passages and the manifest agree; a unique word of each sampled file finds that file.

Then a normal run completes and the index equals the corpus. The summary counts kills (by the
phase they hit), checks passed and failures. tests/system/test_reliability_crash.py runs 3 kills.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.parse.reader import parse_bytes  # noqa: E402
from index.store import database, generations, vectors  # noqa: E402

# A file's indexed content: its passages as (kind, number, text), in order.
Content = tuple[tuple[str, int, str], ...]
State = dict[str, Content]  # file path -> content

CITIES = ["Gdansk", "Constanta", "Varna", "Batoumi", "Aktaou", "Turkmenbachy", "Odessa", "Poti"]
VERBS = ["a quitté", "a rejoint", "a été retenu à", "a déchargé à", "a contourné"]


def briefing(i: int, version: int) -> str:
    """File `i` at `version`: a bullet count and words that differ between versions, sources glued."""
    rng = random.Random(i * 1000 + version)
    n = 3 + (i + version) % 4
    tag = f"zq{i}x{version}q"  # a made-up word: search finds exactly this file and version
    bullets = [
        f"• Dossier {tag}, point {b}: le convoi {i} {rng.choice(VERBS)} {rng.choice(CITIES)} "
        f"avec {rng.randint(2, 90)} wagons le {rng.randint(1, 28)} mars{b}."
        for b in range(1, n + 1)
    ]
    notes = [f"{b}. « Rapport {tag} numéro {b} », Le Courrier, {b} mars 2023." for b in range(1, n + 1)]
    return "\n".join([*bullets, "Sources", *notes]) + "\n"


def expected_content(path: Path) -> Content:
    b = parse_bytes(path.read_bytes(), str(path))
    return tuple((p.kind, p.number, p.text) for p in b.passages)


def expected_state(corpus: Path) -> State:
    return {str(p.resolve()): expected_content(p) for p in sorted(corpus.glob("*.txt"))}


def read_state(ix: Path) -> State:
    """What the live generation holds, file by file, read through SQLite."""
    gen = generations.current_generation(ix)
    if gen is None:
        return {}
    conn = database.open_db(gen / "meta.sqlite")
    try:
        state: State = {}
        for path, briefing_id in conn.execute("SELECT path, briefing_id FROM files"):
            b = database.read_briefing(conn, briefing_id)
            state[path] = tuple((p.kind, p.number, p.text) for p in b.passages)
        return state
    finally:
        conn.close()


@dataclass
class Corpus:
    """Briefing files whose versions change between runs."""

    folder: Path
    rng: random.Random
    versions: dict[int, int] = field(default_factory=dict)
    next_id: int = 0

    def add(self, count: int) -> None:
        for _ in range(count):
            self.versions[self.next_id] = 0
            self._write(self.next_id)
            self.next_id += 1

    def _write(self, i: int) -> None:
        (self.folder / f"convoi-{i:03d}.txt").write_text(briefing(i, self.versions[i]), encoding="utf-8")

    def mutate(self) -> None:
        """Edit about a third of the files, delete one or two, add one or two."""
        ids = sorted(self.versions)
        for i in self.rng.sample(ids, max(1, len(ids) // 3)):
            self.versions[i] += 1
            self._write(i)
        for i in self.rng.sample(ids, min(len(ids) - 1, self.rng.randint(1, 2))):
            del self.versions[i]
            (self.folder / f"convoi-{i:03d}.txt").unlink()
        self.add(self.rng.randint(1, 2))


def cli_index(ix: Path, corpus: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--index", str(ix), "--json", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def _writing(ix: Path) -> bool:
    return any(p.name.startswith("tmp-") for p in ix.iterdir()) if ix.is_dir() else False


def _current(ix: Path) -> str:
    try:
        return (ix / "CURRENT").read_text()
    except OSError:
        return ""


def run_and_kill(
    ix: Path, corpus: Path, rng: random.Random, *, during_write: bool, span: float, write_span: float = 0.4
) -> str:
    """Start an indexing run, SIGKILL it after a random delay; return the phase the kill hit.

    `during_write`: the delay (0 to `write_span` s) counts from the moment the run's work
    folder appears; otherwise from the start, drawn over `span` seconds (about one whole run).
    """
    before = _current(ix)
    proc = cli_index(ix, corpus)
    if during_write:
        deadline = time.monotonic() + 300
        while proc.poll() is None and not _writing(ix) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, write_span))
    else:
        time.sleep(rng.uniform(0.0, span))
    if proc.poll() is not None:
        phase = "after the run had finished"
    elif _writing(ix):
        phase = "while writing the new generation"
    elif _current(ix) != before:
        phase = "after the CURRENT swap (sweeping)"
    else:
        phase = "before writing (start-up, parsing, embedding)"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return phase


@dataclass
class Checks:
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)


def check_index(
    ix: Path,
    before: State,
    after: State,
    search: Callable[[str], list[Any]],
    checks: Checks,
    rng: random.Random,
    label: str,
    samples: int = 3,
) -> State:
    """Check the index after a kill against the two states it may hold; return what it holds."""
    try:
        gen = generations.current_generation(ix)
        got = read_state(ix)
        hits = search("convoi wagons mars")
    except Exception as exc:  # the whole point: any failure to open or search is counted, not fatal
        checks.check(False, f"{label}: the index does not open or search: {type(exc).__name__}: {exc}")
        return {}
    checks.check(gen is not None and bool(hits), f"{label}: search returned nothing")
    for path in sorted(set(before) | set(after) | set(got)):
        allowed = {before.get(path), after.get(path)}
        checks.check(
            got.get(path) in allowed, f"{label}: {Path(path).name} holds neither its old nor its new content"
        )
    checks.check(got in (before, after), f"{label}: the index mixes old and new files")
    assert gen is not None
    manifest = generations.read_manifest(gen)
    ntotal = vectors.load(gen / "vectors.faiss").ntotal
    checks.check(
        set(manifest["files"]) == set(got) and manifest["passages"] == ntotal,
        f"{label}: manifest, files and vectors disagree ({manifest['passages']} passages, {ntotal} vectors)",
    )
    for path in rng.sample(sorted(got), min(samples, len(got))):
        tag = next(t for _, _, text in got[path] for t in text.split() if t.startswith("zq"))
        tag = tag.rstrip(",.:")
        top = search(tag)
        checks.check(
            bool(top) and top[0].file == Path(path).name,
            f"{label}: searching {tag} does not find {Path(path).name} first",
        )
    return got


def run(kills: int, files: int, seed: int, workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    from index.search.hybrid import Searcher
    from index.store.embed import Embedder

    rng = random.Random(seed)
    corpus_dir, ix = workdir / "corpus", workdir / "ix"
    corpus_dir.mkdir(parents=True)
    corpus = Corpus(corpus_dir, rng)
    corpus.add(files)
    embedder = Embedder()

    def search(query: str) -> list[Any]:
        return Searcher(ix, embedder).search(query, k=3)

    start = time.monotonic()
    first = cli_index(ix, corpus_dir)
    _, err = first.communicate()
    span = time.monotonic() - start
    if first.returncode != 0:
        raise SystemExit(f"the first indexing run failed: {err.decode(errors='replace')}")
    log(f"first full run: {span:.1f} s; killing {kills} runs")
    checks = Checks()
    phases: dict[str, int] = {}
    held = read_state(ix)
    for k in range(1, kills + 1):
        corpus.mutate()
        new = expected_state(corpus_dir)
        phase = run_and_kill(ix, corpus_dir, rng, during_write=k % 2 == 0, span=span)
        phases[phase] = phases.get(phase, 0) + 1
        failed = len(checks.failures)
        held = check_index(ix, held, new, search, checks, rng, f"kill {k}")
        status = "ok" if len(checks.failures) == failed else "FAILED"
        log(f"kill {k:2d}: {phase}: {status}")
    corpus.mutate()
    final = cli_index(ix, corpus_dir)
    _, err = final.communicate()
    checks.check(final.returncode == 0, f"final run: exit {final.returncode}: {err.decode(errors='replace')}")
    final_state = read_state(ix)
    checks.check(final_state == expected_state(corpus_dir), "final run: the index does not match the corpus")
    live = generations.current_generation(ix)
    left = [
        p.name
        for p in ix.iterdir()
        if p.name.startswith("tmp-") or (live and p.name.startswith("gen-") and p > live)
    ]
    checks.check(not left, f"final run: leftovers {left}")
    return {
        "kills": kills,
        "phases": phases,
        "checks_passed": checks.passed,
        "failures": len(checks.failures),
        "failure_details": checks.failures,
        "final_run_ok": final.returncode == 0 and final_state == expected_state(corpus_dir),
        "files_at_end": len(final_state),
        "seconds": round(time.monotonic() - start, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--files", type=int, default=24, help="briefing files at the start")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (corpus and index)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crash-index-"))
    try:
        summary = run(
            args.kills, args.files, args.seed, workdir, lambda m: print(m, file=sys.stderr, flush=True)
        )
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"kills: {summary['kills']}")
        for phase, n in sorted(summary["phases"].items()):
            print(f"  {n:2d} {phase}")
        print(f"checks passed: {summary['checks_passed']}")
        print(f"failures: {summary['failures']}")
        for line in summary["failure_details"]:
            print(f"  {line}")
        print(
            f"final normal run: {'ok' if summary['final_run_ok'] else 'FAILED'} ({summary['files_at_end']} files)"
        )
        print(f"time: {summary['seconds']} s")
    return 0 if summary["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
