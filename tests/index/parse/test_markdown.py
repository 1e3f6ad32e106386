"""Markdown briefings read through a Markdown parser: every block's text lands in a passage, headings
name sections, notes link, and offsets point into the original file."""

from __future__ import annotations

import time

import pytest

from index.parse.layout import MARKUP
from index.parse.markdown import to_text
from index.parse.reader import parse_text
from index.records import Briefing
from tests.helpers.parsing import assert_offsets_cover
from tests.index.parse.test_mixed_layouts import MARKDOWN as KEY_POINTS_NOTE

SETEXT = """Revue Sahel
===========

Analyse
-------

Le Mali a quitté la *CEDEAO* en janvier[^1].

Contexte
--------

La junte a annoncé un **calendrier** électoral[^src].

[^1]: « Retrait », Le Monde, 29 janvier 2024.
[^src]: RFI, 30 janvier 2024.
"""


def non_blank(text: str) -> int:
    return sum(map(len, text.split()))


def body(b: Briefing) -> list[tuple[str, str, list[int], str | None]]:
    return [(p.kind, p.text, p.footnotes, p.section) for p in b.body]


def test_setext_headings_give_the_title_and_sections() -> None:
    b = parse_text(SETEXT, "sahel.md")
    assert b.title == "Revue Sahel"
    assert body(b) == [
        ("paragraph", "Le Mali a quitté la CEDEAO en janvier.", [1], "Analyse"),
        ("paragraph", "La junte a annoncé un calendrier électoral.", [2], "Contexte"),
    ]
    assert [(n.number, n.text, n.cited_by) for n in b.footnotes] == [
        (1, "« Retrait », Le Monde, 29 janvier 2024.", [1]),
        (2, "RFI, 30 janvier 2024.", [2]),
    ]
    assert_offsets_cover(SETEXT, b)


def test_nested_lists_and_a_lazy_continuation_line_are_bullets() -> None:
    text = (
        "# Revue\n\n## Points\n\n"
        "- Le Niger a fermé sa frontière\n"
        "  avec le Bénin [1].\n"
        "  - Les camions attendent à Malanville [2].\n"
        "  - Le port de Cotonou perd du trafic.\n"
        "- Le Mali rouvre une route, selon un\n"
        "communiqué du gouvernement.\n"
        "3. Un point numéroté.\n\n"
        "## Notes\n1. AFP, 2 mars 2024.\n2. Reuters, 3 mars 2024.\n"
    )
    b = parse_text(text, "points.md")
    assert body(b) == [
        ("bullet", "Le Niger a fermé sa frontière avec le Bénin.", [1], "Points"),
        ("bullet", "Les camions attendent à Malanville.", [2], "Points"),
        ("bullet", "Le port de Cotonou perd du trafic.", [], "Points"),
        ("bullet", "Le Mali rouvre une route, selon un communiqué du gouvernement.", [], "Points"),
        ("bullet", "Un point numéroté.", [], "Points"),
    ]
    assert_offsets_cover(text, b)


def test_a_fenced_code_block_keeps_its_text() -> None:
    text = "# Outils\n\nLa commande suivante exporte les notes.\n\n```bash\nbriefing-export --since 2024-03-01 --format csv\n```\n"
    b = parse_text(text, "outils.md")
    assert "briefing-export --since 2024-03-01 --format csv" in [p.text for p in b.body]


def test_links_keep_their_url_in_notes() -> None:
    text = (
        "Le port a rouvert [1]. Les convois reprennent [2].\n\n"
        "## Sources\n\n"
        "1. [« Le port rouvre »](https://www.reuters.com/world/port-2024-03-02/), Reuters, 2 mars 2024.\n"
        "2. AFP, <https://www.afp.com/fr/convois>, 3 mars 2024.\n"
    )
    b = parse_text(text, "port.md")
    one, two = b.footnotes
    assert (
        one.text
        == "« Le port rouvre » (https://www.reuters.com/world/port-2024-03-02/), Reuters, 2 mars 2024."
    )
    assert one.source is not None and one.source.url == "https://www.reuters.com/world/port-2024-03-02/"
    assert two.text == "AFP, https://www.afp.com/fr/convois, 3 mars 2024."  # an autolink is not doubled
    assert [p.footnotes for p in b.body] == [[1, 2]]


@pytest.mark.parametrize("where", ["bottom", "middle"])
def test_markdown_footnotes_defined_at_the_bottom_or_in_the_middle(where: str) -> None:
    first = "Le Mali a quitté la CEDEAO[^mali].\n\n"
    second = "Le Niger a suivi[^2], puis le Burkina Faso[^mali].\n\n"
    notes = "[^mali]: Le Monde, 29 janvier 2024.\n[^2]: RFI, 30 janvier 2024.\n\n"
    text = first + notes + second if where == "middle" else first + second + notes
    b = parse_text(text, "cedeao.md")
    assert [(p.text, p.footnotes) for p in b.body] == [
        ("Le Mali a quitté la CEDEAO.", [3]),
        ("Le Niger a suivi, puis le Burkina Faso.", [2, 3]),
    ]
    assert {n.number: (n.text, n.cited_by) for n in b.footnotes} == {
        2: ("RFI, 30 janvier 2024.", [2]),
        3: ("Le Monde, 29 janvier 2024.", [1, 2]),
    }
    assert b.warnings == []
    assert_offsets_cover(text, b)


@pytest.mark.parametrize(
    ("heading", "entries"),
    [
        ("### Endnotes", "1. AFP, 2 mars 2024.\n2. Reuters, 3 mars 2024.\n"),
        ("**Works cited**", "[1] AFP, 2 mars 2024.\n[2] Reuters, 3 mars 2024.\n"),
        ("## Notes de bas de page", "^1 AFP, 2 mars 2024.\n\n^2 Reuters, 3 mars 2024.\n"),
        ("Références\n----------", "1) AFP, 2 mars 2024.\n2) Reuters, 3 mars 2024.\n"),
    ],
)
def test_notes_lists_under_any_notes_heading(heading: str, entries: str) -> None:
    text = f"# Note\n\nLe port a rouvert [1]. Les convois reprennent [2].\n\n{heading}\n\n{entries}"
    b = parse_text(text, "note.md")
    assert [(p.text, p.footnotes) for p in b.body] == [("Le port a rouvert. Les convois reprennent.", [1, 2])]
    assert [(n.number, n.text, n.cited_by) for n in b.footnotes] == [
        (1, "AFP, 2 mars 2024.", [1]),
        (2, "Reuters, 3 mars 2024.", [1]),
    ]


def test_a_footnote_defined_after_the_notes_heading_is_still_a_note() -> None:
    text = "Le port a rouvert [1] et les convois reprennent[^b].\n\n## Notes\n\n1. AFP.\n\n[^b]: Reuters.\n"
    b = parse_text(text, "note.md")
    assert b.body[0].footnotes == [1, 2]
    assert [(n.number, n.text) for n in b.footnotes] == [(1, "AFP."), (2, "Reuters.")]


def test_bracketed_notes_closing_the_file_are_notes_without_a_heading() -> None:
    text = "Le port a rouvert [1], les convois reprennent [2].\n\n[1] AFP, 2 mars 2024.\n[2] Reuters, 3 mars 2024.\n"
    b = parse_text(text, "port.md")
    assert [(p.text, p.footnotes) for p in b.body] == [("Le port a rouvert, les convois reprennent.", [1, 2])]
    assert [(n.number, n.text) for n in b.footnotes] == [
        (1, "AFP, 2 mars 2024."),
        (2, "Reuters, 3 mars 2024."),
    ]


def test_a_comment_or_html_block_first_is_still_markdown() -> None:
    text = "<!-- brouillon : ne pas diffuser -->\n\n- Le port a rouvert [1].\n\n## Sources\n1. AFP.\n"
    b = parse_text(text, "port.md")
    assert [(p.kind, p.text, p.footnotes) for p in b.body] == [("bullet", "Le port a rouvert.", [1])]
    assert b.indexed_chars + sum(c for _, c in b.set_aside) == non_blank(text)


def test_the_sample_bullet_layout_in_a_markdown_file_keeps_its_glued_markers() -> None:
    text = (
        "  • Hier, le président s’est rendu au Kazakhstan où il a rencontré son homologue.\n"
        "  • La déclaration a été démentie ce matin par un député du Kazakhstan1.\n"
        "Sources\n"
        "  1. « Kazakhstan », Mk.RU, 15 septembre 2022.\n"
    )
    b = parse_text(text, "briefing-2022-09-15.md")
    assert [(p.kind, p.text, p.footnotes) for p in b.body] == [
        ("bullet", "Hier, le président s’est rendu au Kazakhstan où il a rencontré son homologue.", []),
        ("bullet", "La déclaration a été démentie ce matin par un député du Kazakhstan.", [1]),
    ]
    assert [(n.number, n.cited_by) for n in b.footnotes] == [(1, [2])]
    assert_offsets_cover(text, b)


def test_the_key_points_note_keeps_every_paragraph_and_marker_with_offsets_into_the_file() -> None:
    b = parse_text(KEY_POINTS_NOTE, "sahel.md")
    assert [(p.kind, p.footnotes) for p in b.body] == [
        ("bullet", [1]),
        ("bullet", []),
        ("paragraph", [2]),
        ("paragraph", [3]),
        ("paragraph", [4]),
    ]
    assert [n.cited_by for n in b.footnotes] == [[1], [3], [4], [5]]
    assert_offsets_cover(KEY_POINTS_NOTE, b)
    for p in b.passages:  # each passage starts at its own first word in the file
        assert KEY_POINTS_NOTE[p.start :].startswith(p.text.split()[0])


def test_a_long_markdown_paragraph_is_cut_into_passages_pointing_at_their_own_sentences() -> None:
    sentence = "Le ministre a confirmé la décision prise lors du sommet d'Astana, selon plusieurs sources. "
    text = "# Revue\n\n> " + (sentence * 40).strip() + "\n"
    b = parse_text(text, "revue.md")
    assert len(b.body) >= 3
    for p in b.body:
        assert " ".join(text[p.start : p.end].split()) == p.text


def test_inline_markup_keeps_the_text_a_reader_sees() -> None:
    text = (
        "Le **port** de `Gdansk` a traité 68 Mt<sup>1</sup> &amp; plus ![carte](https://ex.org/c.png).\n\n"
        "| Pays | Attaques |\n|---|---|\n| *Mali* | 12 |\n\n"
        "<div>Un bloc <b>HTML</b> lisible.<script>alert(1)</script></div>\n\n"
        "## Sources\n1. AFP.\n"
    )
    b = parse_text(text, "port.md")
    assert [p.text for p in b.body] == [
        "Le port de Gdansk a traité 68 Mt & plus ![carte](https://ex.org/c.png).",
        "Pays | Attaques Mali | 12",
        "Un bloc HTML lisible.",
    ]
    assert b.body[0].footnotes == [1]
    assert ("script, style or hidden element", len("alert(1)")) in b.set_aside


def test_characters_add_up_and_markdown_syntax_is_markup() -> None:
    for text, path in ((SETEXT, "a.md"), (KEY_POINTS_NOTE, "b.md")):
        b = parse_text(text, path)
        assert b.indexed_chars + sum(c for _, c in b.set_aside) == non_blank(text)
    plain = parse_text("Le port a rouvert ses quais.\n", "p.md")
    marked = parse_text("Le **port** a _rouvert_ ses quais.\n", "m.md")
    assert marked.indexed_chars == plain.indexed_chars
    assert dict(marked.set_aside)[MARKUP] == 4 + 2


def test_content_past_the_nesting_limit_is_kept() -> None:
    for signs in ("> ", "- ", "> - "):
        text = signs * 40 + "Le convoi est arrivé à Gdansk.\n\nUn autre paragraphe.\n"
        b = parse_text(text, "nested.md")
        assert [p.text for p in b.body] == ["Le convoi est arrivé à Gdansk.", "Un autre paragraphe."]
        assert_offsets_cover(text, b)


def test_a_text_file_is_still_read_by_the_text_layout() -> None:
    # `2. …` continuing a paragraph is text to CommonMark but a numbered item in the text layout.
    text = "Le port a rouvert ses quais.\n2. Les convois ont repris.\n"
    assert [p.kind for p in parse_text(text, "n.txt").body] == ["paragraph", "bullet"]
    assert [p.kind for p in parse_text(text, "n.md").body] == ["paragraph"]


def test_converted_lines_map_back_to_the_source() -> None:
    converted = to_text(SETEXT)
    for (start, src_start, src_end), shift in zip(converted.line_offsets, converted.shifts, strict=True):
        line = converted.text[start:].split("\n", 1)[0]
        if shift is not None:  # the line's text after any sign it was given is the source's own
            end = start + len(line)
            tail = min(len(line), 20)
            assert SETEXT[end + shift - tail : end + shift] == line[-tail:]
        else:
            assert 0 <= src_start <= src_end <= len(SETEXT)


@pytest.mark.slow
def test_a_5_mb_markdown_file_parses_in_bounded_time() -> None:
    parts, i = ["# Revue\n\n"], 0
    while sum(map(len, parts)) < 5 * 1024 * 1024:
        parts.append(
            f"## Section {i}\n\n- Le convoi {i} a quitté Gdansk [1].\n- Un **second** point{i}[^a].\n\n"
            f"Un paragraphe sur le convoi {i}, avec un [lien](https://ex.org/{i}) [2].\n\n"
        )
        i += 1
    text = "".join(parts) + "[^a]: Note a.\n\n## Sources\n\n1. AFP.\n2. Reuters.\n"
    start = time.perf_counter()
    b = parse_text(text, "big.md")
    seconds = time.perf_counter() - start
    assert len(b.body) == 3 * i and all(p.footnotes for p in b.body)
    # markdown-it-py reads under 1 MB/s of dense Markdown on one core: the bound catches a
    # quadratic blow-up, not a loaded machine.
    assert seconds < 120, f"5 MB of Markdown parsed in {seconds:.1f} s"


def test_an_inline_note_and_an_unclosed_sup_keep_their_text() -> None:
    text = (
        "# Économie\n\nLe PIB chute^[Banque mondiale, 2023.] selon les chiffres.\n\n"
        "Chiffre<sup>1 selon l'ONU, hausse de 12 %.\n\nVoir le [rapport de\nl'ONU](https://un.org) publié hier.\n"
    )
    b = parse_text(text, "eco.md")
    assert [p.text for p in b.body] == [
        "Le PIB chute (Banque mondiale, 2023.) selon les chiffres.",
        "Chiffre1 selon l'ONU, hausse de 12 %.",
        "Voir le rapport de l'ONU (https://un.org) publié hier.",
    ]
