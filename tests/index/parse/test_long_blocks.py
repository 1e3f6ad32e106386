"""Long blocks: a paragraph of thousands of characters becomes passages under the limit, cut at
sentence ends, each with its own markers, notes and offsets."""

from __future__ import annotations

import itertools
import time

from index.parse.layout import MAX_PASSAGE_CHARS
from index.parse.reader import parse_text

SENTENCE = "Le ministre a confirmé la décision prise lors du sommet d'Astana, selon plusieurs sources. "
NOTES = "\n\nSources\n1. « Démenti », Le Monde, 2 mars 2023.\n2. « Réponse », Kazinform, 3 mars 2023.\n"


def long_paragraph() -> str:
    """About 20,000 characters in one line, [1] a third of the way in, [2] two thirds."""
    return (
        SENTENCE * 70
        + "La rumeur a été démentie par le porte-parole[1]. "
        + SENTENCE * 70
        + "M. Dupont a répondu à l'agence « sans détour ».[2] "
        + SENTENCE * 76
    ).strip()


def test_a_20000_character_paragraph_becomes_passages_at_sentence_ends() -> None:
    paragraph = long_paragraph()
    assert 19_000 < len(paragraph) < 21_000
    text = "Revue de presse\n\n" + paragraph + NOTES
    b = parse_text(text, "revue.txt")
    body = b.body
    assert len(body) >= len(paragraph) // MAX_PASSAGE_CHARS
    assert [p.number for p in body] == list(range(1, len(body) + 1))
    assert {p.kind for p in body} == {"paragraph"}
    for p in body:
        assert len(p.text) <= MAX_PASSAGE_CHARS
        assert p.text.endswith((".", "»")), p.text[-40:]
    # Offsets: each passage points at its own sentences, in order, and together they cover the
    # paragraph (what lies between two passages is the space between two sentences).
    start = text.index(paragraph)
    assert body[0].start == start and body[-1].end == start + len(paragraph)
    for before, after in itertools.pairwise(body):
        assert text[before.end : after.start].isspace()
    for p in body:
        assert " ".join(text[p.start : p.end].replace("[1]", "").replace("[2]", "").split()) == p.text
    # A marker closes the sentences it sources: the passages up to the one holding [1] cite note
    # 1, those after it up to the one holding [2] cite note 2, and those after [2] cite none.
    one = next(k for k, p in enumerate(body) if "[1]" in text[p.start : p.end])
    two = next(k for k, p in enumerate(body) if "[2]" in text[p.start : p.end])
    assert 0 < one < two < len(body) - 1
    assert [p.footnotes for p in body] == [[1]] * (one + 1) + [[2]] * (two - one) + [[]] * (
        len(body) - two - 1
    )
    notes = {n.number: n for n in b.footnotes}
    assert notes[1].cited_by == [p.number for p in body[: one + 1]]
    assert notes[2].cited_by == [p.number for p in body[one + 1 : two + 1]]
    assert "M. Dupont" in body[two].text  # an initial is no sentence end


def test_a_long_bullet_keeps_its_kind_section_and_the_numbers_after_it() -> None:
    text = "# Revue\n\n## Analyse\n\n• " + SENTENCE * 30 + "\n• Une puce courte.\n"
    b = parse_text(text, "puces.md")
    assert [p.kind for p in b.body] == ["bullet"] * len(b.body) and len(b.body) >= 4
    assert {p.section for p in b.body} == {"Analyse"}
    assert b.body[-1].text == "Une puce courte." and b.body[-1].number == len(b.body)


def test_a_sentence_over_the_limit_is_cut_at_a_space() -> None:
    words = " ".join(f"mot{i}" for i in range(1_000))  # one sentence, no full stop, 6,000 characters
    b = parse_text("Mots\n\n" + words + " fin.", "mots.txt")
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in b.body)
    assert " ".join(p.text for p in b.body) == words + " fin."  # no word cut in two


def test_a_5_mb_single_line_parses_in_a_few_seconds() -> None:
    line = " ".join(f"mot{i % 997} Astana" for i in range(500_000))[: 5 * 1024 * 1024]
    start = time.perf_counter()
    b = parse_text(line, "line.txt")
    seconds = time.perf_counter() - start
    assert len(b.body) >= len(line) // (MAX_PASSAGE_CHARS + 1)  # pieces and the spaces between
    assert max(len(p.text) for p in b.body) <= MAX_PASSAGE_CHARS
    assert b.body[-1].end == len(line)
    assert seconds < 30, f"a 5 MB line parsed in {seconds:.1f} s"
