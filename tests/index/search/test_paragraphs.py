"""A briefing written in paragraphs is searched like one written in bullets: its paragraphs are
hits that carry their notes' sources, and a note names the paragraphs that cite it."""

from __future__ import annotations

import pytest

from index.search.hybrid import Searcher
from tests.helpers.corpus import indexed
from tests.index.parse.test_mixed_layouts import MARKDOWN


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory, embedder) -> Searcher:  # type: ignore[no-untyped-def]
    return indexed(tmp_path_factory.mktemp("paragraphs"), embedder, {"sahel-2024-02-03.md": MARKDOWN})


def test_a_paragraph_is_found_with_its_source(searcher: Searcher) -> None:
    hit = searcher.search("Quand la junte malienne a-t-elle annoncé son retrait ?", k=1)[0]
    assert (hit.kind, hit.number) == ("paragraph", 3)
    assert hit.text.startswith("La junte malienne a annoncé son retrait")
    assert [n["number"] for n in hit.footnotes] == [2]
    assert hit.footnotes[0]["text"] == "Le Monde, 29 janvier 2024."
    assert hit.as_json()["kind"] == "paragraph"


def test_a_note_names_the_paragraphs_citing_it(searcher: Searcher) -> None:
    hit = next(h for h in searcher.search("RFI 30 janvier 2024", k=5) if h.kind == "footnote")
    assert hit.number == 3
    assert [(c["kind"], c["number"]) for c in hit.cited_by] == [("paragraph", 4)]


def test_every_paragraph_and_bullet_is_indexed(searcher: Searcher) -> None:
    kinds = [h.kind for h in searcher.search("Sahel Mali Niger Burkina CEDEAO junte experts", k=20)]
    assert kinds.count("bullet") == 2 and kinds.count("paragraph") == 3 and kinds.count("footnote") == 4
