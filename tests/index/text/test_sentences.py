"""Quotations and sentence ends: cuts where a reader sees a sentence end, and nowhere else."""

from __future__ import annotations

from index.text.sentences import QuoteSpan, block_sentence_ends, quote_spans, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_quotations_are_the_outermost_balanced_pairs() -> None:
    text = 'Il a dit « non, « jamais » » puis "oui" et « rien'
    spans = quote_spans(text)
    assert [text[q.open + 1 : q.close] for q in spans] == [" non, « jamais » ", "oui"]  # « rien: unclosed
    assert spans[0] == QuoteSpan(text.index("«"), text.rindex("»"))


def test_sentences_end_at_a_stop_before_a_capital_or_a_digit() -> None:
    assert sentences("Le barrage fut achevé en 1959. Il retient le lac.  2 000 personnes ! Fin") == [
        "Le barrage fut achevé en 1959.",
        "Il retient le lac.",
        "2 000 personnes !",
        "Fin",
    ]


def test_no_cut_after_an_abbreviation_an_initial_or_inside_a_decimal() -> None:
    assert sentences("M. Dupont a vu Mme Martin. J. Biden aussi, etc. Puis 3.5 % de hausse.") == [
        "M. Dupont a vu Mme Martin.",
        "J. Biden aussi, etc. Puis 3.5 % de hausse.",
    ]
    assert sentences("Le 15 sept. 2022 il part. Le reste suit.") == [
        "Le 15 sept. 2022 il part.",
        "Le reste suit.",
    ]


def test_no_cut_inside_a_quotation_but_a_line_break_always_cuts() -> None:
    text = "Il a déclaré : « Nous partons. Ils restent. » Puis il est parti.\nNouvelle ligne"
    assert sentences(text) == [
        "Il a déclaré : « Nous partons. Ils restent. » Puis il est parti.",
        "Nouvelle ligne",
    ]


def test_no_cut_before_a_lower_case_word() -> None:
    assert sentences("Il part. et revient.") == ["Il part. et revient."]


def test_a_block_is_cut_after_its_markers_but_not_after_an_initial() -> None:
    text = "Le pays vote.[1] M. Dupont gagne. J. Smith perd! suite en minuscule. Fin."
    ends = block_sentence_ends(text)
    assert [text[:e] for e in ends] == [
        "Le pays vote.[1]",
        "Le pays vote.[1] M. Dupont gagne.",
        "Le pays vote.[1] M. Dupont gagne. J. Smith perd! suite en minuscule.",
    ]
