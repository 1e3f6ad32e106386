"""The extractive answer's choices: which passage (retrieval prior), which span (the answering sentence)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer.extract import (
    ContextPassage,
    extractive_answer,
    needs_context,
    widen,
)
from assistant.settings import QuoteSettings

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


KARIBA = ContextPassage(1, "k", PARAGRAPH, "kariba.txt", briefing_date="2022-09-15")
# The tighter rule bench/quote_length.py measures (extract.toml says why it is not the default):
# the answering sentence, with the neighbour it needs to be read alone.
QUOTE_RULE = QuoteSettings.fitted()
TIGHT = replace(QUOTE_RULE, widen_to=1, second_margin=0.15, max_quote_chars=450, max_quotes_chars=600)
MAX_QUOTES_CHARS = TIGHT.max_quotes_chars


def test_the_default_quote_widens_the_best_sentence_to_its_neighbours() -> None:
    v = extractive_answer("En quelle année le barrage de Kariba fut-il achevé ?", [KARIBA], "fr")
    (quote,) = v.citations[0].quotes
    assert quote.startswith("Le barrage de Kariba fut achevé en 1959. Il retient le lac Kariba")
    assert len(quote) <= QUOTE_RULE.max_quote_chars and quote in PARAGRAPH


def quote_of(question: str, passage: ContextPassage = KARIBA) -> str:
    v = extractive_answer(question, [passage], "fr", rule=TIGHT)
    assert len(v.citations) == 1 and v.text.count("[1]") == 1
    (quote,) = v.citations[0].quotes
    return quote


def test_a_quote_is_the_answering_sentence_alone_when_it_suffices() -> None:
    assert quote_of("En quelle année le barrage de Kariba fut-il achevé ?") == (
        "Le barrage de Kariba fut achevé en 1959"
    )


def test_a_pronoun_led_sentence_brings_its_predecessor() -> None:
    assert quote_of("Quel lac retient-il sur le Zambèze ?") == (
        "Le barrage de Kariba fut achevé en 1959. Il retient le lac Kariba sur le Zambèze"
    )
    text = "Kassym-Jomart Tokaïev est né à Almaty. Il a été formé au MGIMO, à Moscou, puis à Pékin."
    assert quote_of("Où Tokaïev a-t-il été formé ?", ContextPassage(1, "t", text, "t.txt")) == text[:-1]


def test_a_very_short_sentence_brings_a_neighbour() -> None:
    quote = quote_of("Combien de mégawatts la centrale produit-elle ?")
    assert quote.endswith("La centrale produit 1 626 mégawatts") and quote.count(". ") == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Il retient le lac Kariba sur le Zambèze, le plus grand lac artificiel du monde.",
        "Cette information a été démentie ce matin par le porte-parole du ministère.",
        "C’est le plus grand barrage d’Afrique australe, achevé après six ans de travaux.",
        "« Elle » a dit, ce matin, que tout allait très bien dans le meilleur des mondes.",
        "They retook 38 towns in the Kharkiv region during the counter-offensive last week.",
        "Court.",
    ],
)
def test_sentences_that_cannot_be_read_alone(sentence: str) -> None:
    assert needs_context(sentence, TIGHT)


@pytest.mark.parametrize(
    "sentence",
    [
        "Le barrage de Kariba fut achevé en 1959 sur le Zambèze, entre la Zambie et le Zimbabwe.",
        "Ilham Aliyev a rencontré le président arménien à Bruxelles en présence de Charles Michel.",
        "Celsius est une entreprise de prêt de cryptomonnaies qui a fait faillite en juillet.",
    ],
)
def test_sentences_that_can(sentence: str) -> None:
    assert not needs_context(sentence, TIGHT)


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
SPEECH_NEAR = "Qu'a dit la reine mère sur le barrage ?"  # both sentences match it as well


def test_the_bullets_second_best_sentence_is_quoted_only_when_it_scores_nearly_as_well() -> None:
    p = ContextPassage(1, "k", INAUGURATION, "kariba.txt", briefing_date="1960-05-17")
    v = extractive_answer(SPEECH_NEAR, [p], "fr", rule=TIGHT)
    (citation,) = v.citations
    first, second = citation.quotes
    assert first.startswith("Le barrage de Kariba fut inauguré") and "« au service de deux pays »" in second
    assert first in INAUGURATION and second in INAUGURATION
    assert INAUGURATION.index(first) + len(first) < INAUGURATION.index(second)  # reading order, apart
    assert len(first) + len(second) <= MAX_QUOTES_CHARS
    assert v.text.count("[1]") == 1 and "» … «" in v.text
    # The question names Kariba, which only the first sentence says: that sentence alone.
    (quote,) = extractive_answer(SPEECH, [p], "fr", rule=TIGHT).citations[0].quotes
    assert quote == "Le barrage de Kariba fut inauguré par la reine mère en mai 1960"


def test_a_second_sentence_next_to_the_first_extends_it() -> None:
    text = INAUGURATION.replace(FILLER * 3, "")  # the speech now follows the first sentence
    v = extractive_answer(SPEECH_NEAR, [ContextPassage(1, "k", text, "kariba.txt")], "fr", rule=TIGHT)
    (quote,) = v.citations[0].quotes
    assert quote == text[:-1]


def test_no_second_quote_beyond_the_length_limit() -> None:
    long_speech = INAUGURATION.replace(
        "Dans son discours,", "Dans son discours, " + "très " * (MAX_QUOTES_CHARS // 5)
    )
    p = ContextPassage(1, "k", long_speech, "kariba.txt")
    v = extractive_answer(SPEECH_NEAR, [p], "fr", rule=TIGHT)
    assert len(v.citations[0].quotes) == 1 and v.citations[0].quotes[0].startswith("Le barrage de Kariba")


@pytest.mark.parametrize(
    "question",
    [
        "En quelle année le barrage de Kariba fut-il achevé ?",
        "Quel lac retient-il sur le Zambèze ?",
        "Combien de personnes la construction du barrage a-t-elle déplacées ?",
        "Combien de mégawatts la centrale produit-elle ?",
        SPEECH,
        SPEECH_NEAR,
    ],
)
def test_quotes_stay_verbatim(question: str) -> None:
    context = [KARIBA, ContextPassage(2, "i", INAUGURATION, "i.txt")]
    v = extractive_answer(question, context, "fr")
    assert v.citations and all(q and q in c.passage.text for c in v.citations for q in c.quotes)


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
