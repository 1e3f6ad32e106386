"""The Word and PDF corpus (tests/corpus/office.py) read back: each question's gold passage is one
passage of its file, it cites the note the question names, and every paragraph, bullet and table
the author wrote comes out as its own passage, whole."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from index.parse.markers import normalise_space
from index.parse.reader import parse_file
from index.records import Briefing, Passage
from tests.corpus import office


def _norm(text: str) -> str:
    """Whitespace as the parser leaves it; Latin-1 folding too, since a PDF falls back to it when
    the system lacks DejaVu."""
    return normalise_space(text).translate(office.LATIN1_FOLD)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("office") / "briefings"
    assert office.write_documents(path) == [doc.name for doc in office.DOCUMENTS]
    return path


@pytest.fixture(scope="module")
def parsed(folder: Path) -> dict[str, Briefing]:
    return {doc.name: parse_file(folder / doc.name) for doc in office.DOCUMENTS}


def _written_blocks(doc: office.Document) -> list[str]:
    """The body blocks as the author wrote them, markers removed: a table is its rows, cells
    joined by ` | `."""
    blocks = []
    for block in doc.blocks:
        if block.kind in ("p", "li"):
            blocks.append(_norm(re.sub(r"\[\^\w+\]", "", block.text)))
        elif block.kind == "table":
            blocks.append(_norm(" ".join(" | ".join(row) for row in block.rows)))
    return blocks


def test_the_corpus_mixes_word_and_pdf_french_and_english(folder: Path, parsed: dict[str, Briefing]) -> None:
    kinds = Counter((Path(name).suffix, doc.lang) for name, doc in zip(parsed, office.DOCUMENTS, strict=True))
    assert kinds == {(".docx", "fr"): 3, (".docx", "en"): 3, (".pdf", "fr"): 3, (".pdf", "en"): 3}
    for doc in office.DOCUMENTS:
        briefing = parsed[doc.name]
        assert briefing.language == doc.lang, doc.name
        assert briefing.date is not None and briefing.title, doc.name
        words = sum(len(p.text.split()) for p in briefing.passages)
        assert 150 <= words <= 600, (doc.name, words)
        assert (folder / doc.name).stat().st_size < 50_000, doc.name


def test_word_files_have_real_footnotes_and_endnotes_and_one_long_paragraph(folder: Path) -> None:
    import zipfile

    parts = {}
    for doc in office.DOCUMENTS:
        if doc.name.endswith(".docx"):
            names = set(zipfile.ZipFile(folder / doc.name).namelist())
            parts[doc.name] = {p for p in ("word/footnotes.xml", "word/endnotes.xml") if p in names}
    assert {"word/footnotes.xml"} in parts.values()
    assert {"word/endnotes.xml"} in parts.values()
    assert {"word/footnotes.xml", "word/endnotes.xml"} in parts.values()
    assert any(len(text) > 1500 for doc in office.DOCUMENTS for text in _written_blocks(doc))


def test_pdf_notes_sit_at_the_bottom_of_the_page_that_cites_them(parsed: dict[str, Briefing]) -> None:
    """Each PDF has two pages or more, and a note at the bottom of page 2, cited."""
    for doc in office.DOCUMENTS:
        if not doc.name.endswith(".pdf"):
            continue
        briefing = parsed[doc.name]
        assert max(p.page or 0 for p in briefing.passages) >= 2, doc.name
        assert any(note.page == 2 and note.cited_by for note in briefing.footnotes), doc.name
        assert not briefing.warnings, (doc.name, briefing.warnings)


def test_questions_are_well_formed() -> None:
    by_file = Counter(q["file"] for q in office.QUESTIONS)
    assert len(office.QUESTIONS) >= 40
    assert set(by_file) == {doc.name for doc in office.DOCUMENTS}
    assert all(3 <= n <= 4 for n in by_file.values()), by_file
    langs = {doc.name: doc.lang for doc in office.DOCUMENTS}
    for q in office.QUESTIONS:
        assert q["lang"] == langs[q["file"]], q
        assert 20 <= len(q["gold"]) <= 60, q["gold"]
        if q["file"].endswith(".pdf"):
            # What a PDF question names must survive the Latin-1 fallback font.
            for text in (q["gold"], q["note"] or ""):
                text.encode("latin-1")


def _containing(passages: list[Passage], text: str) -> list[Passage]:
    return [p for p in passages if _norm(text) in _norm(p.text)]


@pytest.mark.parametrize("q", office.QUESTIONS, ids=lambda q: f"{q['file'][:20]}:{q['gold'][:25]}")
def test_gold_is_one_passage_citing_its_note(parsed: dict[str, Briefing], q: dict[str, Any]) -> None:
    everywhere = [p for b in parsed.values() for p in _containing(b.passages, q["gold"])]
    here = _containing(parsed[q["file"]].passages, q["gold"])
    assert len(here) == 1, [p.text for p in here]
    assert len(everywhere) == 1, "the gold text is not unique in the corpus"
    passage = here[0]
    assert passage.kind != "footnote"
    if q["note"] is not None:
        notes = {n.number: n for n in parsed[q["file"]].footnotes}
        cited = [notes[n].text for n in passage.footnotes]
        assert any(_norm(q["note"]) in _norm(text) for text in cited), cited


@pytest.mark.parametrize("doc", office.DOCUMENTS, ids=lambda doc: doc.name)
def test_every_written_block_is_its_own_passages_whole(
    parsed: dict[str, Briefing], doc: office.Document
) -> None:
    """No block is lost, none is merged with another: a long one may be cut into several passages."""
    written = _written_blocks(doc)
    read: list[list[str]] = [[] for _ in written]
    current = 0
    # A date line with more than a date ("9 February 2024 | Prepared for …") is kept as a passage.
    dates = [_norm(b.text) for b in doc.blocks if b.kind == "date"]
    for passage in (p for p in parsed[doc.name].body if _norm(p.text) not in dates):
        homes = [i for i in range(current, len(written)) if _norm(passage.text) in written[i]]
        assert homes, f"passage {passage.number} is no block as written, in order: {passage.text!r}"
        current = homes[0]
        read[current].append(_norm(passage.text))
    assert [" ".join(parts) for parts in read] == written
