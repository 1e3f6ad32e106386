"""Word and PDF briefings through the index: indexed from a folder, searched, pages kept; older generations still open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.search.hybrid import Searcher
from index.store import generations
from index.store.builder import update_index
from tests.index.parse.test_docx import make_docx
from tests.index.parse.test_pdf import make_pdf


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "sahel-2022-09-15.docx").write_bytes(make_docx())
    (folder / "sahel-2022-09-16.pdf").write_bytes(make_pdf())
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    return folder


def test_a_folder_of_docx_and_pdf_is_indexed_and_searched(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    ix = tmp_path / "ix"
    report = update_index(ix, [_folder(tmp_path)], embedder)
    assert report.briefings == 2
    assert [s["file"].rsplit("/", 1)[-1] for s in report.skipped] == ["scan.pdf"]
    assert "not a readable PDF" in report.skipped[0]["reason"]
    s = Searcher(ix, embedder)
    hit = next(h for h in s.search("réunion Union africaine Addis-Abeba", k=5) if h.file.endswith(".pdf"))
    assert (hit.kind, hit.page) == ("paragraph", 2)
    assert hit.footnotes[0]["text"].startswith("Jeune Afrique") and hit.footnotes[0]["page"] == 2
    assert hit.as_json()["page"] == 2
    word = s.search("retrait de la force Takuba", k=5)
    docx_hit = next(h for h in word if h.file.endswith(".docx"))
    assert docx_hit.kind == "paragraph" and docx_hit.page is None
    assert docx_hit.footnotes[0]["text"].startswith("Le Monde")
    s.close()


def test_a_generation_without_the_page_column_still_opens_and_updates(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder = _folder(tmp_path)
    ix = tmp_path / "ix"
    update_index(ix, [folder], embedder)
    gen = generations.current_generation(ix)
    assert gen is not None
    conn = sqlite3.connect(gen / "meta.sqlite")
    conn.execute("ALTER TABLE passages DROP COLUMN page")
    conn.commit()
    conn.close()
    s = Searcher(ix, embedder)
    assert s.search("réunion Union africaine Addis-Abeba", k=1)[0].page is None
    s.close()
    (folder / "extra.docx").write_bytes(make_docx(endnotes=False))
    report = update_index(ix, [folder], embedder)
    assert report.briefings == 3


def test_an_answer_from_a_pdf_cites_its_page(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.answer.pipeline import AnswerSettings, Assistant
    from assistant.chat.render import where

    ix, folder = tmp_path / "ix", tmp_path / "pdf"
    folder.mkdir()
    (folder / "sahel-2022-09-16.pdf").write_bytes(make_pdf())
    update_index(ix, [folder], embedder)
    s = Searcher(ix, embedder)
    answer = Assistant(s, None, AnswerSettings(k=3)).ask(
        "Où la réunion de l'Union africaine est-elle prévue vendredi ?"
    )
    assert not answer.abstained, answer.text
    cited = next(c for c in answer.citations if c["file"].endswith(".pdf"))
    assert cited["page"] == 2
    assert " · p. 2 · " in where(
        cited["file"], cited["briefing_date"], cited["kind"], cited["number"], "fr", 2
    )
    assert " · p. " not in where("a.txt", None, "bullet", 1, "fr")
    s.close()
