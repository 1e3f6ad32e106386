"""Names in a text: words that name something, not words capitalised by grammar."""

from __future__ import annotations

from index.text.names import capitalised_names, capitalised_words, inner_capitalised, name_phrases


def test_a_question_s_capitalised_words_leave_out_its_grammar_initials_and_ordinals() -> None:
    q = "Qui a démenti la rumeur ? Selon « Le Monde », Jean Chaintron et Tokayev d'Astana l'ont dit."
    assert capitalised_words(q) == ["Monde", "Jean", "Chaintron", "Tokayev", "Astana"]
    assert capitalised_words("Quand Nicolas Ier règne-t-il au XVIIIe siècle ? Nicolas Ier") == ["Nicolas"]
    assert capitalised_words("who met Xi in 2022?") == []


def test_names_are_phrases_with_their_particles_acronyms_and_numbers() -> None:
    assert name_phrases("Combien UBS a-t-il payé pour Credit Suisse en 2023 ?") == [
        "UBS",
        "Credit Suisse",
        "2023",
    ]
    assert name_phrases("Que fait la Corée du Nord ?") == ["Corée du Nord"]
    assert name_phrases("Combien de soldats ? 57 000") == ["57 000"]


def test_an_answer_s_first_words_are_a_name_after_its_source_lead() -> None:
    assert name_phrases("Selon le briefing du 15 septembre 2022, Rishi Sunak.", question=False) == [
        "Rishi Sunak"
    ]
    assert name_phrases("Rishi Sunak.", question=True) == ["Sunak"]  # a question's first word is grammar


def test_capitalised_names_skip_sentence_starts_but_not_acronyms() -> None:
    text = "Le ministre a vu Tokayev. Il part. PWNED « ok » : Astana"
    assert capitalised_names(text) == ["Tokayev", "PWNED"]  # "Astana" opens a clause after the colon
    assert capitalised_names("Selon Tokayev, lundi ou Lundi.", ignore={"lundi"}) == ["Tokayev"]


def test_inner_capitalised_takes_the_capitals_after_a_space_comma_or_parenthesis() -> None:
    found = inner_capitalised("Le président (Tokayev) a reçu Xi,Jinping à Astana. Élysée")
    assert found == ["Tokayev", "Xi", "Jinping", "Astana"]  # "Le" starts the sentence; A-Z only
