"""One registry of file formats: the readers, the indexer's folders, the uploads and the help agree with it.

A format added to index/parse/formats.py reaches every list of accepted files; a suffix written
out anywhere else fails here, naming the file and line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.chat.uploads import ALLOWED_SUFFIXES, store_uploads
from assistant.main import build_parser
from index.parse import formats, reader
from index.records import Briefing
from index.store.builder import collect_files
from tests.helpers import ROOT

SUFFIXES = formats.suffixes()
UNSUPPORTED = (".doc", ".exe", ".json", ".csv", ".zip", ".tar.gz", "")


def test_each_format_has_its_own_suffixes_in_lower_case_and_a_label() -> None:
    assert len(SUFFIXES) == len(set(SUFFIXES)) == sum(len(f.suffixes) for f in formats.FORMATS)
    assert all(re.fullmatch(r"\.[a-z0-9]+", s) for s in SUFFIXES)
    assert all(f.label and f.suffixes for f in formats.FORMATS)
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".odt", ".pdf"} <= set(SUFFIXES)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_suffix_names_its_format_whatever_its_case(suffix: str) -> None:
    fmt = formats.format_of(f"/briefings/note{suffix.upper()}")
    assert fmt is not None and suffix in fmt.suffixes
    assert formats.is_supported(Path(f"note{suffix}")) and formats.is_supported(f"a.b{suffix.upper()}")


@pytest.mark.parametrize("suffix", UNSUPPORTED)
def test_other_suffixes_name_no_format(suffix: str) -> None:
    assert formats.format_of(f"note{suffix}") is None and not formats.is_supported(f"note{suffix}")


def test_describe_names_every_format_with_its_suffixes() -> None:
    text = formats.describe()
    assert text.startswith("Text (.txt), Markdown (.md, .markdown), HTML (.html, .htm), Word (.docx)")
    last = formats.FORMATS[-1]
    assert text.endswith(f" or {last.label} ({', '.join(last.suffixes)})")
    assert all(f"{f.label} ({', '.join(f.suffixes)})" in text for f in formats.FORMATS)


def test_every_format_has_a_reader_and_every_reader_a_format() -> None:
    binary = {f.reader for f in formats.FORMATS if f.binary}
    text = {f.reader for f in formats.FORMATS if not f.binary}
    assert binary == set(reader.BINARY_READERS)
    assert text == set(reader.TEXT_READERS)
    assert formats.TEXT in reader.TEXT_READERS  # what a suffix of no text format is read by


def _recording(called: list[tuple[str, str]], key: str) -> Callable[..., Briefing]:
    def read(_content: bytes | str, path: str, *_limit: int) -> Briefing:
        called.append((key, path))
        return Briefing(id="x", path=path, title=None, date=None, language="fr", passages=[])

    return read


@pytest.mark.parametrize("suffix", [*SUFFIXES, *UNSUPPORTED])
def test_parse_bytes_hands_a_file_to_the_reader_its_format_names(
    suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[tuple[str, str]] = []
    monkeypatch.setattr(reader, "BINARY_READERS", {k: _recording(called, k) for k in reader.BINARY_READERS})
    monkeypatch.setattr(reader, "TEXT_READERS", {k: _recording(called, k) for k in reader.TEXT_READERS})
    path = f"/briefings/note{suffix.upper()}"
    reader.parse_bytes(b"- Une ligne de texte.\n", path)
    fmt = formats.format_of(path)
    assert called == [(fmt.reader if fmt is not None else formats.TEXT, path)]


def test_a_folder_yields_the_files_of_every_format_and_no_other(tmp_path: Path) -> None:
    names = [f"note{i}{s}" for i, s in enumerate(SUFFIXES)]
    names += [f"NOTE{i}{s.upper()}" for i, s in enumerate(SUFFIXES)]
    for name in [*names, *(f"other{i}{s}" for i, s in enumerate(UNSUPPORTED))]:
        (tmp_path / name).write_bytes(b"x")
    files, missing = collect_files([tmp_path])
    assert missing == [] and sorted(f.name for f in files) == sorted(names)


def test_the_page_accepts_uploads_of_every_format_and_no_other(tmp_path: Path) -> None:
    assert tuple(ALLOWED_SUFFIXES) == SUFFIXES
    temp = tmp_path / "tmp"
    temp.mkdir()
    given = [f"note{i}{s.upper() if i % 2 else s}" for i, s in enumerate(SUFFIXES)]
    refused = [f"other{i}{s}" for i, s in enumerate(UNSUPPORTED)]
    for name in [*given, *refused]:
        (temp / name).write_bytes(b"x")
    out = store_uploads([(name, temp / name) for name in [*given, *refused]], tmp_path / "up")
    assert sorted(p.name for p in out.saved) == sorted(name.lower() for name in given)
    assert sorted(r["file"] for r in out.refused) == sorted(refused)
    assert all(", ".join(SUFFIXES) in r["reason"] for r in out.refused)


def test_the_index_command_help_lists_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["index", "--help"])
    assert formats.describe() in " ".join(capsys.readouterr().out.split())


def _suffix_literals(path: Path) -> list[str]:
    """`file:line` of each string in the file that spells out two or more registry suffixes."""
    found = []
    pattern = re.compile(r"(?<![\w/])(" + "|".join(re.escape(s) for s in SUFFIXES) + r")\b", re.I)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            strings = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if sum(s.lower() in SUFFIXES for s in strings) >= 2:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and len(set(pattern.findall(node.value.lower()))) >= 2
            and not _is_docstring(tree, node)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _is_docstring(tree: ast.Module, node: ast.Constant) -> bool:
    return any(
        isinstance(owner, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and owner.body
        and isinstance(owner.body[0], ast.Expr)
        and owner.body[0].value is node
        for owner in ast.walk(tree)
    )


# Files whose suffixes name a fixed set of files rather than what may be indexed.
NOT_LISTS_OF_FORMATS = {ROOT / "index" / "parse" / "formats.py"}


def test_no_list_of_suffixes_is_written_outside_the_registry() -> None:
    checked = [p for package in ("index", "assistant") for p in sorted((ROOT / package).rglob("*.py"))]
    assert ROOT / "assistant" / "chat" / "app.py" in checked
    found = [hit for p in checked if p not in NOT_LISTS_OF_FORMATS for hit in _suffix_literals(p)]
    assert not found, "suffixes listed outside index/parse/formats.py:\n" + "\n".join(found)
