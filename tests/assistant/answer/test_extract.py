"""The extractive answer's choices: which passage (retrieval prior), which span (widening)."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.extract import (
    MAX_QUOTE_CHARS,
    MAX_QUOTES_CHARS,
    ContextPassage,
    extractive_answer,
    widen,
)

LONG = "Un mot de remplissage " * 30 + "sans rapport avec la question."
PARAGRAPH = (
    "Le barrage de Kariba fut achevé en 1959. Il retient le lac Kariba sur le Zambèze. "
    "Sa construction a déplacé 57 000 personnes. La centrale produit 1 626 mégawatts."
)


def sentences_of(quote: str) -> int:
    return quote.count(". ") + 1


def test_widen_takes_the_next_sentence_first_then_the_previous() -> None:
    spans = [PARAGRAPH[s:e] for s, e in [widen(PARAGRAPH, 1, 2, 1000)]]
    assert spans == ["Il retient le lac Kariba sur le Zambèze. Sa construction a déplacé 57 000 personnes."]
    s, e = widen(PARAGRAPH, 1, 3, 1000)
    assert PARAGRAPH[s:e].startswith("Il retient") and PARAGRAPH[s:e].endswith("mégawatts.")
    s, e = widen(PARAGRAPH, 3, 2, 1000)  # the last sentence has no next one: the previous one
    assert PARAGRAPH[s:e].startswith("Sa construction")


def test_widen_stays_within_the_length_limit_but_keeps_a_long_best_sentence() -> None:
    s, e = widen(PARAGRAPH, 1, 3, 60)
    assert PARAGRAPH[s:e] == "Il retient le lac Kariba sur le Zambèze."
    text = "Court. " + LONG
    s, e = widen(text, 1, 3, 40)
    assert text[s:e] == LONG  # longer than the limit, yet never cut inside a sentence


def test_extractive_quote_is_the_answering_sentence_with_its_neighbour() -> None:
    p = ContextPassage(1, "k", PARAGRAPH, "kariba.txt", briefing_date="2022-09-15")
    v = extractive_answer("Combien de personnes la construction du barrage a-t-elle déplacées ?", [p], "fr")
    quote = v.citations[0].quotes[0]
    assert "57 000 personnes" in quote and quote in PARAGRAPH
    assert 2 <= sentences_of(quote) <= 3 and len(quote) <= MAX_QUOTE_CHARS
    assert len(v.citations) == 1 and "[1]" in v.text


FILLER = (
    "Les travaux ont mobilisé des milliers d'ouvriers venus de toute la région pendant plusieurs "
    "années difficiles, sous une chaleur écrasante et avec des crues répétées du fleuve. "
)
INAUGURATION = (
    "Le barrage de Kariba fut inauguré par la reine mère en mai 1960. "
    + FILLER * 3
    + "Dans son discours, la reine mère salua un barrage « au service de deux pays »."
)
SPEECH = "Qu'a dit la reine mère en inaugurant le barrage de Kariba ?"


def test_the_bullets_second_best_sentence_is_quoted_beside_the_widened_one() -> None:
    p = ContextPassage(1, "k", INAUGURATION, "kariba.txt", briefing_date="1960-05-17")
    v = extractive_answer(SPEECH, [p], "fr")
    (citation,) = v.citations
    first, second = citation.quotes
    assert first.startswith("Le barrage de Kariba fut inauguré") and "« au service de deux pays »" in second
    assert first in INAUGURATION and second in INAUGURATION
    assert INAUGURATION.index(first) + len(first) < INAUGURATION.index(second)  # reading order, apart
    assert len(first) + len(second) <= MAX_QUOTES_CHARS
    assert v.text.count("[1]") == 1 and "» … «" in v.text


def test_a_second_sentence_next_to_the_widened_quote_extends_it() -> None:
    text = INAUGURATION.replace(FILLER * 3, FILLER * 2)  # the speech now follows the widened quote
    v = extractive_answer(SPEECH, [ContextPassage(1, "k", text, "kariba.txt")], "fr")
    (quote,) = v.citations[0].quotes
    assert (
        quote.startswith("Le barrage de Kariba") and "« au service de deux pays »" in quote and quote in text
    )


def test_no_second_quote_beyond_the_length_limit() -> None:
    long_speech = INAUGURATION.replace("Dans son discours,", "Dans son discours, " + "très " * 80)
    p = ContextPassage(1, "k", long_speech, "kariba.txt")
    v = extractive_answer(SPEECH, [p], "fr")
    assert len(v.citations[0].quotes) == 1 and v.citations[0].quotes[0].startswith("Le barrage de Kariba")


def test_retrieval_score_lets_a_close_second_win_on_a_better_sentence_but_not_a_distant_one() -> None:
    weak = ContextPassage(1, "a", "Le barrage de Kariba attire des touristes.", "a.txt")
    strong = ContextPassage(2, "b", PARAGRAPH, "b.txt")
    question = "En quelle année le barrage de Kariba fut-il achevé ?"
    close = [replace(weak, score=5.0), replace(strong, score=4.9)]
    assert extractive_answer(question, close, "fr", min_share=0.1).citations[0].passage.id == "b"
    distant = [replace(weak, score=5.0), replace(strong, score=2.0)]
    distant_answer = extractive_answer(question, distant, "fr", min_share=0.1)
    assert distant_answer.citations[0].passage.id == "a"


def test_without_scores_the_rank_prior_decides_ties() -> None:
    a = ContextPassage(1, "a", "Le barrage de Kariba fut achevé en 1959.", "a.txt")
    b = ContextPassage(2, "b", "Le barrage de Kariba fut achevé en 1959.", "b.txt")
    v = extractive_answer("Quand le barrage de Kariba fut-il achevé ?", [a, b], "fr")
    assert v.citations[0].passage.id == "a"
