"""The short answer: the reader's words are kept only when they are verbatim in the quote."""

from __future__ import annotations

import re

import pytest

from assistant.answer.pipeline import AnswerSettings, Assistant
from assistant.answer.short import (
    MAX_TOKENS,
    align_in_quote,
    reader_prompt,
    short_answer,
    span_in_quote,
    spelt_out,
)
from assistant.chat.render import highlight
from assistant.cli.eval import squad_normal, token_f1
from index.search.hybrid import Searcher
from tests.helpers.generators import ScriptedGenerator

QUOTE = "Formé au MGIMO de Moscou entre 1970 et 1975, il a ensuite servi à l’ambassade de Pékin"
QUESTION = "Qui a démenti la rumeur sur l'OTSC ?"


def test_a_span_inside_the_quote_is_kept_in_the_quotes_own_characters() -> None:
    reader = ScriptedGenerator(" « mgimo de moscou ».")
    found = short_answer(reader, "Où a-t-il été formé ?", [QUOTE], "fr")
    assert found is not None and found.text == "MGIMO de Moscou" and found.text in QUOTE
    (max_tokens, stop), system = reader.limits[0], reader.calls[0][0]
    assert max_tokens == MAX_TOKENS and stop == ["\n"] and "Extrait" in system
    assert span_in_quote("l'ambassade de Pékin", QUOTE) == "l’ambassade de Pékin"
    assert span_in_quote("50%", "près de 50 % du budget") == "50 %"


@pytest.mark.parametrize(
    "reply",
    [
        "MGIMO de Saint-Pétersbourg",  # not in the quote
        "GIMO de Mosc",  # in it, but not on word boundaries
        "Je ne sais pas.",
        "I don't know",
        "",
        QUOTE + ".",  # the whole quote says nothing shorter
    ],
)
def test_no_short_answer_for_a_span_outside_the_quote_a_refusal_or_the_whole_quote(reply: str) -> None:
    assert short_answer(ScriptedGenerator(reply), "Où a-t-il été formé ?", [QUOTE], "fr") is None


MEAL = (
    "Le repas gastronomique se compose d'une entrée, d'un plat garni et d'un dessert, servis dans cet ordre."
)
DOM = "La Guadeloupe, la Guyane, la Martinique, La Réunion et, depuis 2011, Mayotte sont des départements d'outre-mer."


@pytest.mark.parametrize(
    ("reply", "quote", "expected"),
    [
        # abridged: the quote's own words between the first and the last the reader wrote
        ("entrée, plat garni, dessert", MEAL, "entrée, d'un plat garni et d'un dessert"),
        ("La Guadeloupe, la Guyane, la Martinique, La Réunion et Mayotte", DOM,
         "Guadeloupe, la Guyane, la Martinique, La Réunion et, depuis 2011, Mayotte"),
        # a list cut off by the token limit in the middle of a word
        ("Guadeloupe, la Guyane, la Martiniq", DOM, "Guadeloupe, la Guyane"),
        # a number with its sign, the reader's spacing aside
        ("99,4%", "Le oui l'a emporté avec 99,4 % des voix.", "99,4 %"),
    ],
)  # fmt: skip
def test_words_not_in_the_quote_as_written_give_the_quotes_closest_span(
    reply: str, quote: str, expected: str
) -> None:
    found = short_answer(ScriptedGenerator(reply), "Quoi ?", [quote], "fr")
    assert found is not None and found.text == expected and found.text in quote


@pytest.mark.parametrize(
    "reply",
    [
        "MGIMO de Saint-Pétersbourg",  # half its words are the quote's, ending on "de"
        "à l'université de Harvard",  # only common words shared
        "Pékin et Shanghai en 1980",  # one word of four
    ],
)
def test_words_that_match_no_span_closely_enough_give_no_short_answer(reply: str) -> None:
    assert align_in_quote(reply, QUOTE) is None
    assert short_answer(ScriptedGenerator(reply), "Où ?", [QUOTE], "fr") is None


@pytest.mark.parametrize(
    ("reply", "quote", "expected"),
    [
        ("4", "Le Land de Berlin compte quatre représentants au Bundesrat.", "quatre"),
        ("7 membres", "Le groupe compte sept membres depuis 1975.", "sept membres"),
        ("3", "Three Hungarian physicists joined the project.", "Three"),
        ("1 place", "La France gagne une place au classement.", "une place"),
    ],
)
def test_a_number_in_digits_finds_the_quotes_number_written_out(
    reply: str, quote: str, expected: str
) -> None:
    found = short_answer(ScriptedGenerator(reply), "Combien ?", [quote], "fr")
    assert found is not None and found.text == expected and found.text in quote


@pytest.mark.parametrize(
    ("reply", "quote"),
    [
        ("1", "Elle a été élue pour un mandat renouvelable, une fois au plus."),  # un, une: articles
        ("100", "Wages rose by 10 per cent across the company."),  # a number alone above 20
        ("9", "La réunion a eu lieu près du Pont-Neuf."),  # part of a compound
        ("80", "Il y a quatre-vingt députés."),
        ("7", "The summit opened on Sept. 11 in Geneva."),  # an abbreviation
    ],
)
def test_a_number_word_that_is_something_else_is_no_short_answer(reply: str, quote: str) -> None:
    assert short_answer(ScriptedGenerator(reply), "Combien ?", [quote], "fr") is None


def test_only_whole_numbers_are_spelt_out() -> None:
    assert spelt_out("7 membres") == ["sept membres", "seven membres"]
    for words in ("12 000", "12\u202f000", "3,8", "14.30", "1er", "2e", "14h30", "MGIMO"):
        assert spelt_out(words) == [], words


def test_digits_found_as_written_are_not_spelt_out_and_grouped_numbers_stay_whole() -> None:
    quote = "Le club compte 4 équipes et quatre entraîneurs pour 12 000 licenciés."
    assert short_answer(ScriptedGenerator("4"), "Combien d'équipes ?", [quote], "fr").text == "4"  # type: ignore[union-attr]
    # "12 000" is one number: no "douze" is looked for in « 12 000 »
    assert short_answer(ScriptedGenerator("12 000"), "Combien ?", [quote], "fr").text == "12 000"  # type: ignore[union-attr]
    assert short_answer(ScriptedGenerator("5"), "Combien ?", [quote], "fr") is None


def test_a_year_the_quote_gives_as_a_decade_keeps_its_decade_words() -> None:
    quote = "Il joue en équipe de France dans les années 1920, puis entraîne le club en 1935."
    found = short_answer(ScriptedGenerator("1920"), "Quand joue-t-il en équipe de France ?", [quote], "fr")
    assert found is not None and found.text == "les années 1920"
    found = short_answer(ScriptedGenerator("1935"), "Quand entraîne-t-il le club ?", [quote], "fr")
    assert found is not None and found.text == "1935"
    # the decade is where the year was found, whatever the space before it
    founded = "Fondé en 1920, le club domine le championnat dans les années 1920."
    assert short_answer(ScriptedGenerator("1920"), "Quand ?", [founded], "fr").text == "1920"  # type: ignore[union-attr]
    spaced = "Il joue en équipe de France dans les années\u00a01920."
    assert short_answer(ScriptedGenerator("1920"), "Quand ?", [spaced], "fr").text == "les années\u00a01920"  # type: ignore[union-attr]
    # a decade that is the whole quote says nothing shorter
    assert short_answer(ScriptedGenerator("1920"), "Quand ?", ["Les années 1920."], "fr") is None


def test_words_that_only_repeat_the_question_give_no_short_answer() -> None:
    quote = "Il jouera Périclès, prince de Tyr, auprès de Nelly Borgeaud au théâtre de l'Atelier."
    question = "Quel rôle jouera-t-il auprès de Nelly Borgeaud ?"
    assert short_answer(ScriptedGenerator("Nelly Borgeaud"), question, [quote], "fr") is None
    found = short_answer(ScriptedGenerator("Périclès, prince de Tyr"), question, [quote], "fr")
    assert found is not None and found.text == "Périclès, prince de Tyr"


def test_the_fixed_part_is_the_same_for_every_question_and_the_rest_stays_short() -> None:
    """llama.cpp reuses the fixed instruction's cache from one question to the next, so only the
    quote and the question are evaluated: they stay under 200 tokens for a long quote."""
    long_quote = " ".join([QUOTE + "."] * 12)
    for language in ("fr", "en"):
        system, user = reader_prompt(
            "Où le ministre a-t-il été formé avant de servir ? " * 6, long_quote, language
        )
        other_system, _ = reader_prompt("Qui ?", QUOTE, language)
        assert system == other_system
        assert user.startswith(("Extrait", "Excerpt"))  # the fixed part comes first, in the system prompt
        # A rough word-piece count: a word of n characters is ceil(n / 4) pieces, a sign is one.
        pieces = sum(-(-len(w) // 4) for w in re.findall(r"\w+|[^\w\s]", user))
        assert pieces < 200, (language, pieces)


@pytest.mark.slow  # the real tokenizer of the reader
def test_the_per_question_part_stays_under_200_real_tokens() -> None:
    from llama_cpp import Llama

    from assistant.models.resolve import resolve_llm

    try:
        path = resolve_llm("qwen2.5-coder-0.5b-instruct-q4_k_m")
    except Exception as exc:
        pytest.skip(f"no reader installed: {exc}")
    llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
    long_quote = " ".join([QUOTE + "."] * 12)
    for language in ("fr", "en"):
        system, user = reader_prompt(
            "Où le ministre a-t-il été formé avant de servir ? " * 6, long_quote, language
        )
        fixed = f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n"
        rest = f"{user}<|im_end|>\n<|im_start|>assistant\n"
        assert len(llm.tokenize(rest.encode(), special=True)) < 200
        assert len(llm.tokenize((fixed + rest).encode(), special=True)) < 600  # within the reader's 1,024


def test_the_answer_leads_with_the_short_answer_and_a_base_model_generates_nothing(
    searcher: Searcher,
) -> None:
    base = ScriptedGenerator("ignored", follows_instructions=False)
    reader = ScriptedGenerator("Aydos Sarym", name="reader")
    answer = Assistant(searcher, base, AnswerSettings(k=4), reader).ask(QUESTION)
    assert base.calls == []  # nothing generated only to be discarded
    assert answer.short_answer == "Aydos Sarym"
    assert answer.text.startswith("Aydos Sarym [1] — Selon le briefing du 15 septembre 2022, « ")
    assert any("Aydos Sarym" in q for q in answer.citations[0]["quotes"])
    j = answer.as_json()
    assert j["short_answer"] == "Aydos Sarym" and j["model"]["reader"] == "reader"
    assert answer.timings["short_ms"] >= 0 and answer.timings["first_token_ms"] > 0
    assert "Aydos Sarym" in reader.calls[0][1] and QUESTION in reader.calls[0][1]


def test_without_a_reader_or_with_a_refusal_the_answer_is_as_before(searcher: Searcher) -> None:
    plain = Assistant(searcher, None, AnswerSettings(k=4)).ask(QUESTION)
    assert plain.short_answer is None and plain.as_json()["short_answer"] is None
    assert plain.model["reader"] == "none" and plain.text.startswith("Selon le briefing")
    refused = Assistant(searcher, None, AnswerSettings(k=4), ScriptedGenerator("je ne sais pas")).ask(
        QUESTION
    )
    assert refused.short_answer is None and refused.text == plain.text


def test_a_reader_that_fails_costs_the_short_answer_not_the_answer(searcher: Searcher) -> None:
    from assistant.models.registry import ModelError

    plain = Assistant(searcher, None, AnswerSettings(k=4)).ask(QUESTION)
    broken = ScriptedGenerator(
        "x", name="reader", error=ModelError("model reader is damaged: replace the file")
    )
    assistant = Assistant(searcher, None, AnswerSettings(k=4), broken)
    answer = assistant.ask(QUESTION)
    assert answer.short_answer is None and answer.text == plain.text and not answer.abstained
    assert answer.model["reader_error"] == "model reader is damaged: replace the file"
    assistant.ask(QUESTION)
    assert len(broken.calls) <= 1  # not tried again on the next question


def test_no_reader_runs_on_an_abstention(searcher: Searcher) -> None:
    reader = ScriptedGenerator("Paris")
    answer = Assistant(searcher, None, AnswerSettings(k=4), reader).ask(
        "Quelle est la recette du cassoulet ?"
    )
    assert answer.abstained and answer.short_answer is None and reader.calls == []


def test_the_sources_panel_shows_the_short_answer_inside_the_quote() -> None:
    passage = "Contexte. " + QUOTE + ". Suite."
    html = highlight(passage, [QUOTE], "MGIMO de Moscou")
    assert '<mark>Formé au <strong class="short">MGIMO de Moscou</strong> entre 1970' in html
    assert "<strong" not in highlight(passage, [QUOTE], "Suite")  # only inside a quote


def test_squad_normalisation_keeps_accents() -> None:
    assert squad_normal("L’Élysée, le 3 mai.") == "élysée 3 mai"
    assert token_f1("au MGIMO de Moscou", "MGIMO de Moscou") == 1.0
    assert token_f1("Moscou", "MGIMO de Moscou") == pytest.approx(2 / 3)
    assert token_f1("Elysee", "Élysée") == 0.0
