"""`index`, `search` and `stats` on the command line, as users and scripts call them (JSON shapes are a contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers.cli import run

if TYPE_CHECKING:
    from index.search.hybrid import Searcher


@pytest.mark.slow  # a `python -m assistant` subprocess
def test_index_search_stats_end_to_end(tmp_path: Path, corpus: Path) -> None:
    ix = str(tmp_path / "ix")
    (corpus / "empty.txt").write_text("")
    out = run("index", "--index", ix, "--json", str(corpus))
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert set(summary) >= {"briefings", "passages", "added", "updated", "removed", "skipped"}
    assert summary["briefings"] == 2 and summary["added"] == 2
    assert summary["skipped"] == [{"file": str((corpus / "empty.txt").resolve()), "reason": "empty file"}]

    out = run("search", "--index", ix, "-k", "2", "--json", "Qui a démenti la rumeur ?")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    top = result["results"][0]
    assert result["query"] == "Qui a démenti la rumeur ?" and len(result["results"]) == 2
    assert {"id", "file", "kind", "number", "text", "score", "footnotes", "briefing_date"} <= set(top)
    assert (top["file"], top["kind"], top["number"]) == ("briefing-2022-09-15.txt", "bullet", 2)
    assert top["footnotes"][0]["number"] == 1 and "Mk.RU" in top["footnotes"][0]["text"]

    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "gas price cap"}\nnot json\n{"question": "Norway gas supplier"}\n')
    out = run("search", "--index", ix, "-k", "1", "--jsonl", str(questions))
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x.get("query") for x in lines] == ["gas price cap", None, "Norway gas supplier"]
    assert "error" in lines[1] and lines[2]["results"][0]["number"] == 2

    out = run("stats", "--index", ix, "--json")
    stats = json.loads(out.stdout)
    assert stats["briefings"] == 2 and stats["embedder"] == "all-MiniLM-L6-v2"

    human = run("search", "--index", ix, "Aydos Sarym")
    assert "briefing-2022-09-15.txt (2022-09-15) — bullet 2" in human.stdout

    # Reranked by the embedded GGUF: same shape, the answering bullet still first, k respected.
    out = run("search", "--index", ix, "-k", "2", "--rerank", "--json", "Qui a démenti la rumeur ?")
    assert out.returncode == 0, out.stderr
    reranked = json.loads(out.stdout)["results"]
    assert len(reranked) == 2 and (reranked[0]["file"], reranked[0]["number"]) == (
        "briefing-2022-09-15.txt",
        2,
    )
    out = run("search", "--index", ix, "--rerank", "--llm-url", "http://127.0.0.1:9/v1", "gas")
    assert out.returncode == 2 and "--rerank needs a GGUF" in out.stderr
    # By default close calls are reranked, so a missing GGUF is an error before any output...
    missing = str(tmp_path / "missing.gguf")
    out = run("search", "--index", ix, "--llm", missing, "gas")
    assert out.returncode == 2 and "missing.gguf" in out.stderr and out.stdout == ""
    # ...and so with --no-rerank, since a question in another language is translated by it;
    # --no-rerank --no-translate (or a server, which gives no scores and is only asked to
    # translate) is the hybrid search alone.
    out = run("search", "--index", ix, "--no-rerank", "--llm", missing, "gas")
    assert out.returncode == 2 and "missing.gguf" in out.stderr and out.stdout == ""
    for flags in (
        ["--no-rerank", "--no-translate", "--llm", missing],
        ["--llm-url", "http://127.0.0.1:9/v1"],
    ):
        out = run("search", "--index", ix, "-k", "1", "--json", *flags, "Qui a démenti la rumeur ?")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["results"][0]["number"] == 2


@pytest.mark.slow  # a `python -m assistant` subprocess
def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    out = run("search", "--index", str(tmp_path / "none"), "anything")
    assert out.returncode == 2
    assert "no index" in out.stderr and "briefing-assistant index" in out.stderr
    assert "Traceback" not in out.stderr


def test_search_shows_each_passages_section(
    sections_searcher: Searcher, capsys: pytest.CaptureFixture[str]
) -> None:
    """The human output names the headings a passage sits under, and a note the sections of the
    passages citing it; `--json` has them as "section"."""
    from assistant.main import main

    ix = str(sections_searcher.index_dir)  # `search` only reads it
    base = ["search", "--index", ix, "--no-rerank", "--no-translate"]
    assert main([*base, "-k", "1", "attacks on tankers in the gulf"]) == 0
    assert (
        "[1] wa-2024-02-01.md (2024-02-01) — Analysis › Piracy — bullet 3 — score" in capsys.readouterr().out
    )
    assert main([*base, "-k", "1", "Qui a démenti la rumeur ?"]) == 0
    assert "[1] briefing-2022-09-15.txt (2022-09-15) — bullet 2 — score" in capsys.readouterr().out
    assert main([*base, "-k", "10", "The junta leaves, Le Monde"]) == 0
    out = capsys.readouterr().out
    assert "└ cited by bullet 1 (Analysis › Sahel)" in out and "└ cited by paragraph 4 (Outlook)" in out
    assert main([*base, "-k", "1", "--json", "attacks on tankers in the gulf"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["section"] == "Analysis › Piracy"
