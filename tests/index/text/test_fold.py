"""Accent and case folding: the same word however a text accents, capitalises or types it."""

from __future__ import annotations

from index.text.fold import fold, loose_fold, strip_accents


def test_fold_compares_names_without_case_or_accents() -> None:
    assert fold("Élysée") == "elysee"
    assert fold("Tokaïev") == fold("TOKAIEV") == "tokaiev"
    assert fold("Straße") == "strasse"  # case folding, not lower-casing


def test_fold_reads_compatibility_characters_as_their_letters() -> None:
    assert fold("ﬁnance") == "finance"
    assert fold("Ⅳ") == "iv"


def test_strip_accents_keeps_case_and_length_so_offsets_still_point_into_the_text() -> None:
    text = "Le 15 Février à Zürich, l'ÉTAT"
    assert strip_accents(text) == "Le 15 Fevrier a Zurich, l'ETAT"
    assert len(strip_accents(text)) == len(text)
    assert strip_accents("Straße") == "Straße"  # no case folding: "ß" stays one character
    assert strip_accents("plain ascii") == "plain ascii"


def test_loose_fold_matches_an_answer_however_its_apostrophes_and_spaces_are_typed() -> None:
    assert loose_fold("  L’Élysée\u00a0 a   dit ") == "l'elysee a dit"
    assert loose_fold("d'après") == loose_fold("D’APRÈS")
