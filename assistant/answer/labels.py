"""The words around an answer (not in it), in the answer's language: the chat page and the
command line say "puce 2", « Passages les plus proches » to a French question, as the answer
itself does."""

from __future__ import annotations

LABELS = {
    "fr": {
        "bullet": "puce",
        "paragraph": "paragraphe",
        "footnote": "note",
        "undated": "sans date",
        "understood": "Question comprise comme :",
        "translated": "Cherché aussi en traduction :",
        "closest": "Passages les plus proches (non cités) :",
        "sources": "Sources",
        "source": "source :",
        "cited_by": "citée par :",
        "searching": "Recherche dans les briefings…",
        "reading": "Lecture des passages avec {model}… {tokens} jetons",
        "reading_quote": "Lecture de la citation avec {model}…",
        "read_by": "réponse courte lue par {model}",
        "no_reader": "Pas de réponse courte : aucun lecteur installé ({hint}).",
        "reader": "Réponse courte lue par {model}.",
    },
    "en": {
        "bullet": "bullet",
        "paragraph": "paragraph",
        "footnote": "footnote",
        "undated": "undated",
        "understood": "Understood as:",
        "translated": "Also searched as:",
        "closest": "Closest material (not cited):",
        "sources": "Sources",
        "source": "source:",
        "cited_by": "cited by",
        "searching": "Searching the briefings…",
        "reading": "Reading the passages with {model}… {tokens} tokens",
        "reading_quote": "Reading the quote with {model}…",
        "read_by": "short answer read by {model}",
        "no_reader": "No short answer: no reader is installed ({hint}).",
        "reader": "Short answer read by {model}.",
    },
}


def labels(language: str) -> dict[str, str]:
    """The labels of `language`; English for a language we have none for."""
    return LABELS.get(language, LABELS["en"])
