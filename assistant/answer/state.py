"""What the answering stages pass along: the question as understood (Query), the state of one
answer in the making (State), and the finished answer (Answer).

A Query is built once, by the understanding stages (assistant/answer/stages/understand.py), and
every later stage reads it: none looks at the raw question or detects a language again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.extract import Verified
from assistant.answer.gate import Evidence
from assistant.answer.rerank import LikelihoodReranker
from assistant.answer.rewrite import Turn
from assistant.answer.short import ShortAnswer
from assistant.models.llm import Generator
from assistant.settings import AnswerSettings
from index.search.hybrid import Filters, Hit, Searcher


@dataclass(frozen=True)
class Query:
    """A question as understood, before any passage is read."""

    asked: str  # as the user wrote it
    language: str  # the language it is asked in ("fr" or "en")
    answer_language: str  # the answer's: --lang when given, else `language`
    archive: tuple[str, ...]  # the languages the briefings are written in
    history: tuple[Turn, ...] = ()
    standalone: str = ""  # the question with what a follow-up leaves implicit; `asked` when it stands alone
    # The standalone question in the archive's language, when it is asked in another (with the
    # names and numbers the translation lost put back in parentheses), and that language.
    translation: str | None = None
    translation_language: str | None = None

    @property
    def text(self) -> str:
        """What the stages after retrieval read (the gate, the reranker, the quoted sentence's
        choice, the reader): the translation when there is one, since their signals were
        calibrated on questions in the briefings' language; else the standalone question."""
        return self.translation or self.standalone

    @property
    def text_language(self) -> str:
        """The language of `text`."""
        return self.translation_language or self.language

    @property
    def search_text(self) -> str:
        """What retrieval reads: the standalone question, with its translation beside it (the
        original keeps names and numbers exact, the translation brings the archive's words)."""
        return f"{self.standalone} {self.translation}" if self.translation else self.standalone

    @property
    def match(self) -> tuple[str, str] | None:
        """(text, language) the extractive answer matches instead of the question, when translated."""
        return (self.translation, self.text_language) if self.translation else None


@dataclass(frozen=True)
class State:
    """One answer in the making: each stage takes one and returns the next (a stage that has
    nothing to do returns the same object, and is then neither timed nor reported)."""

    query: Query
    k: int  # passages the answer reads
    depth: int  # passages retrieved: k, or more when a search reranks then keeps k
    filters: Filters | None = None
    hits: tuple[Hit, ...] = ()
    evidence: Evidence | None = None  # the gate's signals on the retrieved passages
    logliks: tuple[float, ...] | None = None  # log P(question | passage) of each hit, when scored
    verified: Verified | None = None  # the answer's text and citations, once composed
    raw: str = ""  # what an instruct LLM generated, before verification
    prompt: tuple[str, str] | None = None  # (system, user) of that generation
    short: ShortAnswer | None = None  # the reader's short answer
    read_by: str | None = None  # the reader that ran, even when it gave no short answer
    stop: bool = False  # the answer is final: the stages after this one do not run


@dataclass
class Answer:
    question: str
    standalone_question: str
    language: str
    text: str
    abstained: bool
    fallback: bool
    citations: list[dict[str, Any]]
    passages: list[Hit]
    timings: dict[str, float]
    model: dict[str, str]
    raw: str = ""  # what the model generated, before verification
    changes: list[dict[str, str]] = field(default_factory=list)
    translated_question: str | None = None  # the standalone question in the archive's language
    short_answer: str | None = None  # verbatim in the first citation's quotes; leads `text`

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "translated_question": self.translated_question,
            "answer": self.text,
            "short_answer": self.short_answer,
            "abstained": self.abstained,
            "citations": self.citations,
            "passages": [h.as_json() for h in self.passages],
            "timings": self.timings,
            "model": self.model,
        }


def citation_json(verified: Verified) -> list[dict[str, Any]]:
    """The `citations` of an answer's JSON: each marker's passage, quotes and source."""
    out = []
    for c in verified.citations:
        p = c.passage
        out.append(
            {
                "marker": c.marker,
                "id": p.id,
                "file": p.file,
                "kind": p.kind,
                "number": p.number,
                "quote": c.quotes[0] if c.quotes else "",
                "quotes": list(c.quotes),
                "source": p.source,
                "briefing_date": p.briefing_date,
                "page": p.page,
                "section": p.section,
            }
        )
    return out


@dataclass(frozen=True)
class Tools:
    """What the stages work with: the index, the models and the settings of one assistant, and
    `emit(kind, piece)` for what a stage streams ("token": an LLM's answer, "short": the reader's
    short answer, "" when it starts)."""

    searcher: Searcher
    settings: AnswerSettings
    generator: Generator | None = (
        None  # the main LLM: translates, scores, generates when it follows instructions
    )
    reader: Generator | None = None  # the instruct model that writes the short answer
    reranker: LikelihoodReranker | None = None
    emit: Callable[[str, str], None] = field(default=lambda _kind, _piece: None)
