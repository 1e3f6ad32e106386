"""Uploaded briefings: safe names inside the uploads folder, allowed types and sizes, no overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat.uploads import safe_name, store_uploads


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("Note de synthèse (2).HTML", "Note_de_synthese_2.html"),
        (".hidden.txt", "hidden.txt"),
        ("/abs/path/brief.txt", "brief.txt"),
    ],
)
def test_upload_names_cannot_leave_the_uploads_folder(given: str, stored: str) -> None:
    assert safe_name(given) == stored


def test_uploads_keep_allowed_types_within_the_size_limit(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    files = []
    for name, body in [
        ("a.txt", "x" * 10),
        ("b.exe", "MZ"),
        ("big.md", "y" * 5000),
        ("../c.html", "<li>z</li>"),
    ]:
        (temp / Path(name).name).write_text(body)
        files.append((name, temp / Path(name).name))
    out = store_uploads(files, tmp_path / "up", max_bytes=1000)
    assert sorted(p.name for p in out.saved) == ["a.txt", "c.html"]
    assert all(p.parent == tmp_path / "up" for p in out.saved)
    refused = {r["file"]: r["reason"] for r in out.refused}
    assert "only" in refused["b.exe"] and "upload limit" in refused["big.md"]


def test_an_upload_never_overwrites_another_briefing_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "one").write_text("first")
    (tmp_path / "two").write_text("second")
    first = store_uploads([("brief.txt", tmp_path / "one")], tmp_path / "up").saved[0]
    second = store_uploads([("brief.txt", tmp_path / "two")], tmp_path / "up").saved[0]
    again = store_uploads([("brief.txt", tmp_path / "one")], tmp_path / "up").saved[0]
    assert first != second and again == first
    assert first.read_text() == "first" and second.read_text() == "second"
