"""Turn a Word .docx briefing into the plain-text layout the parser reads.

The body is read in document order with python-docx: a `Title` paragraph becomes `# …`, a
`Heading N` paragraph (or one with an outline level) `#`×(N+1), a list paragraph (numbering in
its properties or its style, or a style named `List …`) a `- ` bullet indented by its level,
any other paragraph a paragraph, a table its rows as `| a | b |` lines. Blocks are separated by
blank lines, and a paragraph's line breaks and tabs become spaces so that one Word paragraph
stays one passage.

Word footnotes and endnotes (word/footnotes.xml, word/endnotes.xml, read with lxml) are
numbered as Word shows them: in the order their references appear, footnotes first, then
endnotes after the last footnote. Each reference run becomes a `[n]` marker where it stands,
and the notes are written after the body under a `## Notes` heading as `n. text`. The separator
footnotes Word keeps in those parts (`w:type`) are not notes.

A binary file has no text offsets, so a passage's start and end point into the converted text
(`Converted.text`), the same text the briefing's id is computed from.

Set aside: text boxes, drawings and alternate content (often a duplicate of the text), deleted
revisions (`w:delText`), field codes (`w:instrText`), headers and footers of the page.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from index.records import SkippedFile

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W}
_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.I)
_TITLE_STYLE = {"title", "titre"}
_SKIPPED_TAGS = {f"{{{_W}}}drawing", f"{{{_W}}}pict", f"{{{_W}}}object", f"{{{_MC}}}AlternateContent"}
_MAX_EXPANSION = 10  # the unzipped parts may be at most this many times the file's size limit


@dataclass
class Converted:
    text: str
    notes: int  # footnotes and endnotes written under `## Notes`


_TRAILING_MARKERS = re.compile(r"([.!?…»”]+)((?:\[\d{1,5}\])+)$")


def markers_before_stop(text: str) -> str:
    """`…du pays.[1]` → `…du pays[1].`: the same clean text, and the line still ends like a sentence.

    The text layout takes a short line standing alone that does not end like a sentence for a
    heading; a one-sentence paragraph ending in its note's marker would be one.
    """
    return _TRAILING_MARKERS.sub(r"\2\1", text)


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _check_zip(data: bytes, max_bytes: int) -> None:
    """A docx is a zip: refuse what is not one, and what would unzip to far more than the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unzipped = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SkippedFile(f"not a valid .docx file (not a zip archive: {exc})") from exc
    if "word/document.xml" not in names:
        raise SkippedFile("not a valid .docx file (no word/document.xml)")
    if unzipped > _MAX_EXPANSION * max_bytes:
        raise SkippedFile(f"unzips to {unzipped:,} bytes, over {_MAX_EXPANSION} times the file size limit")


def _notes_part(document: Any, reltype_suffix: str, tag: str) -> dict[str, str]:
    """Note id → its text, from the footnotes or endnotes part; separators left out."""
    from lxml import etree

    part = None
    for rel in document.part.rels.values():
        if rel.reltype.endswith(reltype_suffix) and not rel.is_external:
            part = rel.target_part
            break
    if part is None:
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(part.blob, parser)
    out: dict[str, str] = {}
    for note in root.iterfind(f"w:{tag}", _NS):
        if note.get(_q("type")) not in (None, "normal"):
            continue  # separator, continuationSeparator, continuationNotice
        paragraphs = [_run_text(p, None) for p in note.iterfind(".//w:p", _NS)]
        out[note.get(_q("id"), "")] = " ".join(p for p in paragraphs if p)
    return out


class _Numbering:
    """Note numbers in reading order: footnotes first, then endnotes after the last footnote."""

    def __init__(
        self, footnotes: dict[str, str], endnotes: dict[str, str], order: list[tuple[str, str]]
    ) -> None:
        self.numbers: dict[tuple[str, str], int] = {}
        seen_foot = [key for key in dict.fromkeys(order) if key[0] == "foot" and key[1] in footnotes]
        seen_end = [key for key in dict.fromkeys(order) if key[0] == "end" and key[1] in endnotes]
        for n, key in enumerate(seen_foot + seen_end, start=1):
            self.numbers[key] = n
        self.texts = {
            n: (footnotes if kind == "foot" else endnotes)[ident] for (kind, ident), n in self.numbers.items()
        }


def _references(body: Any) -> list[tuple[str, str]]:
    """(kind, id) of every footnote and endnote reference, in document order."""
    out = []
    for el in body.iter(_q("footnoteReference"), _q("endnoteReference")):
        if _skipped(el):
            continue
        out.append(("foot" if el.tag == _q("footnoteReference") else "end", el.get(_q("id"), "")))
    return out


def _skipped(el: Any) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in _SKIPPED_TAGS:
            return True
        parent = parent.getparent()
    return False


def _run_text(p: Any, numbering: _Numbering | None) -> str:
    """A paragraph's visible text, reference runs as `[n]`, breaks and tabs as spaces."""
    parts: list[str] = []
    stack: list[Iterator[Any]] = [iter([p])]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIPPED_TAGS:
            continue
        if tag == _q("t"):
            parts.append(el.text or "")
        elif tag in (_q("tab"), _q("br"), _q("cr")):
            parts.append(" ")
        elif tag == _q("noBreakHyphen"):
            parts.append("-")
        elif tag in (_q("footnoteReference"), _q("endnoteReference")):
            if numbering is not None:
                kind = "foot" if tag == _q("footnoteReference") else "end"
                n = numbering.numbers.get((kind, el.get(_q("id"), "")))
                if n is not None:
                    parts.append(f"[{n}]")
        elif tag == _q("p") and el is not p:
            stack.append(iter(el))
            parts.append(" ")
        else:
            stack.append(iter(el))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _style_chain(paragraph: Any) -> list[Any]:
    """The paragraph's style and the styles it is based on, nearest first."""
    chain: list[Any] = []
    style = paragraph.style
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _heading_level(paragraph: Any, chain: list[Any]) -> int | None:
    """0 for a title, N for Heading N (or outline level N-1), None for body text."""
    for style in chain:
        name = (style.name or "").strip()
        if name.lower() in _TITLE_STYLE:
            return 0
        if m := _HEADING_STYLE.match(name):
            return int(m[1])
    for pPr in [paragraph._p.pPr] + [s.element.pPr for s in chain]:
        if pPr is not None and (lvl := pPr.find(_q("outlineLvl"))) is not None:
            value = lvl.get(_q("val"), "9")
            if value.isdigit() and int(value) < 9:
                return int(value) + 1
    return None


def _list_level(paragraph: Any, chain: list[Any]) -> int | None:
    """The list level (0 = top) of a list paragraph, None for other paragraphs."""
    for pPr in [paragraph._p.pPr] + [s.element.pPr for s in chain]:
        num = pPr.find(_q("numPr")) if pPr is not None else None
        if num is None:
            continue
        num_id = num.find(_q("numId"))
        if num_id is not None and num_id.get(_q("val")) == "0":
            return None  # numbering switched off
        ilvl = num.find(_q("ilvl"))
        value = ilvl.get(_q("val"), "0") if ilvl is not None else "0"
        return int(value) if value.isdigit() else 0
    if any((s.name or "").lower().startswith(("list", "liste")) for s in chain):
        return 0
    return None


def _blocks(body: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in order, including those inside content controls."""
    for child in body.iterchildren():
        if child.tag == _q("sdt"):
            content = child.find(_q("sdtContent"))
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (_q("p"), _q("tbl")):
            yield child


def to_text(data: bytes, *, max_bytes: int) -> Converted:
    """Convert a .docx file's bytes to the text layout; SkippedFile when it is no readable docx."""
    _check_zip(data, max_bytes)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise SkippedFile(f"not a valid .docx file ({type(exc).__name__}: {exc})") from exc

    try:
        body = document.element.body
        footnotes = _notes_part(document, "/footnotes", "footnote")
        endnotes = _notes_part(document, "/endnotes", "endnote")
        numbering = _Numbering(footnotes, endnotes, _references(body))
        blocks: list[str] = []
        for child in _blocks(body):
            if child.tag == _q("p"):
                paragraph = Paragraph(child, document)
                text = markers_before_stop(_run_text(child, numbering))
                if not text:
                    continue
                chain = _style_chain(paragraph)
                level = _heading_level(paragraph, chain)
                if level is not None:
                    blocks.append("#" * min(level + 1, 6) + " " + text)
                elif (depth := _list_level(paragraph, chain)) is not None:
                    blocks.append("  " * min(depth, 8) + "- " + text)
                else:
                    blocks.append(text)
            elif child.tag == _q("tbl"):
                rows = []
                for row in Table(child, document).rows:
                    tcs = list({id(c._tc): c._tc for c in row.cells}.values())  # a merged cell once
                    cells = [_run_text(tc, numbering).replace("|", "/") for tc in tcs]
                    if any(cells):
                        rows.append("| " + " | ".join(cells) + " |")
                if rows:
                    blocks.append("\n".join(rows))
    except SkippedFile:
        raise
    except Exception as exc:  # malformed XML inside an otherwise valid zip
        raise SkippedFile(f"not a valid .docx file ({type(exc).__name__}: {exc})") from exc

    notes = [f"{n}. {numbering.texts[n]}" for n in sorted(numbering.texts) if numbering.texts[n]]
    if notes:
        blocks.append("## Notes\n\n" + "\n".join(notes))
    return Converted("\n\n".join(blocks) + "\n", len(notes))
