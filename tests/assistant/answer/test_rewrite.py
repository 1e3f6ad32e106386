"""Which questions are follow-ups, and what the fallback rewrite carries over."""

from __future__ import annotations

import pytest

from assistant.answer.rewrite import Turn, needs_context, standalone_question


@pytest.mark.parametrize(
    "question",
    [
        "Et qui l'a démenti ?",
        "Qui l'a démenti ?",
        "And who denied it?",
        "When was that decided?",
        "What did they say?",
        "Et a-t-il démenti ?",
        "Quand l'a-t-il annoncé ?",
    ],
)
def test_follow_ups_are_recognised(question: str) -> None:
    assert needs_context(question)


@pytest.mark.parametrize(
    "question",
    [
        "When did Germany disconnect its last nuclear reactors?",
        "Combien UBS a-t-elle payé pour racheter Credit Suisse ?",
        "Quand a eu lieu le dernier vol d'Ariane 5 ?",
        "What did the ECB and the Fed decide about their rates?",
        "Combien de conteneurs le port du Pirée a-t-il accueillis ?",
        "Quand la BCE a-t-elle relevé ses taux ?",
    ],
)
def test_questions_that_stand_alone_are_left_alone(question: str) -> None:
    history = [Turn("Combien UBS a-t-elle payé pour racheter Credit Suisse ?", "3 milliards")]
    assert standalone_question(question, history, "en") == question


def test_a_follow_up_carries_the_previous_subject() -> None:
    history = [Turn("Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?", "Aydos Sarym")]
    out = standalone_question("Et quand ?", history, "fr")
    assert out.startswith("Et quand ?") and "Kazakhstan" in out and "OTSC" in out
