"""SQLite metadata of one index generation: files, briefings and passages.

Row `row` of the passages table is row `row` of the vector and BM25 indexes, so a search
hit is one primary-key lookup away from its text and sources.

The `page` column (a PDF passage's page) and the `section` column (the headings above a bullet
or paragraph, "Analysis › Sahel") are nullable and read with `page_of` and `section_of`, so a
generation written before they existed still opens: its passages have no page and no section.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from index.records import Briefing, Passage, Source

SCHEMA = """
CREATE TABLE briefings (
    id TEXT PRIMARY KEY, title TEXT, date TEXT, language TEXT NOT NULL, warnings TEXT NOT NULL
);
CREATE TABLE files (
    path TEXT PRIMARY KEY, hash TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL,
    briefing_id TEXT NOT NULL REFERENCES briefings(id)
);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, briefing_id TEXT NOT NULL REFERENCES briefings(id),
    kind TEXT NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, footnotes TEXT NOT NULL, cited_by TEXT NOT NULL, source TEXT, page INTEGER,
    section TEXT
);
CREATE INDEX passages_briefing ON passages(briefing_id, kind, number);
CREATE INDEX files_briefing ON files(briefing_id);
"""


def passage_id(briefing_id: str, passage: Passage) -> str:
    return f"{briefing_id}:{passage.kind[0]}{passage.number}"  # b3, p4 or f2


def open_db(path: Path, *, create: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode={'rwc' if create else 'ro'}"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    if create:
        conn.executescript(SCHEMA)
    return conn


def write_briefing(conn: sqlite3.Connection, b: Briefing, first_row: int) -> int:
    """Insert a briefing and its passages from row `first_row`; return the next free row."""
    conn.execute(
        "INSERT INTO briefings VALUES (?, ?, ?, ?, ?)",
        (b.id, b.title, b.date, b.language, json.dumps(b.warnings, ensure_ascii=False)),
    )
    rows = [
        (
            first_row + i,
            passage_id(b.id, p),
            b.id,
            p.kind,
            p.number,
            p.text,
            p.start,
            p.end,
            json.dumps(p.footnotes),
            json.dumps(p.cited_by),
            json.dumps(asdict(p.source), ensure_ascii=False) if p.source else None,
            p.page,
            p.section,
        )
        for i, p in enumerate(b.passages)
    ]
    conn.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return first_row + len(rows)


def write_files(conn: sqlite3.Connection, files: Iterable[tuple[str, str, int, float, str]]) -> None:
    conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)", files)


def read_briefing(conn: sqlite3.Connection, briefing_id: str) -> Briefing:
    """Rebuild a Briefing (with passages in row order) from the store, for reuse on update."""
    b = conn.execute("SELECT * FROM briefings WHERE id = ?", (briefing_id,)).fetchone()
    path = conn.execute(
        "SELECT path FROM files WHERE briefing_id = ? ORDER BY path", (briefing_id,)
    ).fetchone()
    passages = [
        row_to_passage(r)
        for r in conn.execute("SELECT * FROM passages WHERE briefing_id = ? ORDER BY row", (briefing_id,))
    ]
    return Briefing(
        id=b["id"],
        path=path["path"] if path else "",
        title=b["title"],
        date=b["date"],
        language=b["language"],
        passages=passages,
        warnings=json.loads(b["warnings"]),
    )


def row_to_passage(r: sqlite3.Row) -> Passage:
    src = json.loads(r["source"]) if r["source"] else None
    return Passage(
        kind=r["kind"],
        number=r["number"],
        text=r["text"],
        start=r["start"],
        end=r["end"],
        footnotes=json.loads(r["footnotes"]),
        cited_by=json.loads(r["cited_by"]),
        source=Source.from_dict(src) if src else None,
        page=page_of(r),
        section=section_of(r),
    )


def page_of(r: sqlite3.Row) -> int | None:
    """The passage's page, None when it has none or the generation predates the column."""
    return r["page"] if "page" in r.keys() else None  # noqa: SIM118 (`in` on a Row tests its values)


def section_of(r: sqlite3.Row) -> str | None:
    """The passage's section path, None when it has none or the generation predates the column."""
    return r["section"] if "section" in r.keys() else None  # noqa: SIM118 (`in` on a Row tests its values)


def rows_by_id(conn: sqlite3.Connection, rows: Sequence[int]) -> dict[int, sqlite3.Row]:
    """Passages with their briefing's metadata and file name, keyed by row."""
    if not rows:
        return {}
    marks = ",".join("?" * len(rows))
    query = f"""
        SELECT p.*, b.title, b.date, b.language,
               (SELECT path FROM files f WHERE f.briefing_id = p.briefing_id ORDER BY path LIMIT 1) AS path
        FROM passages p JOIN briefings b ON b.id = p.briefing_id WHERE p.row IN ({marks})
    """
    return {r["row"]: r for r in conn.execute(query, list(rows))}


def passages_numbered(
    conn: sqlite3.Connection, briefing_id: str, kinds: Sequence[str], numbers: Sequence[int]
) -> list[sqlite3.Row]:
    """A briefing's passages of these kinds with these numbers, by number (a note's number, or
    the running number bullets and paragraphs share)."""
    if not numbers:
        return []
    kind_marks, number_marks = ",".join("?" * len(kinds)), ",".join("?" * len(numbers))
    return list(
        conn.execute(
            f"SELECT * FROM passages WHERE briefing_id = ? AND kind IN ({kind_marks}) "
            f"AND number IN ({number_marks}) ORDER BY number",
            [briefing_id, *kinds, *numbers],
        )
    )
