"""Bodies mixing bullets, paragraphs and headings: every word lands in a passage, markers link to notes."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.parse.reader import parse_text
from index.records import Briefing

# The note of the issue: a "Key points" list, "Analysis" paragraphs citing [2], [3], [4], a Notes list.
MARKDOWN = """# Sahel : point de situation

## Key points
- Les attaques ont augmenté au Burkina Faso [1].
- Le Mali a quitté la CEDEAO.

## Analysis
La junte malienne a annoncé son retrait de l'organisation en janvier [2]. Les
négociations avec Abuja sont suspendues.

Le Niger a suivi la même voie quelques jours plus tard [3], suivi du Burkina Faso.

Les experts estiment que la coopération sécuritaire régionale en sortira affaiblie [4].

## Notes
1. ACLED, rapport de février 2024.
2. Le Monde, 29 janvier 2024.
3. RFI, 30 janvier 2024.
4. Jeune Afrique, 2 février 2024.
"""

PARAGRAPHS = [
    "La junte malienne a annoncé son retrait de l'organisation en janvier. Les négociations avec Abuja "
    "sont suspendues.",
    "Le Niger a suivi la même voie quelques jours plus tard, suivi du Burkina Faso.",
    "Les experts estiment que la coopération sécuritaire régionale en sortira affaiblie.",
]

# The sample's plain-text layout: indented `•` bullets, glued markers, a `Sources` list of `1. …`.
PLAIN = (
    "  • Hier, le président s’est rendu au Kazakhstan où il a rencontré son homologue.\n"
    "  • La déclaration a été démentie ce matin par un député du Kazakhstan1.\n"
    "  • Le message s’adresse directement à Moscou qui exerce une pression sur ses voisins du Sud2. "
    "Les deux pays ont signé un accord.\n"
    "  • Il a proposé de partager son expérience des « sanctions et des armes longues »3.\n"
    "Sources\n"
    "  1. « Kazakhstan », Mk.RU, 15 septembre 2022.\n"
    "  2. Présidence du Kazakhstan, 14 septembre 2022.\n"
    "  3. Jack Lau, South China Morning Post, 12 septembre 2022.\n"
)


def rows(b: Briefing) -> list[tuple[str, int, list[int], list[int]]]:
    return [(p.kind, p.number, p.footnotes, p.cited_by) for p in b.passages]


def test_markdown_paragraphs_after_bullets_are_passages_citing_their_notes() -> None:
    b = parse_text(MARKDOWN, "sahel.md")
    assert b.title == "Sahel : point de situation"
    assert [p.text for p in b.bullets] == [
        "Les attaques ont augmenté au Burkina Faso.",
        "Le Mali a quitté la CEDEAO.",
    ]
    assert [p.text for p in b.paragraphs] == PARAGRAPHS
    assert rows(b) == [
        ("bullet", 1, [1], []),
        ("bullet", 2, [], []),
        ("paragraph", 3, [2], []),
        ("paragraph", 4, [3], []),
        ("paragraph", 5, [4], []),
        ("footnote", 1, [], [1]),
        ("footnote", 2, [], [3]),
        ("footnote", 3, [], [4]),
        ("footnote", 4, [], [5]),
    ]
    assert [p.section for p in b.body] == ["Key points", "Key points", "Analysis", "Analysis", "Analysis"]
    assert b.warnings == []
    for p in b.paragraphs:  # offsets point at the paragraph in the file
        assert MARKDOWN[p.start : p.end].split()[0] == p.text.split()[0]


def test_plain_text_sample_layout_parses_as_before() -> None:
    b = parse_text(PLAIN, "briefings/briefing-2022-09-15.txt")
    assert (b.title, b.date, b.warnings) == (None, "2022-09-15", [])
    assert rows(b) == [
        ("bullet", 1, [], []),
        ("bullet", 2, [1], []),
        ("bullet", 3, [2], []),
        ("bullet", 4, [3], []),
        ("footnote", 1, [], [2]),
        ("footnote", 2, [], [3]),
        ("footnote", 3, [], [4]),
    ]
    assert b.bullets[1].text == "La déclaration a été démentie ce matin par un député du Kazakhstan."
    assert b.bullets[2].text.endswith("voisins du Sud. Les deux pays ont signé un accord.")
    assert b.bullets[3].text.endswith("« sanctions et des armes longues ».")


def test_paragraphs_before_and_after_bullets() -> None:
    text = (
        "Point Asie\n\n"
        "Ce paragraphe d'introduction présente la semaine [1].\n\n"
        "- Premier point de la liste.\n"
        "- Second point[2].\n\n"
        "Un paragraphe de conclusion cite encore la note [1, 2].\n\n"
        "Notes\n[1] Reuters, 3 mars 2023.\n[2] AFP, 4 mars 2023.\n"
    )
    b = parse_text(text, "asie.txt")
    assert b.title == "Point Asie"
    assert [(p.kind, p.text) for p in b.body] == [
        ("paragraph", "Ce paragraphe d'introduction présente la semaine."),
        ("bullet", "Premier point de la liste."),
        ("bullet", "Second point."),
        ("paragraph", "Un paragraphe de conclusion cite encore la note."),
    ]
    assert [p.footnotes for p in b.body] == [[1], [], [2], [1, 2]]
    assert [(n.number, n.cited_by) for n in b.footnotes] == [(1, [1, 4]), (2, [3, 4])]


def test_superscripts_quotes_tables_and_nested_sections() -> None:
    text = (
        "# Note\n\n## Analyse\n\n### Sahel\n\nLa situation se dégrade¹.\n\n"
        "> Une citation d'un diplomate².\n\n"
        "| Pays | Attaques |\n|---|---|\n| Mali | 12 |\n\n"
        "## Contexte\n\n"
        "Un dernier paragraphe.\n\n"
        "## Notes\n1. Source un.\n2. Source deux.\n"
    )
    b = parse_text(text, "n.md")
    assert [(p.kind, p.text, p.footnotes, p.section) for p in b.body] == [
        ("paragraph", "La situation se dégrade.", [1], "Analyse › Sahel"),
        ("paragraph", "Une citation d'un diplomate.", [2], "Analyse › Sahel"),
        ("paragraph", "Pays | Attaques Mali | 12", [], "Analyse › Sahel"),
        ("paragraph", "Un dernier paragraphe.", [], "Contexte"),
    ]


def test_a_heading_with_nothing_under_it_is_reported() -> None:
    b = parse_text("- Un point.\n\n## Perspectives\n", "n.md")
    assert [p.text for p in b.body] == ["Un point."]
    assert b.warnings == ["12 characters of body text set aside: 1 heading(s) with no text under them"]


# -- generated documents -------------------------------------------------------------------

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
N_NOTES = 5
marker = st.sampled_from(["", "[{}]", "¹", "[{}, {}]"])


@st.composite
def block(draw: st.DrawFn, tag: int) -> tuple[str, str, list[int]]:
    """(kind, markdown, notes cited); words carry a tag number so each block's words are unique."""
    kind = draw(st.sampled_from(["heading", "bullet", "paragraph", "paragraph2"]))
    suffix = "".join(chr(97 + int(d)) for d in str(tag))  # letters: a glued digit would read as a marker
    words = [f"{w}q{suffix}{i}q" for i, w in enumerate(draw(sentence).split())]
    cited: list[int] = []
    form = draw(marker)
    if form == "[{}]":
        cited = [draw(st.integers(1, N_NOTES))]
        mark = f" [{cited[0]}]"
    elif form == "[{}, {}]":
        cited = sorted(draw(st.sets(st.integers(1, N_NOTES), min_size=2, max_size=2)))
        mark = f" [{cited[0]}, {cited[1]}]"
    elif form == "¹":
        cited, mark = [1], "¹"
    else:
        mark = ""
    text = " ".join(words)
    if kind == "heading":
        return "heading", f"## {text.capitalize()}", []
    if kind == "bullet":
        return "bullet", f"- {text}{mark}.", cited
    if kind == "paragraph2":  # a paragraph wrapped on two lines
        half = max(1, len(words) // 2)
        return (
            "paragraph",
            f"{' '.join(words[:half])}{mark}\n{' '.join(words[half:])}.".replace("\n.", "."),
            cited,
        )
    return "paragraph", f"{text}{mark}.", cited


@st.composite
def document(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, list[int]]]]:
    n = draw(st.integers(1, 12))
    blocks = [draw(block(i)) for i in range(n)]
    if all(kind == "heading" for kind, _, _ in blocks):
        blocks.append(("paragraph", "omega final.", []))
    parts = []
    for i, (kind, md, _) in enumerate(blocks):
        bullets_together = kind == "bullet" and i > 0 and blocks[i - 1][0] == "bullet"
        parts.append(("\n" if bullets_together else "\n\n") + md)
    notes = "\n".join(f"{n}. Source numero {n}, Reuters." for n in range(1, N_NOTES + 1))
    return "# Titre du document" + "".join(parts) + "\n\n## Notes\n" + notes + "\n", blocks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_generated_documents_keep_every_word_and_link_every_marker(
    doc: tuple[str, list[tuple[str, str, list[int]]]],
) -> None:
    text, blocks = doc
    b = parse_text(text, "gen.md")
    words_in = [re.findall(r"\w+", p.text) for p in b.body]
    for kind, md, cited in blocks:
        if kind == "heading":
            continue
        body_words = re.findall(r"[a-z]+q[a-z]+\d+q|omega|final", md)
        for w in body_words:
            holders = [i for i, ws in enumerate(words_in) if w in ws]
            assert len(holders) == 1, (w, text)
        if not body_words:
            continue
        passage = b.body[next(i for i, ws in enumerate(words_in) if body_words[0] in ws)]
        assert passage.kind == kind
        assert set(cited) <= set(passage.footnotes), (md, passage)
        for n in cited:
            assert passage.number in next(f for f in b.footnotes if f.number == n).cited_by
    assert [p.number for p in b.body] == list(range(1, len(b.body) + 1))


def test_a_short_paragraph_ending_in_its_marker_is_a_paragraph_not_a_heading() -> None:
    text = "## Analyse\n\nLe pays a réagi.[1]\n\nLa frontière reste fermée[2]\n\n## Notes\n1. AFP, 2 mars 2024.\n2. Reuters, 3 mars 2024.\n"
    b = parse_text(text, "court.md")
    assert [(p.kind, p.text, p.footnotes) for p in b.body] == [
        ("paragraph", "Le pays a réagi.", [1]),
        ("paragraph", "La frontière reste fermée", [2]),
    ]
