"""Query-likelihood reranking: the order it gives, where it runs, and the real model's scores."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from assistant.answer.pipeline import AnswerSettings, Assistant
from assistant.answer.rerank import LikelihoodReranker, reranker_for
from assistant.settings import GateSettings
from index.search.hybrid import Searcher
from tests.helpers.corpus import hit
from tests.helpers.generators import ScriptedGenerator

# The tests' index is built with all-MiniLM-L6-v2, whose gate constants hold a likelihood rule.
LIKELIHOOD_MODEL = GateSettings.fitted(embedder="all-MiniLM-L6-v2").likelihood_model


class WordScorer:
    """log P(question | passage) stand-in: -10 per question word missing from the passage."""

    def __init__(self) -> None:
        self.prefixes: list[str] = []

    def continuation_logprob(self, prefix: str, continuation: str) -> float:
        self.prefixes.append(prefix)
        return -10.0 * sum(w not in prefix for w in continuation.split())

    def token_count(self, text: str) -> int:
        return len(text.split())


def test_likelihood_reorders_passages_and_their_scores_agree() -> None:
    hits = [hit(1, "gaz et pétrole", 5.0), hit(2, "Aydos Sarym a démenti", 4.8), hit(3, "autre", 1.0)]
    scorer = WordScorer()
    out = LikelihoodReranker(scorer, weight=0.15).rerank("Aydos Sarym démenti", hits, "fr")
    assert [h.number for h in out] == [2, 1, 3]
    # 4.8 - 0, 5.0 - 0.15 * 30, 1.0 - 0.15 * 30: the combined score, best first
    assert [h.score for h in out] == pytest.approx([4.8, 0.5, -3.5])
    assert all(p.startswith("Texte : ") and p.endswith("\nQuestion : ") for p in scorer.prefixes)
    assert [h.score for h in hits] == [5.0, 4.8, 1.0]  # the caller's hits are left as they were


def test_a_large_search_lead_is_not_overturned_by_a_small_likelihood_gap() -> None:
    hits = [hit(1, "Aydos", 6.0), hit(2, "Aydos Sarym", 3.0)]
    out = LikelihoodReranker(WordScorer(), weight=0.15, margin=math.inf).rerank("Aydos Sarym", hits, "fr")
    assert [h.number for h in out] == [1, 2]  # 6.0 - 1.5 > 3.0


def test_only_close_calls_are_scored() -> None:
    """A search sure of its first passage keeps its order and costs no forward pass."""
    scorer = WordScorer()
    reranker = LikelihoodReranker(scorer, weight=1.0, margin=0.5)
    sure = [hit(1, "Aydos", 5.0), hit(2, "Aydos Sarym", 4.4), hit(3, "autre", 1.0)]
    out = reranker.rerank("Aydos Sarym", sure, "fr")
    assert [h.number for h in out] == [1, 2, 3] and [h.score for h in out] == [5.0, 4.4, 1.0]
    assert scorer.prefixes == []
    # Scores already taken (the embedded model's, for its gate) are applied whatever the margin.
    assert [h.number for h in reranker.reorder(sure, [-10.0, 0.0, 0.0])] == [2, 3, 1]
    unsure = [hit(1, "Aydos", 5.0), hit(2, "Aydos Sarym", 4.6), hit(3, "autre", 1.0)]
    assert [h.number for h in reranker.rerank("Aydos Sarym", unsure, "fr")] == [2, 1, 3]
    assert len(scorer.prefixes) == 3


def test_english_questions_use_the_english_template_and_one_pass_per_passage() -> None:
    hits = [hit(i, f"passage {i}", 10.0 - 0.1 * i) for i in range(1, 4)]
    scorer = WordScorer()
    LikelihoodReranker(scorer).rerank("passage 7", hits, "en")
    assert len(scorer.prefixes) == 3 and all(p.startswith("Text: ") for p in scorer.prefixes)


def test_the_gates_likelihood_gain_is_per_question_token() -> None:
    """The best passage's log-likelihood over the question's prior, divided by its tokens: a long
    question gains more nats from any passage on its subject than a short one from its answer."""
    scorer = WordScorer()  # the prior of a question of n words: -10 n
    reranker = LikelihoodReranker(scorer)
    assert reranker.gain("Aydos Sarym démenti", [-12.0, -5.0], "fr") == pytest.approx((-5.0 + 30.0) / 3)
    assert scorer.prefixes == ["Question : "]
    long = "Aydos Sarym a démenti la rumeur sur le retrait de l'OTSC hier soir"
    assert reranker.gain(long, [-115.0], "fr") < reranker.gain("Aydos Sarym", [-5.0], "fr")
    assert reranker.gain("Aydos", [], "fr") == 0.0


def test_no_reranker_without_a_model_that_can_score() -> None:
    assert reranker_for(None) is None
    assert reranker_for(ScriptedGenerator("x")) is None  # e.g. a server behind --llm-url


class ScoringScripted(ScriptedGenerator, WordScorer):
    def __init__(self, text: str) -> None:
        ScriptedGenerator.__init__(self, text, follows_instructions=False)
        WordScorer.__init__(self)


def test_another_model_reranks_answers_but_never_scores_abstentions(searcher: Searcher) -> None:
    """The gate's likelihood weights are the embedded model's: another GGUF scores after it."""
    gen = ScoringScripted("")
    assistant = Assistant(searcher, gen, AnswerSettings(k=4))
    assert assistant.reranker is not None and not assistant.reranker.calibrated
    a = assistant.ask("Quel temps fera-t-il au printemps prochain ?")
    assert a.abstained and gen.prefixes == []
    s = assistant.settings
    assistant.settings = replace(
        s, reranking=replace(s.reranking, margin=math.inf)
    )  # every search a close call
    a = assistant.ask("Qui a démenti la rumeur sur l'OTSC ?")
    assert not a.abstained and len(gen.prefixes) == 4 and "rerank_ms" in a.timings
    assert Assistant(searcher, gen, AnswerSettings(rerank=False)).reranker is None


class Calibrated(ScoringScripted):
    """A scorer standing for the embedded model, whose name the gate's weights belong to."""

    def __init__(self, lift: float) -> None:
        super().__init__("")
        self.name = LIKELIHOOD_MODEL
        self.lift = lift  # log-likelihood gained by reading any passage

    def continuation_logprob(self, prefix: str, _continuation: str) -> float:
        self.prefixes.append(prefix)
        return -40.0 + (self.lift if prefix.startswith("Texte") else 0.0)


def test_with_the_embedded_model_the_likelihood_gain_decides_before_any_answer(searcher: Searcher) -> None:
    q = "Qui a démenti la rumeur sur l'OTSC ?"
    sure = Calibrated(lift=40.0)
    a = Assistant(searcher, sure, AnswerSettings(k=4)).ask(q)
    # The 4 passages and the question alone (the prior) are scored once, before the gate.
    assert not a.abstained and len(sure.prefixes) == 5 and sure.prefixes[-1] == "Question : "
    flat = Calibrated(lift=-40.0)  # no passage makes the question any likelier: nothing answers it
    a = Assistant(searcher, flat, AnswerSettings(k=4)).ask(q)
    assert a.abstained and len(flat.prefixes) == 5 and a.citations == []
    # A question about a name no briefing mentions is refused without scoring anything.
    unknown = Calibrated(lift=40.0)
    assert (
        Assistant(searcher, unknown, AnswerSettings(k=4)).ask("Qu'a démenti Zorblax sur l'OTSC ?").abstained
    )
    assert unknown.prefixes == []


@pytest.fixture(scope="module")
def gemma():  # type: ignore[no-untyped-def]
    from assistant.models.llm import LlamaCppGenerator
    from assistant.models.resolve import resolve_llm

    return LlamaCppGenerator(resolve_llm(None), n_ctx=2048)


@pytest.mark.slow  # the real GGUF
def test_real_model_finds_the_question_likelier_after_its_answer(gemma) -> None:  # type: ignore[no-untyped-def]
    question = "Qui a démenti la rumeur selon laquelle le Kazakhstan allait quitter l'OTSC ?"
    right = (
        "Une rumeur suggérant que le Kazakhstan s'apprêtait à quitter l'OTSC a été démentie par Aydos Sarym."
    )
    wrong = "La Commission européenne a proposé un plafond du prix du gaz à 275 euros le mégawattheure."
    reranker = LikelihoodReranker(gemma, likelihood_model=LIKELIHOOD_MODEL)
    good, bad = reranker.loglik(question, right, "fr"), reranker.loglik(question, wrong, "fr")
    assert bad < good < 0
    # Reading the answer makes the question likelier than reading nothing: the gate's gain.
    prior = reranker.prior(question, "fr")
    assert reranker.calibrated and good - prior > 5.0
    per_token = (good - prior) / gemma.token_count(question)
    assert reranker.gain(question, [bad, good], "fr") == pytest.approx(per_token, abs=1e-3)
    assert 10 < gemma.token_count(question) < 40
    assert reranker.loglik(question, right, "fr") == pytest.approx(good, abs=1e-3)  # no state left behind
    # The same loaded model still generates afterwards.
    assert "".join(gemma.stream("", "Le ciel est", max_tokens=4)).strip()


def test_the_chat_pages_one_at_a_time_model_still_reranks() -> None:
    from assistant.chat.service import _OneAtATime

    wrapped = _OneAtATime(ScoringScripted(""))  # type: ignore[arg-type]
    reranker = reranker_for(wrapped)
    assert reranker is not None
    hits = [hit(1, "gaz", 5.0), hit(2, "Aydos Sarym a démenti", 4.9)]
    assert [h.number for h in reranker.rerank("Aydos Sarym", hits, "fr")] == [2, 1]
