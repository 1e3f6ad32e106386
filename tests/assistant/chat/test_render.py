"""The page's HTML: briefing text shown as text, quotes highlighted in their passage."""

from __future__ import annotations

import html

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


def test_a_passages_section_is_shown_escaped_on_its_card_and_in_the_closest_list() -> None:
    """`sahel.pdf · p. 2 · Analysis › Sahel · 2024-03-02 · paragraph 3`; a heading is briefing
    text, so a `<script>` in it shows as text."""
    from dataclasses import replace
    from types import SimpleNamespace

    from assistant.answer.pipeline import Answer
    from tests.helpers.corpus import hit

    hostile = "Analysis › <script>alert(1)</script>"
    shown_where = render.where("sahel.pdf", "2024-03-02", "paragraph", 3, "en", 2, "Analysis › Sahel")
    assert html.unescape(shown_where) == "sahel.pdf · p. 2 · Analysis › Sahel · 2024-03-02 · paragraph 3"
    assert render.where("sahel.md", None, "bullet", 1, "fr") == "sahel.md · sans date · puce 1"
    passage = replace(hit(3, "La junte a quitté la CEDEAO.", 1.0), section=hostile)
    citation = {
        "marker": 1,
        "id": passage.id,
        "file": "b.txt",
        "briefing_date": None,
        "kind": "bullet",
        "number": 3,
        "quote": "La junte a quitté la CEDEAO.",
        "quotes": ["La junte a quitté la CEDEAO."],
        "source": None,
        "section": hostile,
    }

    def answer(abstained: bool) -> Answer:
        return Answer(
            question="q",
            standalone_question="q",
            language="en",
            text="“La junte a quitté la CEDEAO.” [1]",
            abstained=abstained,
            fallback=False,
            citations=[] if abstained else [citation],
            passages=[passage],
            timings={},
            model={},
        )

    escaped = "Analysis › &lt;script&gt;alert&#40;1&#41;&lt;/script&gt;"
    card = render.turn_sources_html(render.TurnSources(1, "q", answer(False)))
    closest = render.answer_html(answer(True), 1)
    for page in (card, closest):
        assert "<script>" not in page
        assert f"b.txt · {escaped} · undated · bullet 3" in page
    note = SimpleNamespace(
        kind="footnote", cited_by=[{"number": 3, "text": "La junte.", "kind": "bullet", "section": hostile}]
    )
    shown = render._footnotes_html(note, "en")
    assert f"cited by bullet 3 ({escaped}) : La junte." in shown and "<script>" not in shown


def test_the_header_says_when_the_index_could_move_to_a_better_embedder() -> None:
    stats = {"briefings": 3, "passages": 40, "updated": "2026-12-08T10:00", "embedder": "old"}
    plain = render.status_markdown(stats, samples=False)
    assert "**3** briefings" in plain and "reembed" not in plain
    advised = render.status_markdown(
        stats, samples=False, advice="this index was built with old; `index --reembed`"
    )
    assert advised.startswith(plain) and "This index was built with old" in advised
