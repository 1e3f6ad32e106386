"""How well a search finds the corpus's gold passages: the measurement shared by the system test
and bench/eval_documents.py.

A question is answered at rank r when the r-th hit is the first whose text holds the question's
`gold` (after whitespace normalisation); its note is carried when that hit, within the top
`TOP`, lists among its footnotes one whose text holds the question's `note`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from index.search.hybrid import Hit
from tests.corpus.build import Question

TOP = 3  # a user reads the first three passages
DEPTH = 10  # hits looked at for the mean reciprocal rank

Search = Callable[[str], Sequence[Hit]]


def normalised(text: str) -> str:
    return " ".join(text.split())


def holds(hit: Hit, gold: str) -> bool:
    return normalised(gold) in normalised(hit.text)


def carries(hit: Hit, note: str) -> bool:
    return any(normalised(note) in normalised(str(f.get("text", ""))) for f in hit.footnotes)


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # 1-based rank of the gold passage among the hits, None when absent
    hits: tuple[Hit, ...]

    @property
    def found(self) -> bool:
        return self.rank is not None and self.rank <= TOP

    @property
    def gold_hit(self) -> Hit | None:
        return self.hits[self.rank - 1] if self.rank is not None else None

    @property
    def note_carried(self) -> bool | None:
        """Whether the gold passage found in the top `TOP` carries its note; None when the
        question has no note or the passage was not found."""
        hit = self.gold_hit
        if self.question.note is None or hit is None or not self.found:
            return None
        return carries(hit, self.question.note)

    def describe(self) -> str:
        """One line per miss, for assertion messages and reports: the question, where its gold
        is, and what came first instead."""
        q = self.question
        first = normalised(self.hits[0].text)[:90] if self.hits else "(no hit)"
        where = f"rank {self.rank}" if self.rank else f"not in top {len(self.hits)}"
        top = f"{self.hits[0].file} {self.hits[0].kind} {self.hits[0].number}" if self.hits else ""
        return f"{q.file}: {q.question!r} gold {q.gold!r} {where}; first: {top} «{first}»"


def outcome(question: Question, hits: Sequence[Hit]) -> Outcome:
    rank = next((i for i, hit in enumerate(hits, start=1) if holds(hit, question.gold)), None)
    return Outcome(question, rank, tuple(hits))


def measure(questions: Iterable[Question], search: Search) -> list[Outcome]:
    return [outcome(q, search(q.question)) for q in questions]


@dataclass(frozen=True)
class Summary:
    questions: int
    top1: float
    top3: float
    mrr: float
    with_note: int  # questions found in the top 3 whose gold passage cites a note
    note_carried: float  # share of those whose hit carries the note

    def as_json(self) -> dict[str, float | int]:
        return {
            "questions": self.questions,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "mrr": round(self.mrr, 4),
            "with_note": self.with_note,
            "note_carried": round(self.note_carried, 4),
        }


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    n = len(outcomes)
    noted = [o.note_carried for o in outcomes if o.note_carried is not None]
    return Summary(
        questions=n,
        top1=sum(o.rank == 1 for o in outcomes) / n if n else 0.0,
        top3=sum(o.found for o in outcomes) / n if n else 0.0,
        mrr=sum(1 / o.rank for o in outcomes if o.rank is not None and o.rank <= DEPTH) / n if n else 0.0,
        with_note=len(noted),
        note_carried=sum(noted) / len(noted) if noted else 0.0,
    )
