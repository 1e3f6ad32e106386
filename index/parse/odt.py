"""Turn an OpenDocument text (.odt) briefing into the plain-text layout the parser reads.

An .odt file is a zip; its body is `content.xml`, read here with zipfile and lxml in document
order: a `text:h` heading becomes `#`×(outline level + 1) (so level 1 is `## `, as a Word
`Heading 1` is), a paragraph whose style is or derives from `Title` becomes `# …`, each
`text:list-item` a `• ` bullet indented by its nesting, any other `text:p` a paragraph, and a
`table:table` its rows as `| a | b |` lines. Sections, headers of tables and row groups are
read through. Blocks are separated by blank lines, and a paragraph's `text:s`, `text:tab` and
`text:line-break` become spaces so that one paragraph stays one passage. A link (`text:a`) keeps
its text, followed by its address in parentheses when the text does not already show it.

Notes (`text:note`, footnotes and endnotes by `text:note-class`) sit inside the paragraph that
cites them. Each becomes a `[n]` marker where it stands, numbered as docx.py numbers Word's
notes: footnotes in reading order first, then endnotes after the last footnote. Their
`text:note-body` is written after the body under a `## Notes` heading as `n. text`.

`meta.xml` gives the title (`dc:title`) and date (`meta:creation-date`, else `dc:date`), used only
when the text itself and the file name give none (`Converted.title`, `Converted.date`): a saved
file's dates say when it was written, not what day it reports on.

A binary file has no text offsets, so a passage's start and end point into the converted text
(`Converted.text`), the same text the briefing's id is computed from.

Set aside, and counted in `Converted.set_aside` by reason: tracked changes (deleted text),
comments (`office:annotation`), tables of contents and other generated indexes (they repeat
headings) as GENERATED; drawings, frames and text boxes (`draw:*`) as DRAWING. The note citation
LibreOffice stores inside each note is replaced by the `[n]` marker.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from index.parse.docx import markers_before_stop
from index.parse.layout import non_blank
from index.records import SkippedFile

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_XLINK = "http://www.w3.org/1999/xlink"
_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

_MIMETYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
_MAX_EXPANSION = 10  # the unzipped parts may be at most this many times the file's size limit
_TITLE_STYLES = {"title", "titre"}
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
# Markers are placed as `\x00k\x00` (k: the note's index in reading order) while the body is
# read, and numbered once every note is known, since endnotes are numbered after all footnotes.
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


def _t(tag: str) -> str:
    return f"{{{_TEXT}}}{tag}"


def _tb(tag: str) -> str:
    return f"{{{_TABLE}}}{tag}"


# Elements whose content is not the document's running text.
_SKIPPED_TAGS = {
    _t("tracked-changes"),
    _t("note-citation"),
    _t("table-of-content"),
    _t("alphabetical-index"),
    _t("illustration-index"),
    _t("table-index"),
    _t("object-index"),
    _t("user-index"),
    _t("bibliography"),
    _t("sequence-decls"),
    _t("variable-decls"),
    _t("user-field-decls"),
    f"{{{_OFFICE}}}annotation",
    f"{{{_OFFICE}}}forms",
}
# Containers whose children are blocks read in order, as if they stood in the body.
_BLOCK_CONTAINERS = {_t("section"), _tb("table-header-rows"), _tb("table-rows"), _tb("table-row-group")}


# Why text of the file is in no passage (Converted.set_aside).
GENERATED = "tracked deletion, comment or generated index"
DRAWING = "drawing, frame or text box"
# Declarations and the note citation (a `[n]` marker stands for it) are no text of the document.
_NOT_COUNTED = {_t("note-citation"), _t("sequence-decls"), _t("variable-decls"), _t("user-field-decls")}


@dataclass
class Converted:
    text: str
    notes: int  # footnotes and endnotes written under `## Notes`
    title: str | None = None  # from meta.xml
    date: str | None = None  # ISO date from meta.xml
    set_aside: list[tuple[str, int]] = field(default_factory=list)  # (reason, non-blank characters)


@dataclass
class _Notes:
    """Notes met in reading order: (class, body text), numbered once the body is read."""

    found: list[tuple[str, str]] = field(default_factory=list)

    def numbers(self) -> dict[int, int]:
        """Index in reading order → note number: footnotes first, then endnotes."""
        order = [i for i, (cls, _) in enumerate(self.found) if cls != "endnote"]
        order += [i for i, (cls, _) in enumerate(self.found) if cls == "endnote"]
        return {index: n for n, index in enumerate(order, start=1)}


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _open(data: bytes, max_bytes: int) -> zipfile.ZipFile:
    """The zip, checked: an OpenDocument text, not encrypted, not unzipping to far over the limit."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = set(z.namelist())
        unzipped = sum(i.file_size for i in z.infolist())
        mimetype = z.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else None
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
        raise SkippedFile(f"not a valid .odt file (not a zip archive: {exc})") from exc
    if mimetype is not None and mimetype not in _MIMETYPES:
        raise SkippedFile(f"not an OpenDocument text file (its mimetype is {mimetype!r})")
    if "content.xml" not in names:
        raise SkippedFile("not a valid .odt file (no content.xml)")
    if unzipped > _MAX_EXPANSION * max_bytes:
        raise SkippedFile(f"unzips to {unzipped:,} bytes, over {_MAX_EXPANSION} times the file size limit")
    if any(i.flag_bits & 0x1 for i in z.infolist()) or _encrypted_in_manifest(z, names):
        raise SkippedFile("password-protected .odt file: save it without a password to index it")
    return z


def _encrypted_in_manifest(z: zipfile.ZipFile, names: set[str]) -> bool:
    """LibreOffice encrypts each part itself and says so in the manifest, not in the zip."""
    if "META-INF/manifest.xml" not in names:
        return False
    from lxml import etree

    try:
        root = etree.fromstring(z.read("META-INF/manifest.xml"), _parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SkippedFile(f"not a valid .odt file (unreadable manifest: {exc})") from exc
    return root.find(f".//{{{_MANIFEST}}}encryption-data") is not None


def _styles(root: Any) -> dict[str, str]:
    """Automatic style name → the named style it derives from (LibreOffice's `P1` → `Title`)."""
    out: dict[str, str] = {}
    for style in root.iter(f"{{{_STYLE}}}style"):
        name, parent = style.get(f"{{{_STYLE}}}name"), style.get(f"{{{_STYLE}}}parent-style-name")
        if name and parent:
            out[name] = parent
    return out


class _Reader:
    """content.xml's body → blocks of the text layout, notes collected on the way."""

    def __init__(self, parents: dict[str, str]) -> None:
        self.parents = parents
        self.notes = _Notes()
        self.blocks: list[str] = []
        self.dropped: dict[str, int] = {}  # reason -> non-blank characters

    def skip(self, el: Any) -> bool:
        """Whether `el` is set aside; its text is then counted under its reason."""
        tag = el.tag
        if not isinstance(tag, str):
            return True
        drawing = tag.startswith(f"{{{_DRAW}}}")
        if not drawing and tag not in _SKIPPED_TAGS:
            return False
        if tag not in _NOT_COUNTED:
            reason = DRAWING if drawing else GENERATED
            chars = sum(non_blank(t) for t in el.itertext())
            if chars:
                self.dropped[reason] = self.dropped.get(reason, 0) + chars
        return True

    def _is_title(self, p: Any) -> bool:
        name = p.get(_t("style-name"))
        for _ in range(10):  # a style chain is short; the bound guards against a loop
            if name is None:
                return False
            if name.replace("_20_", " ").strip().lower() in _TITLE_STYLES:
                return True
            name = self.parents.get(name)
        return False

    def body(self, parent: Any, depth: int = 0) -> None:
        """Read the block children of `parent`; `depth` is the list nesting they stand in."""
        for child in parent.iterchildren():
            self.block(child, depth)

    def block(self, el: Any, depth: int) -> None:
        tag = el.tag
        if self.skip(el):
            return
        if tag == _t("h"):
            level = el.get(_t("outline-level"), "1")
            level_n = int(level) if level.isdecimal() and len(level) <= 2 else 1
            self._add("#" * min(max(level_n, 1) + 1, 6) + " ", self.inline(el))
        elif tag == _t("p"):
            self._add("# " if self._is_title(el) else "", self.inline(el))
        elif tag == _t("list"):
            self.items(el, depth)
        elif tag == _tb("table"):
            self.table(el)
        elif tag in _BLOCK_CONTAINERS:
            self.body(el, depth)

    def items(self, lst: Any, depth: int) -> None:
        """Each item's paragraphs make one bullet; a nested list's items are bullets one level in."""
        for item in lst.iterchildren(_t("list-item"), _t("list-header")):
            parts: list[str] = []
            for child in item.iterchildren():
                if child.tag == _t("p"):
                    parts.append(self.inline(child))
                    continue
                self._bullet(parts, depth)  # what came before the nested block is its own bullet
                parts = []
                # A nested list goes one level in; a heading (LibreOffice puts numbered headings
                # inside a list) or a table stays what it is.
                self.block(child, depth + 1 if child.tag == _t("list") else depth)
            self._bullet(parts, depth)

    def _bullet(self, parts: list[str], depth: int) -> None:
        self._add("  " * min(depth, 8) + "• ", " ".join(p for p in parts if p))

    def table(self, table: Any) -> None:
        rows = []
        for row in table.iter(_tb("table-row")):
            if _inside(row, table, _tb("table")):
                continue  # a row of a table nested in a cell is read with that cell
            cells = [
                self.cell(cell).replace("|", "/")
                for cell in row.iterchildren(_tb("table-cell"))  # covered cells are merged away
            ]
            if any(cells):
                rows.append("| " + " | ".join(cells) + " |")
        if rows:
            self.blocks.append("\n".join(rows))

    def cell(self, cell: Any) -> str:
        texts = [self.inline(el) for el in cell.iter(_t("p"), _t("h")) if not _skipped_within(el, cell)]
        return " ".join(t for t in texts if t)

    def inline(self, el: Any) -> str:
        """A paragraph's visible text, notes as placeholders, spaces, tabs and breaks as spaces."""
        parts: list[str] = []
        self._inline(el, parts)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def _inline(self, el: Any, parts: list[str]) -> None:
        parts.append(el.text or "")
        for child in el.iterchildren():
            tag = child.tag
            if not self.skip(child):
                if tag in (_t("s"), _t("tab"), _t("line-break")):
                    parts.append(" ")
                elif tag == _t("note"):
                    parts.append(self._note(child))
                elif tag == _t("a"):
                    parts.append(self._link(child))
                elif tag in (_t("p"), _t("h")):  # a paragraph inside a note or a cell
                    parts.append(" ")
                    self._inline(child, parts)
                    parts.append(" ")
                else:  # spans, bookmarks, fields, metadata: their text is the text
                    self._inline(child, parts)
            parts.append(child.tail or "")

    def _note(self, note: Any) -> str:
        body = note.find(_t("note-body"))
        text = (
            " ".join(filter(None, (self.inline(p) for p in body.iter(_t("p"), _t("h")))))
            if body is not None
            else ""
        )
        self.notes.found.append((note.get(_t("note-class"), "footnote"), _PLACEHOLDER.sub("", text)))
        return f"\x00{len(self.notes.found) - 1}\x00"

    def _link(self, a: Any) -> str:
        parts: list[str] = []
        self._inline(a, parts)
        text = "".join(parts)
        href = (a.get(f"{{{_XLINK}}}href") or "").strip()
        shown = re.sub(r"\s+", "", text)
        if not href or href.startswith("#") or href.removeprefix("mailto:").rstrip("/") in shown:
            return text
        return f"{text} ({href})"

    def _add(self, prefix: str, text: str) -> None:
        if text:
            self.blocks.append(prefix + text)


def _inside(el: Any, top: Any, tag: str) -> bool:
    """True when an element `tag` stands between `el` and `top`."""
    parent = el.getparent()
    while parent is not None and parent is not top:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _skipped_within(el: Any, top: Any) -> bool:
    """True when `el` sits in a note, a drawing or another skipped element below `top`."""
    parent = el.getparent()
    while parent is not None and parent is not top:
        tag = parent.tag
        if tag in _SKIPPED_TAGS or tag == _t("note") or str(tag).startswith(f"{{{_DRAW}}}"):
            return True
        parent = parent.getparent()
    return False


def _meta(z: zipfile.ZipFile) -> tuple[str | None, str | None]:
    """(title, ISO date) from meta.xml; none when the part is missing or unreadable."""
    from lxml import etree

    try:
        root = etree.fromstring(z.read("meta.xml"), _parser())
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError):
        return None, None  # metadata is optional: the text is still read
    title_el = root.find(f".//{{{_DC}}}title")
    title = re.sub(r"\s+", " ", title_el.text or "").strip() if title_el is not None else ""
    date = None
    for tag in (f"{{{_META}}}creation-date", f"{{{_DC}}}date"):
        el = root.find(f".//{tag}")
        if el is not None and (m := _ISO_DATE.match((el.text or "").strip())):
            date = m[1]
            break
    return title or None, date


def to_text(data: bytes, *, max_bytes: int) -> Converted:
    """Convert an .odt file's bytes to the text layout; SkippedFile when it is no readable .odt."""
    from lxml import etree

    z = _open(data, max_bytes)
    try:
        root = etree.fromstring(z.read("content.xml"), _parser())
        body = root.find(f"{{{_OFFICE}}}body/{{{_OFFICE}}}text")
        if body is None:
            raise SkippedFile("not an OpenDocument text file (no office:text body)")
        reader = _Reader(_styles(root))
        reader.body(body)
    except SkippedFile:
        raise
    except Exception as exc:  # malformed XML, a broken zip member: the file is unreadable as a whole
        raise SkippedFile(f"not a valid .odt file ({type(exc).__name__}: {exc})") from exc
    title, date = _meta(z)

    numbers = reader.notes.numbers()

    def number(m: re.Match[str]) -> str:
        return f"[{numbers[int(m[1])]}]"

    blocks = [markers_before_stop(_PLACEHOLDER.sub(number, b)) for b in reader.blocks]
    by_number = {numbers[i]: text for i, (_cls, text) in enumerate(reader.notes.found)}
    notes = [f"{n}. {by_number[n]}" for n in sorted(by_number) if by_number[n]]
    if notes:
        blocks.append("## Notes\n\n" + "\n".join(notes))
    return Converted("\n\n".join(blocks) + "\n", len(notes), title, date, list(reader.dropped.items()))
