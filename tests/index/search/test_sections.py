"""Headings give a passage its section path: the hit carries it (and its JSON), a note names the
sections of the passages citing it, and a question naming a heading's subject finds the passages
under it even when only the heading says it."""

from __future__ import annotations

import pytest

from index.search.hybrid import Searcher
from tests.helpers.corpus import KAZAKHSTAN, SECTIONED, indexed
from tests.helpers.embedders import HashEmbedder


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    briefings = {"wa-2024-02-01.md": SECTIONED, "briefing-2022-09-15.txt": KAZAKHSTAN}
    return indexed(tmp_path_factory.mktemp("sections"), HashEmbedder(), briefings)  # type: ignore[arg-type]


def test_a_hit_carries_its_section(searcher: Searcher) -> None:
    hit = searcher.search("attacks on tankers in the gulf", k=1)[0]
    assert (hit.file, hit.kind, hit.number) == ("wa-2024-02-01.md", "bullet", 3)
    assert hit.section == "Analysis › Piracy"
    assert hit.as_json()["section"] == "Analysis › Piracy"
    assert hit.text.startswith("Attacks on tankers")  # the section is beside the text, not in it
    outlook = searcher.search("observers expect further departures before the summit", k=1)[0]
    assert (outlook.kind, outlook.section) == ("paragraph", "Outlook")


def test_a_passage_under_no_heading_has_no_section(searcher: Searcher) -> None:
    hit = searcher.search("rumeur OTSC démentie Aydos Sarym", k=1)[0]
    assert hit.file == "briefing-2022-09-15.txt"
    assert hit.section is None and hit.as_json()["section"] is None


def test_a_note_names_the_sections_of_the_passages_citing_it(searcher: Searcher) -> None:
    note = next(h for h in searcher.search("The junta leaves Le Monde", k=10) if h.kind == "footnote")
    assert note.section is None
    assert [(c["kind"], c["number"], c["section"]) for c in note.cited_by] == [
        ("bullet", 1, "Analysis › Sahel"),
        ("paragraph", 4, "Outlook"),
    ]


@pytest.mark.parametrize(
    ("question", "section", "under_it"),
    [
        ("What is new on piracy?", "Analysis › Piracy", 1),
        ("What happened in the Sahel?", "Analysis › Sahel", 2),
    ],
)
def test_a_word_only_in_a_heading_finds_the_passages_under_it(
    searcher: Searcher, question: str, section: str, under_it: int
) -> None:
    hits = searcher.search(question, k=under_it + 1)
    assert [h.section for h in hits[:under_it]] == [section] * under_it
    assert hits[under_it].section != section
    subject = section.split(" › ")[-1].lower()
    assert all(subject not in h.text.lower() for h in hits)  # the heading alone says it
    assert searcher.lexical_strength(subject) > 0  # a word match, not the embedder's luck
