"""Names a question asks about: which words count, and when the archive knows them."""

from __future__ import annotations

from index.search.names import Vocabulary, capitalised_words, unknown_names

ARCHIVE = Vocabulary(["kazakhstan", "tokayev", "xi", "jinping", "moscou", "otsc", "rumeur", "dement"])


def test_only_words_capitalised_inside_the_question_count() -> None:
    q = "Qui a démenti la rumeur ? Selon « Le Monde », Jean Chaintron et Tokayev d'Astana l'ont dit."
    # "Qui" opens the question, "Selon" a sentence, "Le" a quote; "Monde" and the rest name things.
    assert capitalised_words(q) == ["Monde", "Jean", "Chaintron", "Tokayev", "Astana"]
    assert capitalised_words("who met Xi in 2022?") == []  # two letters: initials and "Xi" are too short
    assert capitalised_words("Quand Nicolas Ier règne-t-il au XVIIIe ou au XXème siècle ?") == ["Nicolas"]


def test_a_name_the_archive_never_mentions_is_unknown() -> None:
    assert unknown_names("Qu'a dit Jean Chaintron sur le Kazakhstan ?", ARCHIVE, ["fr"]) == [
        "Jean",
        "Chaintron",
    ]
    assert unknown_names("Qu'a dit Tokayev à Moscou ?", ARCHIVE, ["fr"]) == []


def test_a_misspelt_or_unaccented_name_is_still_known() -> None:
    assert unknown_names("Qu'a dit Tokaïev sur le Kazakstan ?", ARCHIVE, ["fr", "en"]) == []
    # Seven letters and more allow two edits; shorter names one.
    assert unknown_names("Et Moskva ?", ARCHIVE, ["fr"]) == ["Moskva"]


def test_an_empty_archive_knows_no_name_and_stop_words_are_not_names() -> None:
    assert unknown_names("Et Tokayev ?", Vocabulary([]), ["fr"]) == ["Tokayev"]
    assert unknown_names("Que dit Le texte Des sources ?", Vocabulary([]), ["fr"]) == []
