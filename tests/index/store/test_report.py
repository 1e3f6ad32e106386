"""The index summary says, per file, how many characters were indexed and how many were set
aside, and why; a file that is mostly set aside gets a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.main import main
from index.parse.html import HIDDEN, PAGE_TITLE, to_text
from index.store.builder import set_aside_line, update_index
from tests.helpers.embedders import HashEmbedder

BRIEFING = """---
title: Revue Kazakhstan
date: 2022-09-15
---
# Revue de presse Kazakhstan

## Politique

• Le ministre kazakh a démenti la rumeur d'un retrait de l'OTSC[1].
• Aydos Sarym a parlé des exercices conjoints à la frontière[2].

## Économie

Les exportations de pétrole ont repris par le port d'Aktaou, selon l'agence.

Sources
1. « Démenti », Kazinform, 15 septembre 2022.
2. « Exercices », Mk.RU, 14 septembre 2022.
"""


def non_blank(text: str) -> int:
    return sum(map(len, text.split()))


def test_index_json_lists_indexed_and_set_aside_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "revue.md"
    f.write_text(BRIEFING, encoding="utf-8")
    assert main(["index", "--index", str(tmp_path / "ix"), "--json", str(f)]) == 0
    summary = json.loads(capsys.readouterr().out)
    # The keys JSON consumers read are all still there, in their order, with `files` after them.
    assert list(summary) == [
        "briefings", "passages", "added", "updated", "removed", "skipped", "warnings", "files",
    ]  # fmt: skip
    assert summary["briefings"] == 1 and summary["passages"] == 5 and summary["warnings"] == []
    [entry] = summary["files"]
    assert entry["file"] == str(f.resolve())
    reasons = {item["reason"]: item["chars"] for item in entry["set_aside"]}
    assert reasons == {
        "front matter": non_blank("---\ntitle: Revue Kazakhstan\ndate: 2022-09-15\n---"),
        "title line": non_blank("# Revue de presse Kazakhstan"),
        "heading": non_blank("## Politique ## Économie Sources"),
        "markup": non_blank("• • 1. 2."),  # bullet signs and note numbers
    }
    assert entry["set_aside_chars"] == sum(reasons.values())
    # Every non-blank character of the file is counted once, indexed or set aside.
    assert entry["indexed_chars"] + entry["set_aside_chars"] == non_blank(BRIEFING)
    assert set_aside_line(entry) is None  # a title and headings are nothing to report

    # The human output says nothing more for such a file.
    f.write_text(BRIEFING.replace("Aktaou", "Aktau"), encoding="utf-8")
    assert main(["index", "--index", str(tmp_path / "ix"), str(f)]) == 0
    assert "set aside" not in capsys.readouterr().out


def test_a_file_mostly_set_aside_gets_a_warning(tmp_path: Path) -> None:
    headings = "".join(f"## Rubrique numéro {i} sans texte\n\n" for i in range(20))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "plan.md").write_text(
        "# Plan de la revue\n\n" + headings + "Une seule phrase indexée.\n", encoding="utf-8"
    )
    (tmp_path / "c" / "ok.md").write_text(BRIEFING, encoding="utf-8")
    report = update_index(tmp_path / "ix", [tmp_path / "c"], HashEmbedder())  # type: ignore[arg-type]
    entries = {Path(e["file"]).name: e for e in report.files}
    assert set(entries) == {"plan.md", "ok.md"}
    plan = entries["plan.md"]
    assert plan["set_aside_chars"] > plan["indexed_chars"]
    warned = [w for w in report.warnings if Path(w["file"]).name == "plan.md"]
    assert [w["warning"].split(":")[0] for w in warned] == ["most of the text is set aside, not indexed"]
    assert not [w for w in report.warnings if Path(w["file"]).name == "ok.md"]
    line = set_aside_line(plan)
    assert line is not None and line.startswith(f"{plan['set_aside_chars']:,} of ") and "heading" in line

    # Unchanged files are not read again, so a second run lists none of them.
    assert update_index(tmp_path / "ix", [tmp_path / "c"], HashEmbedder()).files == []  # type: ignore[arg-type]


def test_a_duplicate_note_is_reported_in_its_own_line(tmp_path: Path) -> None:
    text = BRIEFING + "2. « Exercices, bis », Mk.RU, 14 septembre 2022.\n"
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "doublon.md").write_text(text, encoding="utf-8")
    [entry] = update_index(tmp_path / "ix", [tmp_path / "c"], HashEmbedder()).files  # type: ignore[arg-type]
    assert {
        "reason": "duplicate note",
        "chars": non_blank("« Exercices, bis », Mk.RU, 14 septembre 2022."),
    } in (entry["set_aside"])
    assert entry["indexed_chars"] + entry["set_aside_chars"] == non_blank(text)
    line = set_aside_line(entry)
    assert line is not None and "duplicate note" in line


def test_html_counts_the_text_it_drops() -> None:
    page = (
        "<html><head><title>Revue du jour</title><style>p { margin: 0 }</style></head>"
        "<body><script>var a = 1;</script><p>Le texte.</p></body></html>"
    )
    converted = to_text(page)
    assert converted.text == "Le texte."
    assert converted.set_aside == [
        (PAGE_TITLE, non_blank("Revue du jour")),
        (HIDDEN, non_blank("p { margin: 0 } var a = 1;")),
    ]
