"""The index directory: round trip, incremental updates, dedup, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.search.hybrid import Searcher
from index.store import generations
from index.store.builder import update_index
from tests.helpers import ROOT


def test_round_trip_keeps_passages_sources_and_manifest(tmp_path: Path, corpus: Path, embedder) -> None:
    ix = tmp_path / "ix"
    report = update_index(ix, [corpus], embedder)
    assert (report.briefings, report.added, report.updated, report.removed) == (2, 2, 0, 0)
    assert report.passages == 4 + 3 + 2 + 2  # bullets and footnotes of both briefings
    gen = generations.current_generation(ix)
    assert gen is not None
    manifest = json.loads((gen / "manifest.json").read_text())
    assert manifest["embedder"] == embedder.name and manifest["dim"] == 384
    assert set(manifest["files"]) == {str(p.resolve()) for p in corpus.iterdir()}
    s = Searcher(ix, embedder)
    hit = s.search("Aydos Sarym OTSC", k=1)[0]
    assert (hit.file, hit.kind, hit.number) == ("briefing-2022-09-15.txt", "bullet", 2)
    assert hit.briefing_date == "2022-09-15"
    assert hit.footnotes[0]["source"]["outlet"] == "Mk.RU"


def test_reindex_unchanged_embeds_nothing(tmp_path: Path, corpus: Path, embedder) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [corpus], embedder)
    started: list[int] = []
    report = update_index(ix, [corpus], embedder, on_start=started.append)
    assert started == [0]
    assert (report.added, report.updated, report.removed, report.briefings) == (0, 0, 0, 2)


def test_changed_and_deleted_files(tmp_path: Path, corpus: Path, embedder) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [corpus], embedder)
    energy = corpus / "energy-2022-11-23.md"
    energy.write_text(energy.read_text().replace("275 euros", "180 euros"), encoding="utf-8")
    (corpus / "briefing-2022-09-15.txt").unlink()
    started: list[int] = []
    report = update_index(ix, [corpus], embedder, on_start=started.append)
    assert (report.updated, report.removed, report.briefings) == (1, 2, 1)
    assert started == [4]  # only the changed briefing was embedded
    s = Searcher(ix, embedder)
    texts = [h.text for h in s.search("gas price cap", k=5)]
    assert any("180 euros" in t for t in texts) and not any("275 euros" in t for t in texts)
    assert all(h.file != "briefing-2022-09-15.txt" for h in s.search("Kazakhstan", k=10))


def test_same_content_under_two_names_is_indexed_once(tmp_path: Path, corpus: Path, embedder) -> None:
    (corpus / "copy.txt").write_text((corpus / "briefing-2022-09-15.txt").read_text(), encoding="utf-8")
    report = update_index(tmp_path / "ix", [corpus], embedder)
    assert report.briefings == 2 and report.passages == 11


def test_bad_files_are_skipped_with_reasons_and_the_rest_indexed(
    tmp_path: Path, corpus: Path, embedder
) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 10)
    (corpus / "huge.txt").write_text("• " + "mot " * 3000, encoding="utf-8")
    report = update_index(tmp_path / "ix", [corpus, tmp_path / "nope"], embedder, max_bytes=10_000)
    reasons = {Path(s["file"]).name: s["reason"] for s in report.skipped}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "limit" in reasons["huge.txt"]
    assert "no such file" in reasons["nope"]
    assert report.briefings == 2


def test_other_embedder_gives_a_clear_error(tmp_path: Path, corpus: Path, embedder) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [corpus], embedder)
    embedder_name = embedder.name
    try:
        embedder.name = "some-other-model"
        with pytest.raises(generations.IndexMismatch, match="--reembed"):
            Searcher(ix, embedder)
        with pytest.raises(generations.IndexMismatch, match="--reembed"):
            update_index(ix, [corpus], embedder)
    finally:
        embedder.name = embedder_name


@pytest.mark.slow  # a subprocess indexing 42 briefings, killed
def test_killed_indexing_run_leaves_previous_index_usable(tmp_path: Path, corpus: Path, embedder) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [corpus], embedder)
    before = generations.current_generation(ix)
    big = tmp_path / "big"
    big.mkdir()
    for i in range(40):
        (big / f"b{i}.txt").write_text(f"• Paragraphe numéro {i} sur le gaz et l'énergie en Europe.\n" * 30)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--index", str(ix), "--json", str(corpus), str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith("tmp-") for p in ix.iterdir()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert generations.current_generation(ix) == before
    hit = Searcher(ix, embedder).search("Aydos Sarym", k=1)[0]
    assert hit.number == 2
    report = update_index(ix, [corpus, big], embedder)  # a normal run completes and sweeps leftovers
    assert report.briefings == 42
    assert not any(p.name.startswith("tmp-") for p in ix.iterdir())


def test_an_index_written_by_other_format_readers_reads_every_file_again(
    tmp_path: Path, corpus: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.parse import reader

    ix = tmp_path / "ix"
    update_index(ix, [corpus / "energy-2022-11-23.md"], embedder)
    update_index(ix, [corpus / "briefing-2022-09-15.txt"], embedder)  # the .md is kept from before
    monkeypatch.setattr(reader, "PARSER_VERSION", reader.PARSER_VERSION + 1)
    started: list[int] = []
    named, kept = corpus / "briefing-2022-09-15.txt", corpus / "energy-2022-11-23.md"
    kept.write_bytes(kept.read_bytes() + b"\n" * (named.stat().st_size + 1))  # over this run's limit
    smaller = named.stat().st_size
    report = update_index(ix, [named], embedder, on_start=started.append, max_bytes=smaller)
    # both files parsed and embedded again, the one not named this time included
    assert sorted(Path(f["file"]).name for f in report.files) == [
        "briefing-2022-09-15.txt",
        "energy-2022-11-23.md",
    ]
    assert started == [report.passages] and report.briefings == 2
    assert not report.skipped  # the kept file was indexed under an earlier run's larger limit
    assert (report.added, report.updated, report.removed) == (0, 1, 0)  # only the .md's bytes changed
    assert any("read again" in w["warning"] for w in report.warnings)
    gen = generations.current_generation(ix)
    assert gen is not None
    assert json.loads((gen / "manifest.json").read_text())["parser"] == reader.PARSER_VERSION
    again = update_index(ix, [corpus], embedder)  # same version: nothing read again
    assert again.files == [] and not again.warnings and again.briefings == 2
