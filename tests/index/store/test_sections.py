"""A passage's section path is stored, read back, and part of the text that stands for it when
searched; a briefing without headings is stored and searched exactly as before; an index written
before sections were stored still opens and updates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.records import Briefing
from index.search.hybrid import Searcher
from index.store import database, generations
from index.store.builder import update_index
from index.store.representation import passage_texts
from tests.helpers.corpus import ENERGY, KAZAKHSTAN, SECTIONED, write_briefings
from tests.helpers.embedders import HashEmbedder


def _stored(ix: Path) -> Briefing:
    """The one briefing of the index at `ix`, read back from its live generation."""
    gen = generations.current_generation(ix)
    assert gen is not None
    conn = database.open_db(gen / "meta.sqlite")
    (briefing_id,) = conn.execute("SELECT id FROM briefings").fetchone()
    try:
        return database.read_briefing(conn, briefing_id)
    finally:
        conn.close()


def test_sections_are_stored_and_read_back(tmp_path: Path) -> None:
    update_index(
        tmp_path / "ix", [write_briefings(tmp_path / "b", {"wa-2024-02-01.md": SECTIONED})], HashEmbedder()
    )
    b = _stored(tmp_path / "ix")
    assert [(p.kind, p.number, p.section) for p in b.passages if p.kind != "footnote"] == [
        ("bullet", 1, "Analysis › Sahel"),
        ("bullet", 2, "Analysis › Sahel"),
        ("bullet", 3, "Analysis › Piracy"),
        ("paragraph", 4, "Outlook"),
    ]
    assert all(p.section is None for p in b.footnotes)


def test_the_section_is_part_of_a_passages_searchable_text() -> None:
    from index.parse.reader import parse_bytes

    b = parse_bytes(SECTIONED.encode(), "wa-2024-02-01.md")
    texts = {(p.kind, p.number): t for p, t in zip(b.passages, passage_texts(b), strict=True)}
    assert texts["bullet", 3].startswith("Analysis › Piracy: Attacks on tankers in the gulf")
    assert texts["bullet", 3].endswith("IMB, 15 January 2024.")  # its note stays beside it
    assert texts["paragraph", 4].startswith("Outlook: Observers expect")
    assert texts["footnote", 2].startswith('"Gulf of Guinea report"')  # a note has no section


def test_a_briefing_without_headings_is_searched_as_its_text_and_notes_alone() -> None:
    """The sample layout (bullets and a Sources list, no heading) gets no section, so neither its
    stored passages nor what stands for them in search change."""
    from index.parse.reader import parse_bytes

    b = parse_bytes(KAZAKHSTAN.encode(), "briefing-2022-09-15.txt")
    assert b.body and all(p.section is None for p in b.passages)
    notes = {n.number: n.text for n in b.footnotes}
    expected = [
        f"{p.text} {' '.join(notes[n] for n in p.footnotes)}".strip() if p.kind != "footnote" else p.text
        for p in b.passages
    ]
    assert passage_texts(b) == expected


def test_a_generation_without_the_section_column_still_opens_and_updates(tmp_path: Path) -> None:
    folder = write_briefings(tmp_path / "b", {"wa-2024-02-01.md": SECTIONED})
    ix, embedder = tmp_path / "ix", HashEmbedder()
    update_index(ix, [folder], embedder)
    gen = generations.current_generation(ix)
    assert gen is not None
    conn = sqlite3.connect(gen / "meta.sqlite")
    conn.execute("ALTER TABLE passages DROP COLUMN section")
    conn.commit()
    conn.close()
    s = Searcher(ix, embedder)  # type: ignore[arg-type]
    hits = s.search("tankers gulf", k=7)
    assert hits and all(h.section is None and h.as_json()["section"] is None for h in hits)
    assert all(c["section"] is None for h in hits for c in h.cited_by)
    s.close()
    write_briefings(folder, {"energy-2022-11-23.md": ENERGY})
    report = update_index(ix, [folder], embedder)
    assert (report.briefings, report.added) == (2, 1)
    s = Searcher(ix, embedder)  # type: ignore[arg-type]
    assert s.search("tankers gulf", k=1)[0].section is None  # carried over as it was stored
    s.close()
