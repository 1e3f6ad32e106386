"""The answering pipeline: a declared list of stages over one typed state, and the runner.

    understand (rewrite → translate) → retrieve → measure → score → judge → rerank → compose → read → narrow

Each stage is a module of assistant/answer/stages/ (a function `(State, Tools) -> State`); the
lists below are the whole path of a question. `search` is the first stages of the same path.
The runner times each stage (a stage that returns the state unchanged did nothing and is not
timed), passes on what the stages stream, stops after a stage that makes the answer final (an
abstention), and owns the fallbacks: a stage marked optional that fails with a model error costs
that stage only, for this answer and every later one of this assistant (a reader that cannot load
is not tried again on every question).

The model's words are never trusted: every answer goes through verify.py, which keeps only
verbatim quotes with valid markers, and falls back to the extractive answer (extract.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.answer.extract import Verified
from assistant.answer.rerank import LikelihoodReranker, reranker_for
from assistant.answer.rewrite import Turn
from assistant.answer.stages.compose import compose
from assistant.answer.stages.judge import judge
from assistant.answer.stages.measure import measure
from assistant.answer.stages.narrow import narrow
from assistant.answer.stages.read import read
from assistant.answer.stages.rerank import rerank
from assistant.answer.stages.retrieve import retrieve
from assistant.answer.stages.score import score
from assistant.answer.stages.understand import begin, rewrite, translate
from assistant.answer.state import Answer, Query, State, Tools, citation_json
from assistant.models.llm import GenerationError, Generator
from assistant.models.registry import ModelError
from assistant.settings import AnswerSettings, GateSettings
from index.search.hybrid import Filters, Hit, Searcher


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[State, Tools], State]
    timing: str | None = None  # the key of Answer.timings it is reported under (several may share one)
    # The model a stage needs, when losing it costs this stage only: a model error then leaves the
    # stage out, the answer says why under model["<uses>_error"], and the model is not asked again.
    optional_model: str | None = None


REWRITE = Stage("rewrite", rewrite, "rewrite_ms")
TRANSLATE = Stage("translate", translate, "translate_ms")
RETRIEVE = Stage("retrieve", retrieve, "retrieve_ms")
RERANK = Stage("rerank", rerank, "rerank_ms")
ANSWER_STAGES: tuple[Stage, ...] = (
    REWRITE,
    TRANSLATE,
    RETRIEVE,
    Stage("measure", measure),
    Stage("score", score, "rerank_ms"),
    Stage("judge", judge),
    RERANK,
    Stage("compose", compose),
    Stage("read", read, "short_ms", optional_model="reader"),
    Stage("narrow", narrow),
)
SEARCH_STAGES: tuple[Stage, ...] = (REWRITE, TRANSLATE, RETRIEVE, RERANK)
MODEL_ERRORS = (GenerationError, ModelError)


def timing_keys(stages: Sequence[Stage] = ANSWER_STAGES) -> list[str]:
    """The keys an answer's timings may have: always the first three, a stage's when it ran."""
    always = ["retrieve_ms", "first_token_ms", "total_ms"]
    return always + [k for k in dict.fromkeys(s.timing for s in stages) if k and k not in always]


def model_keys(stages: Sequence[Stage] = ANSWER_STAGES) -> list[str]:
    """The keys of an answer's `model`: the models' names, then an optional model's error."""
    return ["llm", "embedder", "reader"] + [f"{s.optional_model}_error" for s in stages if s.optional_model]


def with_stage(stages: Sequence[Stage], name: str, run: Callable[[State, Tools], State]) -> tuple[Stage, ...]:
    """`stages` with stage `name` running `run` instead (a measurement that watches one stage)."""
    if name not in {stage.name for stage in stages}:
        raise ValueError(f"no stage {name!r}")
    return tuple(replace(stage, run=run) if stage.name == name else stage for stage in stages)


def first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@dataclass
class Run:
    """One pass over the stages: the state, the time each stage took, and what streamed first."""

    state: State
    start: float
    model: dict[str, str]  # the models' names as the run starts; a model that fails adds its error
    timings: dict[str, float]
    first_piece: float | None = None


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
        self.stages = ANSWER_STAGES
        self.last_prompt: tuple[str, str] | None = None  # (system, user) of the last generation

    @property
    def reranker(self) -> LikelihoodReranker | None:
        return self._reranker(self.settings)

    def _reranker(self, s: AnswerSettings) -> LikelihoodReranker | None:
        if not s.rerank:
            return None
        # The gate's constants are the index's embedder's (gate.toml), and so is its likelihood model.
        gate = s.gate or GateSettings.fitted(embedder=self.searcher.embedder.name)
        return reranker_for(self.generator, s.reranking, gate)

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        on_token: Callable[[str], None] | None = None,
        on_short: Callable[[str], None] | None = None,
        *,
        settings: AnswerSettings | None = None,
        on_query: Callable[[Query], None] | None = None,
    ) -> Answer:
        """The verified answer. `on_token` gets the pieces an instruct LLM generates; `on_short`
        gets "" when the reader starts, then the pieces of the short answer it writes; `on_query`
        gets the question as understood before the search (its languages known). `settings`
        replaces the assistant's for this question (the chat page's k and answer language)."""
        s = settings or self.settings
        state = State(self._query(question, history, s), k=s.k, depth=s.k, filters=filters)
        if on_query:
            on_query(state.query)
        run = self._run(self.stages, state, s, {"token": on_token, "short": on_short})
        self.last_prompt = run.state.prompt or self.last_prompt
        return self._answer(run)

    def search(self, question: str, k: int, filters: Filters | None = None) -> tuple[list[Hit], Query]:
        """The first stages alone: the passages for `question` (understood and, with a reranker,
        reordered when the search is unsure among the top `depth` of rerank.toml), and the query."""
        s = self.settings
        depth = max(k, s.reranking.depth) if self.reranker is not None else k
        state = State(self._query(question, (), s), k=k, depth=depth, filters=filters)
        run = self._run(SEARCH_STAGES, state, s, {})
        return list(run.state.hits[:k]), run.state.query

    def _query(self, question: str, history: Sequence[Turn], s: AnswerSettings) -> Query:
        return begin(question, history, self.searcher.languages, s.language)

    def _run(
        self,
        stages: Sequence[Stage],
        state: State,
        s: AnswerSettings,
        listeners: dict[str, Callable[[str], None] | None],
    ) -> Run:
        model = {
            "llm": self.generator.name if self.generator else "none",
            "embedder": self.searcher.embedder.name,
            "reader": self.reader.name if self.reader else "none",
        }
        run = Run(state, time.perf_counter(), model, {})

        def emit(kind: str, piece: str) -> None:
            if piece and run.first_piece is None:
                run.first_piece = time.perf_counter()
            if listener := listeners.get(kind):
                listener(piece)

        tools = Tools(self.searcher, s, self.generator, self.reader, self._reranker(s), emit)
        for stage in stages:
            if stage.optional_model and getattr(tools, stage.optional_model) is None:
                continue
            began = time.perf_counter()
            try:
                after = stage.run(run.state, tools)
            except MODEL_ERRORS as exc:
                if stage.optional_model is None:
                    raise
                run.model[f"{stage.optional_model}_error"] = first_line(exc)
                setattr(self, stage.optional_model, None)  # not asked again
                lost: dict[str, Any] = {stage.optional_model: None}
                tools = replace(tools, **lost)
                after = replace(run.state)  # a new state: the stage ran, and its time is reported
            if after is not run.state and stage.timing:
                elapsed = 1000 * (time.perf_counter() - began)
                run.timings[stage.timing] = round(run.timings.get(stage.timing, 0.0) + elapsed, 1)
            run.state = after
            if after.stop:
                break
        return run

    def _answer(self, run: Run) -> Answer:
        state, q = run.state, run.state.query
        now = time.perf_counter()
        timings = {
            "retrieve_ms": run.timings.pop("retrieve_ms", 0.0),
            "first_token_ms": round(1000 * (run.first_piece - run.start), 1) if run.first_piece else 0.0,
            "total_ms": round(1000 * (now - run.start), 1),
            **run.timings,
        }
        verified = state.verified or Verified("", [], abstained=True)
        text = verified.text
        short = state.short.text if state.short else None
        if short is not None:
            text = f"{short} [{verified.citations[0].marker}] — {text}"
        return Answer(
            question=q.asked,
            standalone_question=q.standalone,
            language=q.answer_language,
            text=text,
            abstained=verified.abstained,
            fallback=verified.fallback,
            citations=citation_json(verified),
            passages=list(state.hits),
            timings=timings,
            model=run.model,
            raw=state.raw,
            changes=[
                {"kind": c.kind, "before": c.before, "after": c.after, "reason": c.reason}
                for c in verified.changes
            ],
            translated_question=q.translation,
            short_answer=short,
        )
