"""Crash safety beyond one kill: runs killed at random moments while files change, file by file.

tests/index/store/test_builder.py kills one run as it starts writing and checks the old index is live.
Here files are edited, deleted and added before each run, three runs in a row are killed
(with the previous kills' leftovers still on disk), and every file must hold its old or its
new content, never a mix, with search working after each kill. The long version, 20 kills,
is bench/crash_index.py, which these tests share their corpus and checks with.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from bench import crash_index as crash
from index.search.hybrid import Searcher
from index.store import generations
from index.store.builder import update_index

pytestmark = pytest.mark.slow  # indexing runs killed at random moments


def test_killed_runs_leave_each_file_old_or_new_and_a_normal_run_completes(
    tmp_path: Path,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    rng = random.Random(5)
    corpus_dir, ix = tmp_path / "corpus", tmp_path / "ix"
    corpus_dir.mkdir()
    corpus = crash.Corpus(corpus_dir, rng)
    corpus.add(8)
    update_index(ix, [corpus_dir], embedder)
    held = crash.read_state(ix)
    assert held == crash.expected_state(corpus_dir)

    def search(query: str) -> list[Any]:
        return Searcher(ix, embedder).search(query, k=3)

    checks = crash.Checks()
    # Twice at a random point of the run's first 2 s (start-up), once as it writes its generation
    # (0 to 0.1 s after its work folder appears): the run that finds the first two's leftovers.
    for k, during_write in enumerate([False, False, True], start=1):
        corpus.mutate()
        new = crash.expected_state(corpus_dir)
        assert new != held
        crash.run_and_kill(ix, corpus_dir, rng, during_write=during_write, span=2.0, write_span=0.1)
        held = crash.check_index(ix, held, new, search, checks, rng, f"kill {k}")
    assert checks.failures == []
    assert checks.passed >= 3 * (len(new) + 4)

    corpus.mutate()
    update_index(ix, [corpus_dir], embedder)
    assert crash.read_state(ix) == crash.expected_state(corpus_dir)
    live = generations.current_generation(ix)
    assert live is not None
    assert not [p.name for p in ix.iterdir() if p.name.startswith("tmp-") or p.name > live.name]


def test_a_run_killed_between_rename_and_swap_does_not_block_the_next(
    tmp_path: Path,
    corpus: Path,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    """The narrowest window: the new generation is renamed into place, `CURRENT` not yet swapped.

    Readers still see the old generation; the next writer must not trip over the stranded one
    (its number is the one it would pick) and must sweep it.
    """
    ix = tmp_path / "ix"
    update_index(ix, [corpus], embedder)
    live = generations.current_generation(ix)
    assert live is not None and live.name == "gen-000001"
    shutil.copytree(live, ix / "gen-000002")  # the killed run's generation, never published
    (ix / "CURRENT.tmp").write_text("gen-000002")
    (ix / "tmp-999-deadbeef").mkdir()
    (ix / "tmp-999-deadbeef" / "meta.sqlite").write_bytes(b"half")
    assert generations.current_generation(ix) == live
    assert Searcher(ix, embedder).search("Aydos Sarym", k=1)[0].number == 2

    energy = corpus / "energy-2022-11-23.md"
    energy.write_text(energy.read_text(encoding="utf-8").replace("275 euros", "180 euros"), encoding="utf-8")
    report = update_index(ix, [corpus], embedder)
    assert report.updated == 1
    hit = Searcher(ix, embedder).search("gas price cap", k=1)[0]
    assert "180 euros" in hit.text
    names = sorted(p.name for p in ix.iterdir() if p.name != ".lock")
    new_live = generations.current_generation(ix)
    assert new_live is not None
    assert names == sorted(["CURRENT", "gen-000001", new_live.name])
