"""The page's HTML: briefing text shown as text, quotes highlighted in their passage."""

from __future__ import annotations

from assistant.chat import render


def test_briefing_text_is_shown_as_text_never_as_html_or_markdown() -> None:
    shown = render.text('<script>alert(1)</script> **gras** [1] # titre & "q"')
    assert "<" not in shown and ">" not in shown and "&lt;script" in shown
    assert "**" not in shown and "[1]" not in shown and "#" not in shown.replace("&#", "")


def test_quotes_are_highlighted_in_the_passage() -> None:
    passage = "Une rumeur <b>a été</b> démentie ce matin par Aydos Sarym."
    out = render.highlight(passage, ["démentie ce matin par Aydos Sarym"])
    assert "<mark>démentie ce matin par Aydos Sarym</mark>" in out
    assert "&lt;b&gt;" in out


def test_a_huge_passage_shows_the_surroundings_of_its_quote() -> None:
    passage = (
        "début " + "x " * 5000 + "Le port du Pirée a accueilli 5,4 millions de conteneurs." + " y" * 5000
    )
    out = render.highlight(passage, ["Le port du Pirée a accueilli 5,4 millions de conteneurs"])
    assert "<mark>Le port du Pirée a accueilli 5,4 millions de conteneurs</mark>" in out
    assert len(out) < 2000 and out.startswith(" … ") and out.endswith(" …")
    assert "début" not in out


def test_a_paragraph_card_lists_its_notes_and_a_note_card_names_its_citers() -> None:
    from types import SimpleNamespace

    from assistant.chat.render import _footnotes_html

    paragraph = SimpleNamespace(
        kind="paragraph", footnotes=[{"number": 2, "text": "Le Monde, 29 janvier 2024."}]
    )
    assert "2. Le Monde, 29 janvier 2024." in _footnotes_html(paragraph, "fr")
    note = SimpleNamespace(
        kind="footnote", cited_by=[{"number": 4, "text": "Le Niger a suivi.", "kind": "paragraph"}]
    )
    assert "citée par : paragraphe 4" in _footnotes_html(note, "fr")
    assert "cited by paragraph 4" in _footnotes_html(note, "en")
