"""The command line as users and scripts call it (JSON shapes are a contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run


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


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    out = run("search", "--index", str(tmp_path / "none"), "anything")
    assert out.returncode == 2
    assert "no index" in out.stderr and "briefing-assistant index" in out.stderr
    assert "Traceback" not in out.stderr


def test_ask_json_and_jsonl_with_history(tmp_path: Path, corpus: Path) -> None:
    ix = str(tmp_path / "ix")
    assert run("index", "--index", ix, "--json", str(corpus)).returncode == 0
    out = run("ask", "--index", ix, "--json", "Qui a démenti la rumeur sur l'OTSC ?")
    assert out.returncode == 0, out.stderr
    a = json.loads(out.stdout)
    assert {
        "question",
        "standalone_question",
        "answer",
        "abstained",
        "citations",
        "passages",
        "timings",
        "model",
    } <= set(a)
    assert not a["abstained"] and "Aydos Sarym" in a["answer"]
    c = a["citations"][0]
    assert {"marker", "id", "file", "kind", "number", "quote", "source", "briefing_date"} <= set(c)
    assert c["quote"] in next(p["text"] for p in a["passages"] if p["id"] == c["id"])
    assert a["model"]["llm"].endswith(".gguf") and set(a["timings"]) >= {
        "retrieve_ms",
        "first_token_ms",
        "total_ms",
    }

    batch = tmp_path / "q.jsonl"
    batch.write_text(
        json.dumps({"question": "Que s'est-il passé au sujet du Kazakhstan et de l'OTSC ?"})
        + "\n[1, 2]\n"
        + json.dumps(
            {
                "question": "Et qui l'a démenti ?",
                "history": [{"question": "Que s'est-il passé au sujet de l'OTSC ?"}],
            }
        )
        + "\n"
    )
    out = run("ask", "--index", ix, "--jsonl", str(batch))
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(lines) == 3 and "error" in lines[1]
    assert "OTSC" in lines[2]["standalone_question"] and "Aydos Sarym" in lines[2]["answer"]


def test_ask_labels_speak_the_answers_language(capsys: pytest.CaptureFixture[str]) -> None:
    """An analyst asking in French reads French around the answer, as on the chat page."""
    from assistant.answer.pipeline import Answer
    from assistant.cli.ask import _print_answer
    from tests.helpers.corpus import hit

    def answer(language: str, abstained: bool, text: str) -> Answer:
        citation = {"marker": 1, "file": "b.txt", "briefing_date": None, "kind": "bullet", "number": 2}
        return Answer(
            question="q",
            standalone_question="q",
            language=language,
            text=text,
            abstained=abstained,
            fallback=False,
            citations=[] if abstained else [{**citation, "source": "Mk.RU, 15 septembre 2022"}],
            passages=[hit(2, "Le Kazakhstan reste dans l'OTSC.", 1.0)],
            timings={},
            model={},
        )

    _print_answer(answer("fr", True, "Les briefings indexés ne contiennent pas cette information."))
    out = capsys.readouterr().out
    assert "Passages les plus proches" in out and "b.txt (sans date), puce 2: Le Kazakhstan" in out
    _print_answer(answer("fr", False, "« Le Kazakhstan reste dans l'OTSC » [1]."))
    assert "[1] b.txt (sans date), puce 2 — source : Mk.RU, 15 septembre 2022" in capsys.readouterr().out
    _print_answer(answer("en", False, "“Le Kazakhstan reste dans l'OTSC” [1]."))
    assert "[1] b.txt (undated), bullet 2 — source: Mk.RU" in capsys.readouterr().out


def test_models_list_shows_the_packaged_defaults() -> None:
    out = run("models", "list", "--json")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "all-MiniLM-L6-v2" in text and "gemma-3-270m-q4_k_m" in text
