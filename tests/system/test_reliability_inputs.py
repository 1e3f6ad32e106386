"""Hostile sizes and bytes: the parser and the indexer finish, in bounded time, or skip with a reason.

The big inputs are indexed with a hashing embedder: what is under test is parsing, BM25,
FAISS and SQLite at these sizes, not the model's speed (bench/speed.py measures that).
Time bounds are loose on purpose (a shared 2-core machine): they catch a quadratic blow-up,
which would take hours, not a few seconds of noise. bench/fuzz_parser.py is the long fuzzer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.main import main
from index.parse.decode import DEFAULT_MAX_BYTES
from index.parse.reader import parse_bytes
from index.records import SkippedFile
from index.search.hybrid import FusionWeights, Searcher
from index.store.builder import update_index
from tests.helpers.embedders import HashEmbedder
from tests.helpers.parsing import parsed_or_skipped

pytestmark = pytest.mark.slow  # 20 MB briefings, 10,000 footnotes, deep HTML


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


BULLET = (
    "• Le ministre kazakh des Affaires étrangères a démenti ce matin à Astana la rumeur d'un retrait "
    "de l'OTSC, rappelant les engagements pris lors du sommet de septembre et les exercices conjoints "
    "prévus à la frontière, selon une dépêche citée par plusieurs agences régionales{n}.\n"
)


def text_briefing(size: int) -> bytes:
    """A plain-text briefing of `size` bytes: bullets with glued notes, then the Sources list."""
    notes = "Sources\n" + "".join(
        f"{n}. « Dépêche {n} », Kazinform, 15 septembre 2022.\n" for n in range(1, 51)
    )
    body_size = size - len(notes.encode())
    parts, total, n = [], 0, 0
    while True:
        line = BULLET.format(n=n % 50 + 1).encode()
        if total + len(line) > body_size:
            break
        parts.append(line)
        total += len(line)
        n += 1
    return b"".join(parts) + b" " * (body_size - total) + notes.encode()


def test_a_20_mb_text_briefing_parses_in_bounded_time() -> None:
    data = text_briefing(DEFAULT_MAX_BYTES - 1024)
    assert len(data) == DEFAULT_MAX_BYTES - 1024
    briefing, seconds = timed(lambda: parse_bytes(data, "big.txt"))
    assert not isinstance(briefing, float)
    bullets = briefing.bullets  # type: ignore[attr-defined]
    assert len(bullets) > 60_000 and len(briefing.footnotes) == 50  # type: ignore[attr-defined]
    # Notes are cited 1..50 and then again: a glued "régionales48." cites note 48, not "régionales4" + 8.
    assert all(b.footnotes == [(b.number - 1) % 50 + 1] for b in bullets)
    assert all(b.text.endswith("agences régionales.") for b in bullets)
    assert seconds < 120, f"20 MB parsed in {seconds:.1f} s"


def test_a_20_mb_html_export_indexes_and_searches(tmp_path: Path) -> None:
    """Saved web pages reach 20 MB through inline images and scripts around a few hundred bullets."""
    bullets = "".join(
        f"<li>Le convoi {i} a quitté Gdansk avec {i % 90} wagons<sup>1</sup>.</li>" for i in range(300)
    )
    page = (
        "<!doctype html><html><head><title>Revue</title><style>" + "p{margin:0}" * 200_000 + "</style></head>"
        f"<body><ul>{bullets}</ul><h2>Sources</h2><ol><li>« Ports », Le Courrier, 2 mars 2023.</li></ol>"
        '<img src="data:image/png;base64,{}">'
        "<script>{}</script></body></html>"
    )
    filler = DEFAULT_MAX_BYTES - 1024 - len(page.encode())
    page = page.replace("{}", "A" * (filler // 2), 1).replace("{}", "x" * (filler - filler // 2), 1)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "revue.html").write_text(page, encoding="utf-8")
    report, seconds = timed(lambda: update_index(tmp_path / "ix", [tmp_path / "c"], HashEmbedder()))
    assert report.skipped == [] and report.passages == 301  # type: ignore[attr-defined]
    # The stand-in's vectors are noise: the words alone find the bullet among 300 alike.
    lexical = FusionWeights(dense=0.0)
    hit = Searcher(tmp_path / "ix", HashEmbedder(), lexical).search("convoi 17 Gdansk", k=1)[0]  # type: ignore[arg-type]
    assert hit.text.startswith("Le convoi 17 a quitté Gdansk") and hit.footnotes[0]["number"] == 1
    assert seconds < 120, f"20 MB HTML indexed in {seconds:.1f} s"


def test_a_file_over_the_size_limit_is_skipped_with_its_reason(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    over = corpus / "over.txt"
    with over.open("wb") as fh:  # sparse: the size is what counts, the file is never read
        fh.truncate(DEFAULT_MAX_BYTES + 1)
    report = update_index(tmp_path / "ix", [corpus], HashEmbedder())  # type: ignore[arg-type]
    assert report.skipped == [
        {
            "file": str(over.resolve()),
            "reason": f"file is {DEFAULT_MAX_BYTES + 1:,} bytes, over the 20,971,520-byte limit",
        }
    ]
    assert report.briefings == 2

    # The command line's --max-bytes moves the limit and says so in the JSON summary.
    over.unlink()
    capsys.readouterr()
    assert (
        main(["index", "--index", str(tmp_path / "ix2"), "--json", "--max-bytes", "1000", str(corpus)]) == 0
    )
    summary = json.loads(capsys.readouterr().out)
    reasons = {Path(s["file"]).name: s["reason"] for s in summary["skipped"]}
    big = (corpus / "briefing-2022-09-15.txt").stat().st_size
    assert reasons == {"briefing-2022-09-15.txt": f"file is {big:,} bytes, over the 1,000-byte limit"}
    assert summary["briefings"] == 1


def test_a_5_mb_single_line_indexes_as_readable_passages(tmp_path: Path) -> None:
    line = " ".join(f"mot{i % 997} Astana" for i in range(500_000))[: 5 * 1024 * 1024]
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "line.txt").write_text(line, encoding="utf-8")
    report, seconds = timed(lambda: update_index(tmp_path / "ix", [tmp_path / "c"], HashEmbedder()))
    # No sentence end: the line is cut at word boundaries into passages a person can read.
    assert report.passages >= 5_000  # type: ignore[attr-defined]
    hit = Searcher(tmp_path / "ix", HashEmbedder()).search("mot996 Astana", k=1)[0]  # type: ignore[arg-type]
    assert len(hit.text) <= 1_000 and "mot996" in hit.text
    assert seconds < 120, f"one 5 MB line indexed in {seconds:.1f} s"


def test_10000_footnotes_are_parsed_linked_and_indexed(tmp_path: Path) -> None:
    n = 10_000
    text = "".join(f"• Le convoi {i} a quitté le port [{i}].\n" for i in range(1, n + 1))
    text += "Sources\n" + "".join(
        f"[{i}] « Dépêche numéro {i} », Le Courrier, 2 mars 2023.\n" for i in range(1, n + 1)
    )
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text(text, encoding="utf-8")
    briefing = parse_bytes(text.encode(), "notes.txt")
    assert len(briefing.footnotes) == n and briefing.warnings == []
    assert all(b.footnotes == [b.number] for b in briefing.bullets)
    report, seconds = timed(lambda: update_index(tmp_path / "ix", [tmp_path / "c"], HashEmbedder()))
    assert report.passages == 2 * n  # type: ignore[attr-defined]
    hit = Searcher(tmp_path / "ix", HashEmbedder()).search("convoi 9876", k=1)[0]  # type: ignore[arg-type]
    assert hit.number == 9876 and hit.footnotes[0]["source"]["title"] == "Dépêche numéro 9876"
    assert seconds < 120, f"10,000 footnotes indexed in {seconds:.1f} s"


def test_deeply_nested_html_parses_and_indexes(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """No recursion in the HTML reader: 100,000 nested divs and 5,000 nested lists are fine.

    Nested lists whose items hold only the next list must not leave bullets reading "•".
    """
    deep = "<div>" * 100_000 + "<p>Le port de Gdansk a rouvert.</p>" + "</div>" * 100_000
    lists = "<ul><li>" * 5_000 + "Le convoi est arrivé à Varna." + "</li></ul>" * 5_000
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "divs.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    (folder / "lists.html").write_text(f"<html><body>{lists}</body></html>", encoding="utf-8")
    for name, text in (
        ("divs.html", "Le port de Gdansk a rouvert."),
        ("lists.html", "Le convoi est arrivé à Varna."),
    ):
        b = parse_bytes((folder / name).read_bytes(), name)
        assert [p.text for p in b.passages] == [text]
    report = update_index(tmp_path / "ix", [folder], embedder)
    assert report.passages == 2
    assert Searcher(tmp_path / "ix", embedder).search("convoi Varna", k=1)[0].file == "lists.html"


def test_nul_bytes_are_dropped_or_the_file_skipped_as_binary(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "sparse.txt").write_bytes(
        "• Le port\x00 de Gdansk a rouvert.\n• Le convoi\x00 est à Varna.\n".encode()
    )
    (folder / "dense.txt").write_bytes(b"\x00" * 4000 + "• Le port de Gdansk.\n".encode())
    report = update_index(tmp_path / "ix", [folder], embedder)
    assert report.skipped == [
        {"file": str((folder / "dense.txt").resolve()), "reason": "binary file (not text)"}
    ]
    hit = Searcher(tmp_path / "ix", embedder).search("port de Gdansk", k=1)[0]
    assert hit.text == "Le port de Gdansk a rouvert."


def test_mixed_encodings_are_all_read(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """UTF-8 with cp1252 lines pasted in, latin-1 with cp1252's undefined bytes, UTF-16 with and without BOM."""
    folder = tmp_path / "c"
    folder.mkdir()
    mixed = "• Réunion à Bruxelles sur l'énergie.\n".encode() + "• Le café de Gdańsk coûte 3 €.\n".encode(
        "cp1252", "replace"
    )
    (folder / "mixed.txt").write_bytes(mixed)
    (folder / "latin1.txt").write_bytes(
        "- Élection à Tiraspol, scrutin contesté.\n".encode("latin-1") + b"\x81\x8d\n"
    )
    utf16 = "• Жук: визит в Астану перенесён.\n• Visite à Astana reportée.\n"
    (folder / "bom16.txt").write_bytes(utf16.encode("utf-16"))
    (folder / "nobom16.txt").write_bytes(utf16.replace("Astana", "Almaty").encode("utf-16-le"))
    report = update_index(tmp_path / "ix", [folder], embedder)
    assert report.skipped == [] and report.briefings == 4
    s = Searcher(tmp_path / "ix", embedder)
    assert s.search("café Gdansk", k=1)[0].text == "Le caf\u00e9 de Gda?sk co\u00fbte 3 \u20ac."
    assert s.search("Tiraspol élection", k=1)[0].text.startswith("Élection à Tiraspol")
    assert s.search("visite Almaty", k=1)[0].file == "nobom16.txt"
    assert s.search("Жук Астану", k=1)[0].text.startswith("Жук")


def test_unreadable_bytes_never_raise_from_parse_bytes() -> None:
    """Degenerate shapes at the decoder's edges: a lone BOM, odd-length UTF-16, only NULs."""
    for data in (
        b"\xff\xfe",
        b"\xff\xfe\x41",
        "• é\n".encode("utf-16-le")[:-1],
        b"\x00" * 10,
        b"\xef\xbb\xbf",
    ):
        result = parsed_or_skipped(lambda data=data: parse_bytes(data, "x.txt"))
        if isinstance(result, SkippedFile):
            assert str(result), f"skipped without a reason: {data!r}"
