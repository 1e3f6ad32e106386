"""Notes lists as analysts write them: their headings, their entries, several sources in one note,
addresses written not to be links, and the markers that cite them."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from index.parse.sources import parse_source
from index.records import Source
from tests.helpers.parsing import footnote, parse

BODY = """\
# Sahel weekly

The junta announced the withdrawal of the European task force after nine years [1].

- A convoy was attacked near Gao on Tuesday evening [2].
"""


@pytest.mark.parametrize(
    "heading",
    [
        "Endnotes",
        "## Endnotes",
        "### Footnotes",
        "**Works cited**",
        "__Notes de bas de page__",
        "Références bibliographiques :",
        "#### Bibliographie",
        "*Notes and references*",
        "**Sources:**",
    ],
)
def test_a_notes_list_under_any_usual_heading_is_read_as_notes(heading: str) -> None:
    b = parse(f"{BODY}\n{heading}\n\n1. Le Monde, 12 March 2024.\n2. RFI, 14 March 2024.\n", "n.md")
    assert [p.text for p in b.body] == [
        "The junta announced the withdrawal of the European task force after nine years.",
        "A convoy was attacked near Gao on Tuesday evening.",
    ]
    assert [p.footnotes for p in b.body] == [[1], [2]]
    assert footnote(b, 2).text == "RFI, 14 March 2024."


@pytest.mark.parametrize("style", ["{n}. ", "{n}) ", "[{n}] ", "^{n} ", "[^{n}]: "])
def test_numbered_entries_in_every_usual_style(style: str) -> None:
    notes = "".join(style.format(n=n) + f"Outlet {n}, 1 March 2024.\n" for n in (1, 2))
    b = parse(f"{BODY}\nNotes\n\n{notes}", "n.md")
    assert [p.footnotes for p in b.body] == [[1], [2]]
    assert footnote(b, 1).text == "Outlet 1, 1 March 2024."
    assert footnote(b, 1).cited_by == [1]


def test_a_bare_number_opening_a_note_line_is_not_a_note_number() -> None:
    b = parse(f"{BODY}\nSources\n\n15 March 2024, Le Monde.\n\nRFI, 14 March 2024.\n", "n.md")
    assert footnote(b, 1).text == "15 March 2024, Le Monde."


def test_one_note_holding_several_sources_keeps_them_all() -> None:
    text = (
        "Le Monde, « Le Mali et Takuba », 2 mars 2024, https://www.lemonde.fr/afrique/a ; "
        "RFI, « Takuba quitte le Mali », 3 mars 2024, https://www.rfi.fr/fr/b"
    )
    b = parse(f"{BODY}\nEndnotes\n\n[1] {text}\n[2] Reuters, 4 mars 2024.\n", "n.md")
    note = footnote(b, 1)
    assert note.text == text  # nothing of the note is lost
    source = note.source
    assert source is not None
    assert source.urls == ("https://www.lemonde.fr/afrique/a", "https://www.rfi.fr/fr/b")
    assert (source.title, source.date, source.url) == ("Le Mali et Takuba", "2024-03-02", source.urls[0])
    assert [(o.title, o.date, o.url) for o in source.others] == [
        ("Takuba quitte le Mali", "2024-03-03", "https://www.rfi.fr/fr/b")
    ]


def test_a_semicolon_inside_one_source_does_not_split_it() -> None:
    source = parse_source("« Titre ; sous-titre », Le Figaro, 2 mai 2023")
    assert (source.title, source.outlet, source.others) == ("Titre ; sous-titre", "Le Figaro", ())


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Reuters, lemonde dot fr/afrique/article-123", "lemonde dot fr/afrique/article-123"),
        ("Rapport, example[.]com/report.pdf", "example[.]com/report.pdf"),
        ("Leak site: hxxps://bad.example.org/dump", "hxxps://bad.example.org/dump"),
    ],
)
def test_an_address_written_not_to_be_a_link_is_kept_as_written(text: str, written: str) -> None:
    b = parse(f"{BODY}\nNotes\n\n1. {text}\n2. RFI.\n", "n.md")
    note = footnote(b, 1)
    assert note.text == text
    assert note.source is not None and note.source.url == written and note.source.urls == (written,)


def test_markers_lists_ranges_and_adjacent_brackets_cite_every_note() -> None:
    text = (
        "- Niger closed its airspace [1, 3].\n"
        "- Mali and Burkina Faso followed within a week [2–4].\n"
        "- ECOWAS lifted the sanctions [1][4].\n\n"
        "Notes\n\n1. A.\n2. B.\n3. C.\n4. D.\n"
    )
    b = parse(text, "n.md")
    assert [p.footnotes for p in b.body] == [[1, 3], [2, 3, 4], [1, 4]]
    assert [p.text for p in b.body][2] == "ECOWAS lifted the sanctions."
    assert footnote(b, 4).cited_by == [2, 3]


def test_a_source_survives_storage_and_a_stored_source_of_the_older_form_opens() -> None:
    source = parse_source("Le Monde, « A », https://a.fr/x ; RFI, « B », https://b.fr/y")
    assert Source.from_dict(asdict(source)) == source
    older = {"title": "A", "outlet": "Le Monde", "author": None, "date": None, "url": "https://a.fr"}
    assert Source.from_dict(older) == Source(title="A", outlet="Le Monde", url="https://a.fr")


def test_a_name_before_the_title_is_the_outlet_unless_an_outlet_follows_the_title() -> None:
    alone = parse_source("RFI, « Takuba quitte le Mali », 3 mars 2024")
    assert (alone.outlet, alone.author, alone.title) == ("RFI", None, "Takuba quitte le Mali")
    both = parse_source("Jack Lau, « China’s No 3 official », South China Morning Post, 12 septembre 2022.")
    assert (both.author, both.outlet) == ("Jack Lau", "South China Morning Post")


def test_a_bullet_reading_sources_is_not_a_notes_heading() -> None:
    b = parse("* Sources\n* Mali closed its border [1].\n\nNotes\n\n1. RFI.\n", "n.txt")
    assert [p.text for p in b.bullets] == ["Sources", "Mali closed its border."]
    assert footnote(b, 1).cited_by == [2]


def test_a_name_before_the_title_and_an_address_after_it_is_the_author() -> None:
    source = parse_source("Jean Dupont, « Le Mali et Takuba », https://www.lemonde.fr/afrique/a")
    assert (source.author, source.outlet) == ("Jean Dupont", "lemonde.fr")


def test_a_document_titled_note_keeps_its_body() -> None:
    b = parse(
        "Note\n\nThe junta announced the withdrawal [1].\n\nA second paragraph.\n\nSources\n\n1. RFI.\n",
        "n.txt",
    )
    assert [p.text for p in b.body] == ["The junta announced the withdrawal.", "A second paragraph."]
    assert footnote(b, 1).cited_by == [1]
    single = parse("Body text here [1].\n\nSource\n\n1. Le Monde, 2 mars 2024.\n", "s.txt")
    assert footnote(single, 1).text == "Le Monde, 2 mars 2024."


@pytest.mark.parametrize("path", ["n.txt", "n.md"])
def test_a_wrapped_note_and_a_list_inside_a_note_stay_in_that_note(path: str) -> None:
    text = (
        "# Revue\n\nBody [1] and [2] and [3].\n\n## Notes\n\n"
        "1. Rapport publié le 12 mars\n   2024. En ligne.\n2. RFI\n   - voir p. 3\n3. Reuters.\n"
    )
    b = parse(text, path)
    assert [(n.number, n.text) for n in b.footnotes] == [
        (1, "Rapport publié le 12 mars 2024. En ligne."),
        (2, "RFI - voir p. 3" if path.endswith(".txt") else "RFI voir p. 3"),
        (3, "Reuters."),
    ]
