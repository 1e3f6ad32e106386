"""The stages and their runner, on states built by hand: no index, no model."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.answer.extract import ABSTAIN, Verified
from assistant.answer.gate import Evidence
from assistant.answer.pipeline import SEARCH_STAGES, Assistant, Stage, timing_keys, with_stage
from assistant.answer.rewrite import Turn
from assistant.answer.stages.judge import judge
from assistant.answer.stages.rerank import rerank
from assistant.answer.stages.understand import begin
from assistant.answer.state import Query, State, Tools
from assistant.models.llm import GenerationError
from assistant.settings import AnswerSettings
from tests.helpers.corpus import hit
from tests.helpers.generators import ScriptedGenerator


class StubSearcher:
    """What the stages ask of a searcher, with fixed hits."""

    languages = ("fr",)
    embedder = SimpleNamespace(name="stub-embedder")

    def __init__(self, hits: list[Any]) -> None:
        self.found = hits
        self.queries: list[str] = []

    def search(self, query: str, k: int, _filters: Any = None) -> list[Any]:
        self.queries.append(query)
        return self.found[:k]

    def mentions(self, _word: str) -> bool:
        return True


def state(question: str = "Qui a démenti la rumeur ?", **changes: Any) -> State:
    query = begin(question, (), ("fr",), "auto")
    return replace(State(query, k=3, depth=3), **changes)


def tools(**changes: Any) -> Tools:
    return replace(Tools(StubSearcher([]), AnswerSettings()), **changes)  # type: ignore[arg-type]


def test_the_query_is_read_once_and_says_what_each_later_stage_reads() -> None:
    q = begin("Who denied the rumour?", (Turn("Qui ?"),), ("fr",), "auto")
    assert (q.language, q.answer_language, q.standalone, q.text, q.search_text) == (
        "en",
        "en",
        "Who denied the rumour?",
        "Who denied the rumour?",
        "Who denied the rumour?",
    )
    translated = replace(q, translation="Qui a démenti la rumeur ?", translation_language="fr")
    assert translated.text == "Qui a démenti la rumeur ?" and translated.text_language == "fr"
    assert translated.search_text == "Who denied the rumour? Qui a démenti la rumeur ?"
    assert translated.match == ("Qui a démenti la rumeur ?", "fr")
    assert begin("Qui ?", (), ("fr",), "en").answer_language == "en"  # --lang sets the answer's alone


def test_judge_abstains_in_the_answers_language_and_stops_the_run() -> None:
    weak = state(evidence=Evidence(0.0, 0.0, 0.0))
    judged = judge(weak, tools())
    assert judged.stop and judged.verified is not None and judged.verified.text == ABSTAIN["fr"]
    strong = state(evidence=Evidence(1.0, 1.0, 1.0))
    assert judge(strong, tools()) is strong


def test_rerank_leaves_a_settled_search_as_it_is_and_reorders_scored_hits() -> None:
    class Scorer(ScriptedGenerator):
        def continuation_logprob(self, _prefix: str, _continuation: str) -> float:
            return -1.0

        def token_count(self, text: str) -> int:
            return len(text.split())

    from assistant.answer.rerank import reranker_for

    reranker = reranker_for(Scorer(name="other.gguf"))
    sure = state(hits=(hit(1, "a", 5.0), hit(2, "b", 1.0)))
    assert rerank(sure, tools(reranker=reranker)) is sure
    scored = state(hits=(hit(1, "a", 1.0), hit(2, "b", 0.9)), logliks=(-50.0, -1.0))
    assert [h.number for h in rerank(scored, tools(reranker=reranker)).hits] == [2, 1]


def test_the_runner_times_only_the_stages_that_did_something() -> None:
    assistant = Assistant(StubSearcher([]), None, AnswerSettings(k=3))  # type: ignore[arg-type]
    answer = assistant.ask("Qui a démenti la rumeur sur l'OTSC ?")
    assert answer.abstained  # nothing found: the judge refuses
    assert set(answer.timings) == {"retrieve_ms", "first_token_ms", "total_ms"}
    assert set(timing_keys()) >= {"rewrite_ms", "translate_ms", "rerank_ms", "short_ms"}


def test_a_failing_optional_stage_costs_that_stage_only_and_is_not_tried_again() -> None:
    calls: list[str] = []

    def broken_read(_s: State, _t: Tools) -> State:
        calls.append("read")
        raise GenerationError("the reader crashed")

    def compose(s: State, _t: Tools) -> State:
        return replace(s, verified=Verified("« x » [1].", []))

    stages = (
        Stage("compose", compose),
        Stage("read", broken_read, "short_ms", optional_model="reader"),
    )
    assistant = Assistant(StubSearcher([]), None, AnswerSettings(), reader=ScriptedGenerator("x"))  # type: ignore[arg-type]
    assistant.stages = stages
    first = assistant.ask("Qui ?")
    assert first.model["reader_error"] == "the reader crashed" and first.model["reader"] == "scripted"
    second = assistant.ask("Qui ?")
    assert calls == ["read"] and "reader_error" not in second.model and second.model["reader"] == "none"
    assert first.text == second.text == "« x » [1]."


def test_a_model_error_in_a_stage_that_is_not_optional_is_the_callers() -> None:
    def failing(_s: State, _t: Tools) -> State:
        raise GenerationError("the LLM is gone")

    assistant = Assistant(StubSearcher([]), None)  # type: ignore[arg-type]
    assistant.stages = (Stage("compose", failing),)
    with pytest.raises(GenerationError):
        assistant.ask("Qui ?")


def test_with_stage_swaps_one_stage_and_refuses_an_unknown_one() -> None:
    seen: list[Query] = []

    def watch(s: State, _t: Tools) -> State:
        seen.append(s.query)
        return s

    swapped = with_stage(SEARCH_STAGES, "retrieve", watch)
    assert [s.name for s in swapped] == [s.name for s in SEARCH_STAGES]
    with pytest.raises(ValueError, match="no stage"):
        with_stage(SEARCH_STAGES, "nope", watch)


def test_search_is_the_first_stages_and_keeps_k_passages() -> None:
    searcher = StubSearcher([hit(n, f"passage {n}", 10.0 - n) for n in range(8)])
    assistant = Assistant(searcher, None, AnswerSettings(rerank=False))  # type: ignore[arg-type]
    hits, query = assistant.search("Qui a démenti la rumeur ?", 2)
    assert [h.number for h in hits] == [0, 1] and query.standalone == "Qui a démenti la rumeur ?"
    assert searcher.queries == ["Qui a démenti la rumeur ?"]
