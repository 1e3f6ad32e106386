"""`briefing-assistant ask` as users and scripts call it (its JSON shape is a contract), and its labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run


@pytest.mark.slow  # a `python -m assistant` subprocess
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


def test_a_citation_line_names_the_passages_section(capsys: pytest.CaptureFixture[str]) -> None:
    """`[1] sahel.md (2024-03-02), Analysis › Sahel, paragraph 3 — source: …`: the section between
    the date and the passage, for citations and for the closest passages of an abstention."""
    from dataclasses import replace

    from assistant.answer.pipeline import Answer
    from assistant.cli.ask import _print_answer
    from tests.helpers.corpus import hit

    citation = {
        "marker": 1,
        "file": "sahel.md",
        "briefing_date": "2024-03-02",
        "kind": "paragraph",
        "number": 3,
        "source": "Le Monde, 29 janvier 2024.",
        "section": "Analysis › Sahel",
    }
    passage = replace(
        hit(3, "La junte a quitté la CEDEAO.", 1.0), kind="paragraph", section="Analysis › Sahel"
    )

    def answer(abstained: bool, citations: list[dict[str, object]]) -> Answer:
        return Answer(
            question="q",
            standalone_question="q",
            language="en",
            text="“La junte a quitté la CEDEAO” [1].",
            abstained=abstained,
            fallback=False,
            citations=citations,
            passages=[passage],
            timings={},
            model={},
        )

    _print_answer(answer(False, [citation]))
    assert (
        "[1] sahel.md (2024-03-02), Analysis › Sahel, paragraph 3 — source: Le Monde"
        in capsys.readouterr().out
    )
    _print_answer(answer(False, [{**citation, "file": "sahel.pdf", "page": 2}]))
    assert (
        "[1] sahel.pdf, p. 2 (2024-03-02), Analysis › Sahel, paragraph 3 — source:" in capsys.readouterr().out
    )
    _print_answer(answer(False, [{**citation, "section": None}]))
    assert "[1] sahel.md (2024-03-02), paragraph 3 — source:" in capsys.readouterr().out
    _print_answer(answer(True, []))
    assert "  - b.txt (undated), Analysis › Sahel, paragraph 3: La junte" in capsys.readouterr().out
