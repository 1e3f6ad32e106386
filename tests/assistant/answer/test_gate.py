"""The abstention rule: three absolute signals, weighed by a fixed linear rule."""

from __future__ import annotations

import pytest

from assistant.answer.gate import Evidence, evidence
from assistant.settings import GateSettings
from index.search.hybrid import Searcher

GATE = GateSettings.fitted()
THRESHOLD, W_COSINE, W_COVERAGE, W_LEXICAL = GATE.threshold, GATE.w_cosine, GATE.w_coverage, GATE.w_lexical


def test_the_rule_is_a_weighted_sum_against_a_threshold() -> None:
    e = Evidence(coverage=0.5, lexical=0.2, cosine=0.4)
    assert e.score == pytest.approx(W_COVERAGE * 0.5 + W_LEXICAL * 0.2 + W_COSINE * 0.4)
    assert Evidence(1.0, 0.5, 0.6).answerable
    assert not Evidence(0.0, 0.0, 0.0).answerable
    # Each signal pushes the same way: raising one never turns an answer into an abstention.
    base = Evidence(0.3, 0.1, 0.3)
    assert not base.answerable
    assert Evidence(0.3 + THRESHOLD / W_COVERAGE, 0.1, 0.3).answerable
    assert Evidence(0.3, 0.1 + THRESHOLD / W_LEXICAL, 0.3).answerable
    assert Evidence(0.3, 0.1, 0.3 + THRESHOLD / W_COSINE).answerable


def test_a_question_about_the_briefings_passes(searcher: Searcher) -> None:
    q = "Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?"
    e = evidence(searcher, q, searcher.search(q, 5))
    assert e.answerable and e.coverage > 0.5


def test_a_question_about_names_the_briefings_never_mention_abstains(searcher: Searcher) -> None:
    q = "Quelle est la capitale du Wakanda selon Zorblax ?"
    e = evidence(searcher, q, searcher.search(q, 5))
    assert not e.answerable and e.coverage < 0.25
    assert evidence(searcher, q, []) == Evidence(0.0, 0.0, 0.0)


def test_lexical_strength_and_cosine_are_absolute_not_scaled_per_query(searcher: Searcher) -> None:
    on = "gas price cap proposed by the European Commission"
    off = "price of bread in Lyon"
    assert searcher.lexical_strength(on) > searcher.lexical_strength(off) > 0.0
    assert searcher.lexical_strength("Zorblax") == 0.0
    top = searcher.search("gas price cap European Commission", 1)[0]
    assert searcher.cosine("gas price cap European Commission", top.row) > searcher.cosine(
        "recipe for chocolate cake", top.row
    )


def test_a_question_about_a_name_no_briefing_mentions_abstains(searcher: Searcher) -> None:
    """Strong overlap with a passage does not save a question about someone else."""
    known = "Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?"
    other = "Qu'a démenti Jean Chaintron sur le Kazakhstan et l'OTSC ?"
    e = evidence(searcher, other, searcher.search(other, 5), "fr")
    assert e.unknown == ("Jean", "Chaintron") and e.score >= THRESHOLD and not e.answerable
    misspelt = "Qu'a démenti Aydos Sarim sur le Kazakstan et l'OTSC ?"
    assert evidence(searcher, misspelt, searcher.search(misspelt, 5), "fr").answerable
    assert evidence(searcher, known, searcher.search(known, 5), "fr").unknown == ()


def test_names_are_not_checked_in_a_language_the_archive_is_not_written_in(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English question may name "Germany" where French briefings say "Allemagne"."""
    q = "What did Jean Chaintron deny about Kazakhstan and the OTSC?"
    hits = searcher.search(q, 5)
    assert evidence(searcher, q, hits, "fr").unknown == ("Jean", "Chaintron")
    monkeypatch.setattr(searcher, "languages", ["fr"])  # a French-only archive, for this test only
    assert evidence(searcher, q, hits, "en").unknown == ()


def test_with_the_likelihood_gain_the_embedded_models_weights_decide() -> None:
    gate = GATE
    e = Evidence(0.5, 0.2, 0.4, gain=10.0)
    assert e.score == pytest.approx(
        gate.l_coverage * 0.5 + gate.l_lexical * 0.2 + gate.l_cosine * 0.4 + gate.l_gain * 10.0
    )
    # The gain pushes the same way as the other signals: enough of it answers, none refuses.
    middling = Evidence(0.4, 0.2, 0.4)
    assert Evidence(0.4, 0.2, 0.4, gain=gate.l_threshold / gate.l_gain).answerable
    assert not Evidence(0.4, 0.2, 0.4, gain=0.0).answerable
    assert not Evidence(1.0, 1.0, 1.0, unknown=("Zorblax",), gain=100.0).answerable
    assert middling.gain is None and middling.score == pytest.approx(
        W_COVERAGE * 0.4 + W_LEXICAL * 0.2 + W_COSINE * 0.4
    )


def test_a_gate_of_other_constants_decides_without_touching_the_fitted_one() -> None:
    from dataclasses import replace

    strict = replace(GATE, threshold=GATE.threshold + 100)
    assert Evidence(1.0, 1.0, 1.0).answerable
    assert not Evidence(1.0, 1.0, 1.0, rule=strict).answerable
    assert GateSettings.fitted().threshold == THRESHOLD
