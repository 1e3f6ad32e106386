"""Search on a corpus of briefings as analysts really write them (tests/corpus): Markdown with
its many notes layouts, saved web pages with their menus and banners, plain text in the house
style, Word and PDF; French and English. A user asks a question and reads the first three
passages: the gold passage must be among them for 95 % of the questions, with its note's source,
and nothing of a page's boilerplate may be indexed as a passage.

The search is the command line's `search --no-rerank --no-translate`: the hybrid search alone
(bench/eval_documents.py measures the same with the LLM's reranking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.corpus.build import Question, text_documents, write_corpus
from tests.corpus.score import DEPTH, TOP, measure, normalised

FOUND_SHARE = 0.95
MIN_DOCUMENTS = 30
MIN_QUESTIONS = 60

# What the saved pages wrap around their text: no passage may hold any of it.
BOILERPLATE = (
    "Accept cookies",
    "Accepter les cookies",
    "Share on",
    "Partager sur",
    "All rights reserved",
    "Tous droits réservés",
    "Subscribe",
    "S'abonner",
    "min read",
    "min de lecture",
    "cookies",
    "Related reading",
    "Privacy policy",
    "Mentions légales",
)


def visible_text(path: Path) -> str:
    """A text document's words as a reader sees them, whitespace normalised."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        raw = lxml.html.fromstring(raw).text_content()
    return normalised(raw)


def test_the_corpus_is_as_specified(tmp_path: Path) -> None:
    """At least 30 documents of every format in both languages and 60 questions, each on a
    document of the corpus with a gold piece of 20 to 60 characters found once in the corpus."""
    questions = write_corpus(tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) >= MIN_DOCUMENTS, files
    assert {Path(f).suffix for f in files} >= {".md", ".html", ".txt", ".docx", ".pdf"}
    assert len(questions) >= MIN_QUESTIONS
    assert {q.lang for q in questions} == {"fr", "en"}
    assert {q.file for q in questions} == set(files), "every document has questions"
    assert len({q.gold for q in questions}) == len(questions), "a gold piece names one passage"
    texts = {p.name: visible_text(p) for p in text_documents()}
    for q in questions:
        assert 20 <= len(q.gold) <= 60, q
        found = sum(text.count(normalised(q.gold)) for text in texts.values())
        assert found == (1 if q.file in texts else 0), (
            f"{q.gold!r} is in {found} places, not once in {q.file}"
        )
        if q.file in texts and q.note is not None:
            assert normalised(q.note) in texts[q.file], q


@dataclass(frozen=True)
class Indexed:
    files: list[str]
    questions: list[Question]
    report: Any
    searcher: Any


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Indexed:
    from index.search.hybrid import Searcher
    from index.store.builder import update_index

    folder = tmp_path_factory.mktemp("documents")
    questions = write_corpus(folder)
    index_dir = tmp_path_factory.mktemp("index")
    report = update_index(index_dir, [folder], embedder)
    files = sorted(p.name for p in folder.iterdir())
    return Indexed(files, questions, report, Searcher(index_dir, embedder))


@pytest.mark.slow
def test_every_document_is_indexed(indexed: Indexed) -> None:
    assert indexed.report.skipped == []
    rows = indexed.searcher.conn.execute(
        "SELECT f.path, COUNT(p.row) AS n FROM files f LEFT JOIN passages p ON p.briefing_id = f.briefing_id "
        "WHERE p.kind IS NULL OR p.kind != 'footnote' GROUP BY f.path"
    ).fetchall()
    passages = {Path(r["path"]).name: r["n"] for r in rows}
    assert sorted(passages) == indexed.files
    assert [f for f, n in passages.items() if n == 0] == []


@pytest.mark.slow
def test_no_passage_holds_page_boilerplate(indexed: Indexed) -> None:
    rows = indexed.searcher.conn.execute(
        "SELECT f.path, p.kind, p.number, p.text FROM passages p JOIN files f ON f.briefing_id = p.briefing_id"
    ).fetchall()
    kept = [
        f"{Path(r['path']).name} {r['kind']} {r['number']}: {word!r} in «{normalised(r['text'])[:120]}»"
        for r in rows
        for word in BOILERPLATE
        if re.search(re.escape(word), r["text"], re.I)
    ]
    assert kept == [], "\n".join(kept)


@pytest.mark.slow
def test_search_finds_the_gold_passage_in_the_top_3(indexed: Indexed) -> None:
    outcomes = measure(indexed.questions, lambda q: indexed.searcher.search(q, k=DEPTH)[:TOP])
    misses = [o for o in outcomes if not o.found]
    share = 1 - len(misses) / len(outcomes)
    assert share >= FOUND_SHARE, f"found {share:.1%}; missed:\n" + "\n".join(o.describe() for o in misses)


@pytest.mark.slow
def test_the_gold_passage_carries_its_note(indexed: Indexed) -> None:
    outcomes = measure(indexed.questions, lambda q: indexed.searcher.search(q, k=TOP))
    lost = [
        f"{o.question.file}: {o.question.gold!r} lacks note {o.question.note!r}; has "
        + repr([normalised(str(f.get("text", "")))[:80] for f in o.gold_hit.footnotes])
        for o in outcomes
        if o.note_carried is False and o.gold_hit is not None
    ]
    assert lost == [], "\n".join(lost)
