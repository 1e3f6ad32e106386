"""The answering pipeline: rewrite → translate → retrieve → gate → rerank → generate → verify → short answer.

Each step is a module beside this one. The model's words are never trusted: every answer goes
through verify.py, which keeps only verbatim quotes with valid markers and falls back to the
extractive answer (extract.py). Before any generation the retrieved evidence must be strong
enough (gate.py); otherwise the answer is the fixed abstention sentence with the closest
material listed. Once the gate has passed, the in-process GGUF reorders the passages by its
likelihood of the question (rerank.py), from the same scores. Only a model that follows
instructions generates an answer; a base model reranks and feeds the gate, nothing more. Last, a
reader (an instruct model, short.py) picks the few words of the quote that answer, which lead
the answer: « MGIMO de Moscou [1] — Selon le briefing du 15 septembre 2022, « … » [1]. »
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import prompts
from assistant.answer.context import context_block
from assistant.answer.extract import ABSTAIN, ContextPassage, Verified, extractive_answer
from assistant.answer.gate import evidence
from assistant.answer.rerank import reranker_for
from assistant.answer.rewrite import Turn, standalone_question
from assistant.answer.short import short_answer
from assistant.answer.tighten import tighten
from assistant.answer.translate import search_query, translation_for
from assistant.answer.verify import verify
from assistant.models.llm import GenerationError, Generator
from assistant.models.registry import ModelError
from index.parse.language import detect_language
from index.search.hybrid import Filters, Hit, Searcher

# The gate is gate.py's three-signal rule (coverage, lexical strength, cosine), fitted
# with cross-validation on the PIAF dev set. min_coverage is an extra floor on coverage alone, off
# by default: coverage is already one of the rule's signals.
DEFAULT_MIN_COVERAGE = 0.0
# Once the gate has passed, the extractive answer quotes the best sentence even on thin overlap.
FALLBACK_MIN_SHARE = 0.1


@dataclass
class AnswerSettings:
    k: int = 5  # passages given to the model and to the extractive fallback
    max_tokens: int = 200
    min_coverage: float = DEFAULT_MIN_COVERAGE
    language: str = "auto"  # or "fr" / "en": the answer's language
    rerank: bool = True  # reorder the top passages by the LLM's likelihood of the question
    generate: bool = True  # False: the LLM only reranks (a base model's text is not used anyway)
    translate: bool = True  # a question not in the archive's language is also searched translated


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


def question_language(question: str, archive: Collection[str] = ()) -> str:
    """French or English, by the question's function words and interrogatives. When they say
    nothing (a bare name, "OTSC Kazakhstan"), an accented letter tips it to French, else it is
    taken to be in the archive's language when the archive has one (so it is neither
    translated nor answered in another language), else English."""
    if re.search(r"[àâçéèêëîïôûùüÿœæ]", question.lower()):
        default = "fr"
    else:
        default = next(iter(archive)) if len(archive) == 1 else "en"
    return detect_language(question, default=default)


def _citation_json(verified: Verified) -> list[dict[str, Any]]:
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


class Assistant:
    """Answers questions about an index with a generator; loaded once, asked many times."""

    def __init__(
        self,
        searcher: Searcher,
        generator: Generator | None,
        settings: AnswerSettings | None = None,
        reader: Generator | None = None,
    ):
        self.searcher = searcher
        self.generator = generator
        self.reader = reader  # writes the short answer (short.py); None: the quote alone
        self.settings = settings or AnswerSettings()
        self.reranker = reranker_for(generator) if self.settings.rerank else None
        self.last_prompt: tuple[str, str] | None = None  # (system, user) of the last generation

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        on_token: Callable[[str], None] | None = None,
        on_short: Callable[[str], None] | None = None,
    ) -> Answer:
        """The verified answer. `on_token` gets the pieces an instruct LLM generates; `on_short`
        gets "" when the reader starts, then the pieces of the short answer it writes."""
        s = self.settings
        start = time.perf_counter()
        archive = self.searcher.languages
        language = s.language if s.language in ("fr", "en") else question_language(question, archive)
        # Follow-ups are rewritten by a model that follows instructions: the main LLM when it
        # does, else the reader (57 of 57 follow-up cases against the rules' 56,
        # bench/eval_followups.py); a base model leaves them to the rules. Translation stays with
        # the main LLM: the 1.5B reader translated 5 of 12 English questions well.
        main = self.generator if self.generator is not None and self.generator.follows_instructions else None
        standalone = standalone_question(question, history, language, main or self.reader)
        rewritten = time.perf_counter()
        # A question in another language than the archive's is searched with its translation
        # beside it; the gate, the reranker and the quote choice read the translation
        # (assistant/answer/translate.py). `asked` is the language the question is asked in, which
        # --lang (the answer's) does not change.
        asked = language if s.language == "auto" else question_language(standalone, archive)
        translated_to = (
            translation_for(standalone, asked, archive, self.generator, self.searcher.mentions)
            if s.translate
            else None
        )
        translation = translated_to[0] if translated_to else None
        translated = time.perf_counter()
        probe, probe_language = translated_to or (standalone, language)
        hits = self.searcher.search(search_query(standalone, translation), s.k, filters)
        retrieved = time.perf_counter()
        timings = {
            "retrieve_ms": round(1000 * (retrieved - translated), 1),
            "first_token_ms": 0.0,
            "total_ms": 0.0,
        }
        if standalone != question:
            timings["rewrite_ms"] = round(1000 * (rewritten - start), 1)
        if translation:
            timings["translate_ms"] = round(1000 * (translated - rewritten), 1)
        model = {
            "llm": self.generator.name if self.generator else "none",
            "embedder": self.searcher.embedder.name,
            "reader": self.reader.name if self.reader else "none",
        }

        def done(verified: Verified, raw: str = "", short: str | None = None) -> Answer:
            timings["total_ms"] = round(1000 * (time.perf_counter() - start), 1)
            text = verified.text
            if short is not None:
                text = f"{short} [{verified.citations[0].marker}] — {text}"
            return Answer(
                question=question,
                standalone_question=standalone,
                language=language,
                text=text,
                abstained=verified.abstained,
                fallback=verified.fallback,
                citations=_citation_json(verified),
                passages=hits,
                timings=timings,
                model=model,
                raw=raw,
                changes=[
                    {"kind": c.kind, "before": c.before, "after": c.after, "reason": c.reason}
                    for c in verified.changes
                ],
                translated_question=translation,
                short_answer=short,
            )

        # On the search order it was fitted on. Names are checked in the question's own language
        # only: a translation may garble a name into one no briefing spells.
        found = evidence(self.searcher, probe, hits, asked)
        logliks: list[float] = []
        reranker = self.reranker
        if reranker is not None and reranker.calibrated and hits and not found.unknown:
            # Scored before the gate: the calibrated model's likelihood gain is one of its signals.
            logliks = reranker.logliks(probe, hits, probe_language)
            found = replace(found, gain=reranker.gain(probe, logliks[:5], probe_language))
            timings["rerank_ms"] = round(1000 * (time.perf_counter() - retrieved), 1)
        if not found.answerable or found.coverage < s.min_coverage:
            return done(Verified(ABSTAIN[language], [], abstained=True))
        if reranker is not None:
            hits = (
                reranker.reorder(hits, logliks) if logliks else reranker.rerank(probe, hits, probe_language)
            )
            timings["rerank_ms"] = round(1000 * (time.perf_counter() - retrieved), 1)
        context = [ContextPassage.from_hit(h, i) for i, h in enumerate(hits, start=1)]

        raw = ""
        capable = self.generator is not None and self.generator.follows_instructions
        if self.generator is not None and s.generate and capable:
            # A base model cannot follow the answer contract: its text would not be used (below),
            # so it generates nothing.
            system = prompts.render("system", language, abstain=ABSTAIN[language])
            user = prompts.render(
                "answer", language, context=context_block(context, language), question=question
            )
            self.last_prompt = (system, user)
            pieces: list[str] = []
            for piece in self.generator.stream(
                system, user, max_tokens=s.max_tokens, stop=["\nQuestion", "</"]
            ):
                if not pieces:
                    timings["first_token_ms"] = round(1000 * (time.perf_counter() - start), 1)
                pieces.append(piece)
                if on_token:
                    on_token(piece)
            raw = "".join(pieces)
        verified = verify(raw, context, question, language) if capable else None
        if verified is None or (verified.abstained and verified.fallback):
            # Without a model that follows instructions the extractive answer stands: a base
            # model's text that happens to verify is copied, not chosen, and quoted the answer less
            # often on the dev set. The gate has already decided the briefings answer, so the
            # extractive answer uses a lower overlap threshold than its own default.
            verified = extractive_answer(
                question,
                context,
                language,
                min_share=FALLBACK_MIN_SHARE,
                match=translated_to,
            )
        if self.reader is None or verified.abstained or not verified.citations:
            return done(verified, raw)
        # The reader reads the question as the quote was chosen for: in the archive's language.
        read = time.perf_counter()
        heard: list[float] = []  # when the reader's first piece came

        def read_piece(text: str) -> None:
            if text and not heard:
                heard.append(time.perf_counter())
            if on_short:
                on_short(text)

        read_piece("")
        try:
            short = short_answer(self.reader, probe, verified.citations[0].quotes, probe_language, read_piece)
        except (GenerationError, ModelError) as exc:
            # The quote is the answer already: a reader that cannot load or run costs the short
            # answer, never the answer. It is not tried again for the next questions.
            short = None
            model["reader_error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.reader = None
        timings["short_ms"] = round(1000 * (time.perf_counter() - read), 1)
        if not timings["first_token_ms"] and heard:  # nothing generated before: the reader's first token
            timings["first_token_ms"] = round(1000 * (heard[0] - start), 1)
        # The sentence that holds the short answer is the quote, when the reader is sure of it.
        return done(tighten(verified, short, language), raw, short.text if short else None)
