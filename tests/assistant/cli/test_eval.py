"""eval's sample and scores: what the dev-set tables in docs/quality.md are computed with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.cli.eval import measure, sample


def _rows(answerable: int, unanswerable: int) -> list[dict[str, Any]]:
    rows = [{"question": f"a{k}", "answerable": True} for k in range(answerable)]
    return rows + [{"question": f"u{k}", "answerable": False} for k in range(unanswerable)]


def test_a_sample_keeping_unanswerable_questions_holds_all_of_them_and_fills_with_answerable() -> None:
    rows = _rows(100, 7)
    kept = sample(rows, 20, keep_unanswerable=True)
    assert len(kept) == 20
    assert sum(not q["answerable"] for q in kept) == 7
    assert kept == sample(rows, 20, keep_unanswerable=True)  # the same seed, the same sample
    assert [rows.index(q) for q in kept] == sorted(rows.index(q) for q in kept)  # the file's order
    assert sum(not q["answerable"] for q in sample(rows, 20)) < 7  # a plain sample: by chance


@dataclass
class _Answer:
    short_answer: str | None
    abstained: bool = False
    citations: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=lambda: {"total_ms": 10.0, "first_token_ms": 0.0})


class _Assistant:
    generator = reader = reranker = last_prompt = None

    def __init__(self, answers: dict[str, _Answer]) -> None:
        self.answers = answers

    def ask(self, question: str) -> _Answer:
        return self.answers[question]


def test_short_answers_score_over_every_answerable_question_and_inside_their_quote() -> None:
    quote = {"file": "b.txt", "kind": "bullet", "number": 1, "quotes": ["Formé au MGIMO de Moscou."]}
    rows = [
        {"question": "où ?", "answers": ["MGIMO de Moscou"], "gold": [{"file": "b.txt", "bullet": 1}]},
        {"question": "quand ?", "answers": ["1970"], "gold": [{"file": "b.txt", "bullet": 1}]},
        {"question": "qui ?", "answers": ["Tokayev"], "answerable": False},
    ]
    answers = {
        "où ?": _Answer("MGIMO", citations=[quote]),
        "quand ?": _Answer(None, citations=[quote]),  # no short answer: scores 0
        "qui ?": _Answer(None, abstained=True),
    }
    seen: list[str] = []
    result = measure(_Assistant(answers), rows, on_answer=lambda q, _a: seen.append(q["question"]))
    assert seen == ["où ?", "quand ?", "qui ?"]
    # "MGIMO" against "MGIMO Moscou" (articles dropped): F1 2/3; the missing one scores 0.
    assert result["short_answer_f1"] == 0.333
    assert result["short_answer_share"] == 0.5
    assert result["short_inside_quote"] == 1.0
    assert result["citation_precision"] == 1.0
    assert result["abstention_precision"] == 1.0 and result["abstention_recall"] == 1.0
