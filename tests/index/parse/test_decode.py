"""Reading files: encodings, binary and empty files, the size limit."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from index.parse.decode import decode
from index.parse.reader import parse_bytes, parse_file
from index.records import SkippedFile

BRIEFING = "• Le président s’est rendu à Pékin1.\nSources\n1. « Visite », Le Monde, 3 mars 2023.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (BRIEFING.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + BRIEFING.encode("utf-8"), "utf-8-sig"),
        (BRIEFING.encode("cp1252"), "cp1252"),  # ’ is 0x92 in Windows files
        (codecs.BOM_UTF16_LE + BRIEFING.encode("utf-16-le"), "utf-16"),
    ],
)
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    assert decode(data) == (BRIEFING, encoding)


def test_latin1_bytes_undefined_in_cp1252_still_decode() -> None:
    text, encoding = decode("café ".encode("latin-1") + b"\x81 fin")
    assert text == "café \x81 fin"
    assert encoding == "latin-1"


def test_mixed_utf8_and_cp1252_keeps_both_right() -> None:
    data = "• Été à Pékin ".encode() + "et café’".encode("cp1252") + b"1.\nSources\n1. A\n"
    text, _ = decode(data)
    assert text.startswith("• Été à Pékin et café’1.")


def test_bom_is_not_part_of_the_text_or_offsets() -> None:
    b = parse_bytes(codecs.BOM_UTF8 + BRIEFING.encode(), "x.txt")
    bullet = b.bullets[0]
    assert BRIEFING[bullet.start : bullet.end] == "Le président s’est rendu à Pékin1."
    assert bullet.footnotes == [1]


def test_cp1252_file_parses_like_utf8() -> None:
    utf8 = parse_bytes(BRIEFING.encode("utf-8"), "a.txt")
    cp1252 = parse_bytes(BRIEFING.encode("cp1252"), "a.txt")
    assert [p.text for p in cp1252.passages] == [p.text for p in utf8.passages]
    assert cp1252.id == utf8.id


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  ", codecs.BOM_UTF8 + b"\n"])
def test_empty_files_are_skipped(data: bytes) -> None:
    with pytest.raises(SkippedFile, match=r"empty|no text"):
        parse_bytes(data, "empty.txt")


def test_binary_file_is_skipped_with_the_reason() -> None:
    data = bytes(range(256)) * 40  # NULs and control bytes throughout, like an image
    with pytest.raises(SkippedFile, match="binary"):
        parse_bytes(data, "photo.txt")


def test_a_few_nul_bytes_in_text_do_not_stop_parsing() -> None:
    b = parse_bytes(BRIEFING.replace("rendu", "ren\x00du").encode(), "x.txt")
    assert b.bullets[0].text == "Le président s’est rendu à Pékin."
    assert b.bullets[0].footnotes == [1]


def test_size_limit_skips_big_input(tmp_path: Path) -> None:
    data = BRIEFING.encode()
    with pytest.raises(SkippedFile, match="limit"):
        decode(data, max_bytes=len(data) - 1)
    with pytest.raises(SkippedFile, match="limit"):
        parse_bytes(data, "x.txt", max_bytes=10)
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    with pytest.raises(SkippedFile, match="limit"):
        parse_file(path, max_bytes=10)
    assert parse_file(path, max_bytes=len(data)).bullets[0].footnotes == [1]


def test_parse_file_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "briefing-2023-03-03.txt"
    path.write_bytes(BRIEFING.encode("cp1252"))
    b = parse_file(path)
    assert (b.path, b.date) == (str(path), "2023-03-03")
    assert [p.kind for p in b.passages] == ["bullet", "footnote"]


def test_missing_or_unreadable_file_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(SkippedFile, match="cannot read"):
        parse_file(tmp_path / "absent.txt")
    with pytest.raises(SkippedFile, match="cannot read"):
        parse_file(tmp_path)  # a directory
