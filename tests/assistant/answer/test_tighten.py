"""The quote narrows to the sentence that holds the short answer only when the reader is sure."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answer.extract import Citation, ContextPassage, Verified, attribution
from assistant.answer.pipeline import AnswerSettings, Assistant
from assistant.answer.short import ShortAnswer
from assistant.answer.tighten import sentence_quote, tighten
from assistant.settings import NarrowSettings
from index.search.hybrid import Searcher
from tests.helpers.corpus import indexed
from tests.helpers.generators import ScriptedGenerator

MAX_CHARS = NarrowSettings.fitted().max_chars
MIN_CONFIDENCE = NarrowSettings.fitted().min_confidence

BACKGROUND = (
    "Le président Kassym-Jomart Tokayev a présidé hier à Astana un conseil de sécurité consacré "
    "aux frontières du Sud, en présence des gouverneurs des régions concernées et des chefs des "
    "services de renseignement"
)
TRAINING = "Formé au MGIMO de Moscou entre 1970 et 1975, le président a d'abord servi à l’ambassade de Pékin"
AFTER = (
    "Il parle couramment le chinois, l’anglais et le russe, et il a dirigé les Nations unies à "
    "Genève de 2011 à 2013 avant de revenir au gouvernement comme président du Sénat, poste qu’il "
    "a occupé jusqu’à son élection"
)
BULLET = f"{BACKGROUND}. {TRAINING}. {AFTER}."
BRIEFING = f"""\
  • {BULLET}1
Sources
  1. « Tokayev, un diplomate au pouvoir », Le Monde, 14 septembre 2022.
"""
QUESTION = "Où le président Tokayev a-t-il été formé ?"


def test_the_sentence_holding_the_span_with_the_one_before_when_it_points_back() -> None:
    at = BULLET.index("MGIMO")
    assert sentence_quote(BULLET, at, at + 15, max_chars=50) == TRAINING
    at = BULLET.index("Genève")
    pointing_back = sentence_quote(BULLET, at, at + 6, max_chars=50)
    assert pointing_back == f"{TRAINING}. {AFTER}"  # « Il parle… » is read with the sentence before


def test_the_sentence_grows_by_the_next_ones_within_the_limit_and_a_long_one_stays_whole() -> None:
    at = BULLET.index("Astana")
    assert sentence_quote(BULLET, at, at + 6, max_chars=len(BACKGROUND) + 5) == BACKGROUND
    two = sentence_quote(BULLET, at, at + 6, max_chars=len(BACKGROUND) + len(TRAINING) + 3)
    assert two == f"{BACKGROUND}. {TRAINING}"
    assert sentence_quote(BULLET, at, at + 6, max_chars=20) == BACKGROUND  # longer than 20, kept whole


def _verified(quotes: tuple[str, ...], fallback: bool = True) -> Verified:
    passage = ContextPassage(1, "b#1", BULLET, file="b.txt", briefing_date="2022-09-15", source="Le Monde")
    return Verified("Selon … [1].", [Citation(1, passage, quotes)], fallback=fallback)


def test_a_sure_reader_narrows_the_quote_and_the_text_is_rebuilt_around_it() -> None:
    wide = _verified((f"{BACKGROUND}. {TRAINING}",))
    short = ShortAnswer("MGIMO de Moscou", 0, "MGIMO de Moscou", confidence=MIN_CONFIDENCE + 1)
    narrowed = tighten(wide, short, "fr")
    assert narrowed.citations[0].quotes == (TRAINING,)
    assert TRAINING in BULLET and len(TRAINING) <= MAX_CHARS
    passage = narrowed.citations[0].passage
    assert narrowed.text == f"{attribution(passage, 'fr')}« {TRAINING} » [1]."
    assert narrowed.fallback and not narrowed.abstained


@pytest.mark.parametrize(
    ("confidence", "fallback"),
    [
        (MIN_CONFIDENCE - 1, True),  # not sure: a wrong sentence would hide the answer
        (None, True),  # a backend that gives no log-probabilities
        (MIN_CONFIDENCE + 1, False),  # an LLM-written answer keeps its own text
    ],
)
def test_otherwise_the_answer_is_left_as_it_is(confidence: float | None, fallback: bool) -> None:
    wide = _verified((f"{BACKGROUND}. {TRAINING}",), fallback=fallback)
    short = ShortAnswer("MGIMO de Moscou", 0, "MGIMO de Moscou", confidence=confidence)
    assert tighten(wide, short, "fr") is wide
    assert tighten(wide, None, "fr") is wide


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Searcher:
    return indexed(tmp_path_factory.mktemp("tighten"), embedder, {"briefing-2022-09-15.txt": BRIEFING})


def test_through_the_pipeline_the_quote_is_the_answers_sentence_when_the_reader_is_sure(
    searcher: Searcher,
) -> None:
    wide = Assistant(searcher, None, AnswerSettings(k=4)).ask(QUESTION)
    sure = ScriptedGenerator("MGIMO de Moscou", logprob=-0.05)
    answer = Assistant(searcher, None, AnswerSettings(k=4), sure).ask(QUESTION)
    quotes = answer.citations[0]["quotes"]
    assert answer.short_answer == "MGIMO de Moscou"
    assert quotes == [TRAINING] and sum(map(len, wide.citations[0]["quotes"])) > len(TRAINING)
    assert answer.text == f"MGIMO de Moscou [1] — Selon le briefing du 15 septembre 2022, « {TRAINING} » [1]."
    unsure = ScriptedGenerator("MGIMO de Moscou", logprob=MIN_CONFIDENCE - 1)
    kept = Assistant(searcher, None, AnswerSettings(k=4), unsure).ask(QUESTION)
    assert kept.short_answer == "MGIMO de Moscou"
    assert kept.citations[0]["quotes"] == wide.citations[0]["quotes"]
