"""Questions in another language than the briefings' are searched with their translation."""

from __future__ import annotations

import pytest

from assistant.answer.pipeline import AnswerSettings, Assistant
from assistant.answer.translate import dropped_names, target_language, translate
from assistant.models.llm import GenerationError
from index.search.hybrid import Searcher
from tests.helpers.corpus import KAZAKHSTAN, indexed
from tests.helpers.generators import ScriptedGenerator

HARVEST = """\
• Le ministre de l'Agriculture a annoncé une récolte de blé de 35 millions de tonnes, en baisse de 4 % sur un an1.
• Les exportations de blé vers l'Algérie ont repris après deux ans d'interruption2.
Sources
  1. « Récolte record », Le Figaro, 3 août 2022.
  2. « Le blé français retrouve l'Algérie », Les Échos, 4 août 2022.
"""

QUESTION = "Who denied the rumour that Kazakhstan would leave the CSTO?"
FRENCH = "Qui a démenti la rumeur selon laquelle le Kazakhstan quitterait l'OTSC ?"


def translator(translation: str = FRENCH) -> ScriptedGenerator:
    """A base model that translates what it is asked to, and says nothing useful otherwise."""
    return ScriptedGenerator(
        reply=lambda _system, user: (
            f" {translation}\nEnglish: next" if user.rstrip().endswith("French:") else "blah"
        ),
        name="translator",
        follows_instructions=False,
    )


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory, embedder) -> Searcher:  # type: ignore[no-untyped-def]
    briefings = {"briefing-2022-09-15.txt": KAZAKHSTAN, "agri-2022-08-03.txt": HARVEST}
    return indexed(tmp_path_factory.mktemp("french"), embedder, briefings)


def test_target_is_the_archive_language_only_when_the_question_is_not_in_it() -> None:
    assert target_language("en", ["fr"]) == "fr"
    assert target_language("fr", ["en"]) == "en"
    assert target_language("fr", ["fr"]) is None
    assert target_language("en", ["en", "fr"]) is None  # a mixed archive already has the words
    assert target_language("en", []) is None


def test_translation_is_the_first_line_without_labels_or_quotes() -> None:
    assert translate(QUESTION, "fr", translator(f"French: « {FRENCH} »")) == FRENCH


def test_a_french_question_is_translated_into_english_for_an_english_archive() -> None:
    gen = ScriptedGenerator(
        reply=lambda _system, user: (
            " Who denied the rumour?" if user.rstrip().endswith("Anglais :") else "blah"
        ),
        follows_instructions=False,
    )
    assert translate("Qui a démenti la rumeur ?", "en", gen) == "Who denied the rumour?"
    assert "Français : Qui a démenti la rumeur ?" in gen.prompts[0]


@pytest.mark.parametrize("reply", ["", "  ", QUESTION, "Qui " * 200])
def test_an_unusable_translation_is_refused(reply: str) -> None:
    assert translate(QUESTION, "fr", translator(reply)) is None


def test_a_failing_model_gives_no_translation() -> None:
    broken = ScriptedGenerator(error=GenerationError("server went away"), follows_instructions=False)
    assert translate(QUESTION, "fr", broken) is None


def test_names_and_numbers_the_translation_lost_are_the_ones_the_archive_mentions() -> None:
    archive = {"Tokayev", "Moscou", "1970"}
    lost = dropped_names(
        "Where was Tokayev trained in Moscow in 1970, with Smith?",
        "Où a-t-il été formé à Moscou ?",
        lambda word: word in archive,
    )
    # "Where" is capitalised by grammar, "Moscow" is translated, "Smith" no briefing mentions.
    assert lost == ["Tokayev", "1970"]
    assert (
        dropped_names("Where was Tokayev trained?", "Où Tokayev a-t-il été formé ?", lambda _word: True) == []
    )


def test_a_name_the_translation_dropped_is_carried_over(french: Searcher) -> None:
    """The 270M model turns "Where was Tokayev trained?" into "Où a-t-il été entraîné ?": the
    gate and the reranker read the translation, so the name goes back beside it."""
    a = Assistant(
        french, translator("Qu'a-t-il proposé de partager avec la Russie ?"), AnswerSettings(k=4)
    ).ask("What did Li Zhanshu propose to share with Russia?")
    assert a.translated_question == "Qu'a-t-il proposé de partager avec la Russie ? (Zhanshu)"
    assert not a.abstained and a.citations[0]["number"] == 4 and "Li Zhanshu" in a.text


def test_english_question_on_french_briefings_is_answered_through_its_translation(french: Searcher) -> None:
    gen = translator()
    a = Assistant(french, gen, AnswerSettings(k=4)).ask(QUESTION)
    assert a.translated_question == FRENCH and "translate_ms" in a.timings
    assert QUESTION in gen.prompts[0] and gen.prompts[0].rstrip().endswith("French:")
    assert not a.abstained and a.language == "en" and a.text.startswith("According to the briefing")
    c = a.citations[0]
    assert (c["file"], c["kind"], c["number"]) == ("briefing-2022-09-15.txt", "bullet", 2)
    assert "Aydos Sarym" in c["quotes"][0]
    assert a.as_json()["translated_question"] == FRENCH


def test_without_translation_the_english_question_is_refused(french: Searcher) -> None:
    """The English words match too little of the French bullet for the gate to let it answer."""
    plain = Assistant(french, translator(), AnswerSettings(k=4, translate=False)).ask(QUESTION)
    assert plain.translated_question is None and plain.abstained


def test_a_question_in_the_briefings_language_is_not_translated(french: Searcher) -> None:
    gen = translator()
    a = Assistant(french, gen, AnswerSettings(k=4)).ask("Qui a démenti la rumeur sur l'OTSC ?")
    assert a.translated_question is None and not any(p.rstrip().endswith("French:") for p in gen.prompts)
    assert a.citations[0]["number"] == 2


def test_no_model_no_translation(french: Searcher) -> None:
    a = Assistant(french, None, AnswerSettings(k=4)).ask(QUESTION)
    assert a.translated_question is None and "translate_ms" not in a.timings


def test_the_chat_page_shows_what_was_searched(french: Searcher) -> None:
    from assistant.chat import render

    a = Assistant(french, translator("Qui a démenti <b>la rumeur</b> ?"), AnswerSettings(k=4)).ask(QUESTION)
    html = render.answer_html(a, 0)
    assert "Also searched as: Qui a démenti &lt;b&gt;la rumeur&lt;/b&gt; ?" in html


@pytest.mark.slow  # the real GGUF
def test_the_embedded_gguf_translates_and_the_answer_is_cited(french: Searcher) -> None:
    """End to end with the real 270M base model: its translation brings the French bullet."""
    from assistant.models.llm import LlamaCppGenerator
    from assistant.models.resolve import resolve_llm

    gen = LlamaCppGenerator(resolve_llm(None), n_ctx=2048)
    a = Assistant(french, gen, AnswerSettings(k=4)).ask(QUESTION)
    assert a.translated_question and a.translated_question != QUESTION
    assert not a.abstained and a.citations[0]["number"] == 2 and "Aydos Sarym" in a.text


@pytest.mark.parametrize(
    ("question", "archive", "language"),
    [
        ("Combien d'employeurs", ("fr",), "fr"),
        ("Quel poste occupe Han Zheng ?", (), "fr"),  # no other function word, no accent
        ("What disease struck down General Rochambeau's predecessor?", ("fr",), "en"),
        ("Aydos Sarym", ("fr",), "fr"),  # a bare name is in the archive's language
        ("Aydos Sarym", ("en",), "en"),
        ("Aydos Sarym", ("fr", "en"), "en"),
        ("Noursoultan Kazakhstan", (), "en"),
    ],
)
def test_the_questions_words_say_its_language_else_the_archives(
    question: str, archive: tuple[str, ...], language: str
) -> None:
    from assistant.answer.stages.understand import question_language

    assert question_language(question, archive) == language


def test_a_bare_name_is_neither_translated_nor_answered_in_english(french: Searcher) -> None:
    gen = translator()
    a = Assistant(french, gen, AnswerSettings(k=4)).ask("Aydos Sarym")
    assert a.translated_question is None and not any(p.rstrip().endswith("French:") for p in gen.prompts)
    assert a.language == "fr" and a.text.startswith("Selon le briefing") and a.citations[0]["number"] == 2


def test_search_on_the_command_line_translates_as_ask_does(
    french: Searcher, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from assistant import factory
    from assistant.main import main

    gen = translator()
    monkeypatch.setattr(factory, "load_generator", lambda _settings, **_options: gen)
    base = ["search", "--index", str(french.index_dir), "--no-rerank", "-k", "1", "--json"]
    assert main([*base, QUESTION]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["translated_query"] == FRENCH and found["results"][0]["number"] == 2
    assert QUESTION in gen.prompts[0]
    assert main([*base, "--no-translate", QUESTION]) == 0
    assert "translated_query" not in json.loads(capsys.readouterr().out) and len(gen.prompts) == 1
    # A question in the briefings' language is searched as written, without the model.
    assert main([*base, "Qui a démenti la rumeur ?"]) == 0
    assert "translated_query" not in json.loads(capsys.readouterr().out) and len(gen.prompts) == 1
    # The human output says what was searched.
    assert main([*base[:-1], QUESTION]) == 0
    assert f"(searched with its translation: {FRENCH})" in capsys.readouterr().out


def test_an_instruct_model_is_told_to_translate_and_a_base_model_completes_the_examples() -> None:
    instruct = ScriptedGenerator(f" « {FRENCH} »\nmore", follows_instructions=True)
    assert translate(QUESTION, "fr", instruct) == FRENCH
    system, user = instruct.calls[0]
    assert system.startswith("Translate this question into French") and user == QUESTION
    base = translator()
    assert translate(QUESTION, "fr", base) == FRENCH
    system, user = base.calls[0]
    assert system == "" and "English: Who is the president of Kazakhstan?" in user
    assert user.endswith(f"English: {QUESTION}\nFrench:")
