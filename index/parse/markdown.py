"""Turn a Markdown briefing into the plain-text layout that layout.py reads, with offsets back.

The file is parsed by markdown-it-py (CommonMark, with GFM tables, the footnote plugin and front
matter), and each Markdown block becomes one canonical block of the text layout:

- ATX and setext headings → `#` × level + text, so headings give passages their section path;
- list items, nested or not, lazy continuation lines included → `• text` bullets (an item's
  further paragraphs are continuation lines of its bullet); an ordered item keeps its number,
  `3. text`, which layout.py reads as a bullet sign in the body and as the note's number under
  the notes heading;
- paragraphs → their lines; a paragraph in a block quote starts with `> `;
- table rows → `| a | b |` lines, one table in one block;
- fenced and indented code → one paragraph of its text;
- HTML blocks → their text, through index.parse.html (hidden elements are set aside there);
- footnote definitions `[^id]: …` → `[^id]: …` lines, moved before the notes heading when they
  stand after it (layout.py reads definitions in the body only);
- front matter → kept as it is, for layout.py's metadata reader.

Inline markup keeps the text a reader sees: emphasis signs go, a link keeps its text and its URL
when they differ (`text (https://…)`, so a note's URL is not lost), an image keeps its Markdown
source (its alt text and address are data, not a picture to show), a footnote reference stays a
`[^id]` marker and `<sup>1</sup>` becomes `[1]`. The text of each paragraph line is emitted as one
output line, so layout.py's rules still apply to it: lines starting with `•` or another sign
CommonMark does not take for a bullet stay one bullet each, and numbers glued to a word
(`Kazakhstan1.`) stay markers. A continuation line that layout.py would read as a new block (`2.
…`, `# …`, `> …`) is joined to the line before, as CommonMark reads it.

The last notes heading (Sources, Notes, Endnotes, Footnotes, References, Références,
Bibliographie, Bibliography, Notes de bas de page, Works cited; any level, or a bold line) is
written as a canonical `## Notes` heading, and the lists under it as numbered notes; `^n` entries
become `n.`. Reference-style link definitions are not read as such: `[1]: https://…` is a line of
text, not markup that vanishes.

Each output line remembers the source span it came from (Converted.line_offsets) and, when its
text is a verbatim slice of the source, the shift that maps each of its characters exactly
(Converted.shifts), so passages point into the original file, long lines cut into several
passages included. Source lines that no Markdown block gave back (content past the parser's
nesting limit) are kept as paragraphs of their own: nothing in the file is lost. The file's
characters that the output leaves out (Markdown syntax, HTML comments) are counted as markup by
the reader. markdown-it-py reads about 1 MB of dense Markdown a second on one core, so a 5 MB
file takes several seconds where the plain text layout alone takes about two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from index.parse import html as html_layout
from index.parse.layout import NOTES_HEADING

# Lines layout.py reads as the start of a block other than a plain bullet sign: inside a Markdown
# paragraph they are continuation text, so they are joined to the line before.
_NEW_BLOCK = re.compile(r"^\s*(?:#{1,6}\s|>|\||[-*+]\s|\d{1,5}[.)]\s|\[\^[^\]\s]{1,40}\]:)")
_NOTE_CARET = re.compile(r"^\^(\d{1,5})\s+")
# Characters that start some inline rule; content without them is plain text and lines.
_INLINE_SYNTAX = re.compile(r"[\\`*_<&!]|\[\^|\^\[|\]\(")
_SUP_OPEN = re.compile(r"<sup\b[^>]*>", re.I)
_SUP_CLOSE = re.compile(r"</sup\s*>", re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_SUP_NUMBERS = re.compile(r"\d{1,4}(?:\s*,\s*\d{1,4})*")
# Container signs (quote marks, list markers) at the start of a source line.
_CONTAINERS = re.compile(r"^\s*(?:(?:>|[-*+](?=\s|$)|\d{1,9}[.)](?=\s|$))\s*)*")


@dataclass
class Converted:
    text: str
    line_offsets: list[tuple[int, int, int]]  # (start in text, start in source, end in source)
    shifts: list[int | None]  # per line: source position - text position when copied verbatim
    set_aside: list[tuple[str, int]] = field(default_factory=list)  # (reason, non-blank characters)


@dataclass
class _Line:
    text: str
    start: int  # span in the source
    end: int
    shift: int | None  # where text[0] stands in the source when the text is copied verbatim
    new_block: bool  # preceded by a blank line


@dataclass(slots=True)
class _Node:
    """A block of the token stream: its opening token (or the token itself) and what it holds.

    A plain list of lists, not markdown_it.tree.SyntaxTreeNode: building that costs about a
    sixth of the parse on large files.
    """

    token: Token
    children: list[_Node]
    type: str

    @property
    def map(self) -> list[int] | None:
        return self.token.map


def _tree(tokens: list[Token]) -> list[_Node]:
    root: list[_Node] = []
    stack = [root]
    for tok in tokens:
        if tok.nesting == 1:
            node = _Node(tok, [], tok.type.removesuffix("_open"))
            stack[-1].append(node)
            stack.append(node.children)
        elif tok.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].append(_Node(tok, [], tok.type))
    return root


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table").use(footnote_plugin, move_to_end=False)
    md.use(front_matter_plugin)
    # `[1]: https://…` closing a briefing is a note, not a definition that vanishes from the text.
    md.disable("reference")
    # Inline content is parsed here only when it holds inline syntax (see _Writer.inline_lines).
    md.disable("inline")
    return md


_MD = _parser()


class _Writer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
        self.lines: list[_Line] = []
        self.covered = bytearray(len(self.line_starts))
        self.env: dict[str, object] = {}
        self.set_aside: dict[str, int] = {}
        self.notes = False

    # -- source positions ----------------------------------------------------------------
    def line_span(self, i: int) -> tuple[int, int]:
        """The source line i without its line break."""
        start = self.line_starts[min(i, len(self.line_starts) - 1)]
        end = self.line_starts[i + 1] if i + 1 < len(self.line_starts) else len(self.source)
        while end > start and self.source[end - 1] in "\r\n":
            end -= 1
        return start, end

    def block_span(self, line_map: Sequence[int] | None) -> tuple[int, int]:
        if not line_map:
            return 0, 0
        return self.line_span(line_map[0])[0], self.line_span(max(line_map[1] - 1, line_map[0]))[1]

    def cover(self, line_map: Sequence[int] | None) -> None:
        if line_map:
            for i in range(line_map[0], min(line_map[1], len(self.covered))):
                self.covered[i] = 1

    # -- output --------------------------------------------------------------------------
    def emit(self, text: str, start: int, end: int, shift: int | None, *, new_block: bool) -> None:
        if text.strip():
            self.lines.append(_Line(text, start, end, shift, new_block))

    def emit_all(self, lines: list[_Line], prefix: str, *, new_block: bool, joined: bool = True) -> None:
        """Emit a block's lines, the first with `prefix`; later lines continue the same block."""
        for k, line in enumerate(lines):
            text = (prefix if k == 0 else "") + line.text
            shift = None if line.shift is None else line.shift - (len(prefix) if k == 0 else 0)
            self.emit(text, line.start, line.end, shift, new_block=new_block if k == 0 else not joined)

    # -- inline content ------------------------------------------------------------------
    def inline_lines(self, node: _Node) -> list[_Line]:
        """The text of an inline node, one entry per source line, mapped into the source."""
        token = node.token
        content = token.content
        if _INLINE_SYNTAX.search(content):
            children: list[Token] = []
            _MD.inline.parse(content, _MD, self.env, children)
            texts = _render_inline(children, self.env)
        else:
            texts = content.split("\n")
        texts = [t.strip(" \t") for t in texts]
        line_map = token.map
        self.cover(line_map)
        if not line_map:
            return [_Line(t, 0, 0, None, False) for t in texts if t]
        first, last = line_map[0], line_map[1]
        out: list[_Line] = []
        if len(texts) == last - first:
            for k, t in enumerate(texts):
                start, end = self.line_span(first + k)
                at = self.source.find(t, start, end) if t else -1
                out.append(_Line(t, start, end, at if at >= 0 else None, False))
        else:
            start, end = self.block_span(line_map)
            out = [_Line(t, start, end, None, False) for t in texts]
        return [line for line in out if line.text]

    def protect(self, lines: list[_Line]) -> list[_Line]:
        """Join continuation lines that layout.py would read as a new block to the line before."""
        out: list[_Line] = []
        for line in lines:
            if out and _NEW_BLOCK.match(line.text):
                prev = out[-1]
                out[-1] = _Line(f"{prev.text} {line.text}", prev.start, max(prev.end, line.end), None, False)
            else:
                out.append(line)
        return out

    # -- blocks, as flat text ------------------------------------------------------------
    def flat_lines(self, node: _Node) -> list[_Line]:
        """A block's text as plain lines, for the inside of a bullet or a note."""
        t = node.type
        if t == "paragraph":
            return self.paragraph_lines(node)
        if t == "heading":
            return self.joined(node)
        if t in ("fence", "code_block"):
            return self.code_line(node)
        if t == "html_block":
            return self.html_lines(node)
        if t == "table":
            return self.table_rows(node, outer=False)
        if t in ("hr", "front_matter"):
            self.cover(node.map)
            return []
        out: list[_Line] = []
        for child in node.children:
            if child.type in ("bullet_list", "ordered_list"):
                for item in child.children:
                    out.extend(self.flat_lines(item))
            else:
                out.extend(self.flat_lines(child))
        return out

    def paragraph_lines(self, node: _Node) -> list[_Line]:
        lines: list[_Line] = []
        for child in node.children:
            if child.type == "inline":
                lines.extend(self.inline_lines(child))
        return lines

    def joined(self, node: _Node) -> list[_Line]:
        """A heading's lines (a setext heading may have several) as one line."""
        lines = self.paragraph_lines(node)
        self.cover(node.map)
        if not lines:
            return []
        start, end = self.block_span(node.map)
        return [_Line(" ".join(line.text for line in lines), start, end, None, False)]

    def code_line(self, node: _Node) -> list[_Line]:
        self.cover(node.map)
        text = " ".join(line.strip() for line in node.token.content.splitlines() if line.strip())
        start, end = self.block_span(node.map)
        return [_Line(text, start, end, None, False)] if text else []

    def html_lines(self, node: _Node) -> list[_Line]:
        self.cover(node.map)
        converted = html_layout.to_text(node.token.content)
        for reason, chars in converted.set_aside:
            self.set_aside[reason] = self.set_aside.get(reason, 0) + chars
        start, end = self.block_span(node.map)
        return [_Line(t, start, end, None, False) for t in converted.text.split("\n") if t.strip()]

    def table_rows(self, node: _Node, *, outer: bool) -> list[_Line]:
        self.cover(node.map)
        rows: list[_Line] = []
        for section in node.children:
            for row in section.children:
                cells = [" ".join(line.text for line in self.paragraph_lines(cell)) for cell in row.children]
                text = " | ".join(cells)
                if outer:
                    text = f"| {text} |"
                start, end = self.block_span(row.map)
                rows.append(_Line(text, start, end, None, False))
        return rows

    # -- blocks, in the layout -----------------------------------------------------------
    def block(self, node: _Node, *, quote: bool = False) -> None:
        t = node.type
        if t == "heading":
            level = int(node.token.tag[1:]) if node.token.tag[1:].isdecimal() else 2
            for line in self.joined(node):
                self.emit("#" * level + " " + line.text, line.start, line.end, None, new_block=True)
        elif t == "paragraph":
            lines = self.paragraph_lines(node)
            if self.notes:
                for line in lines:
                    if m := _NOTE_CARET.match(line.text):
                        line.text, line.shift = f"{m[1]}. {line.text[m.end() :]}", None
                self.emit_all(lines, "", new_block=True, joined=False)
            else:
                self.emit_all(self.protect(lines), "> " if quote else "", new_block=True)
        elif t in ("bullet_list", "ordered_list"):
            self.list_items(node, first=True)
        elif t == "blockquote":
            for child in node.children:
                self.block(child, quote=True)
        elif t == "table":
            self.emit_all(self.table_rows(node, outer=True), "", new_block=True)
        elif t in ("fence", "code_block"):
            self.emit_all(self.code_line(node), "", new_block=True)
        elif t == "html_block":
            self.emit_all(self.html_lines(node), "", new_block=True, joined=False)
        elif t == "footnote_reference":
            self.footnote(node)
        elif t == "front_matter":
            self.cover(node.map)
            first, last = node.map or (0, 0)
            for i in range(first, last):
                start, end = self.line_span(i)
                self.emit(self.source[start:end], start, end, start, new_block=False)
        else:  # hr, and anything a future plugin adds: its text, if any
            self.cover(node.map)
            for child in node.children:
                self.block(child, quote=quote)

    def list_items(self, node: _Node, *, first: bool) -> None:
        ordered = node.type == "ordered_list"
        counter = int(node.token.attrs.get("start", 1) or 1) if ordered else 0
        for item in node.children:
            number = item.token.info if item.token.info.isdecimal() else str(counter)
            counter += 1
            # Numbers stay (layout.py reads `n.` as a bullet sign in the body, a note's number under
            # the notes heading), as far as layout.py reads them.
            limit = 5 if self.notes else 3
            prefix = f"{int(number)}. " if ordered and len(number.lstrip("0") or "0") <= limit else "• "
            pending = True
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    if self.notes and not pending:
                        self.note_continuation(child)  # a list inside a note is the note's text
                        continue
                    self.list_items(child, first=False)
                    pending = True
                    continue
                lines = self.flat_lines(child)
                lines = lines if self.notes else self.protect(lines)
                if pending and lines:
                    if self.notes:  # a note's wrapped lines stay indented under its number
                        self.emit_all(lines[:1], prefix, new_block=first)
                        lines = lines[1:]
                    else:
                        self.emit_all(lines, prefix, new_block=first)
                        lines = []
                    pending, first = False, False
                for line in lines:
                    self.emit("   " + line.text, line.start, line.end, _shifted(line, 3), new_block=False)

    def note_continuation(self, node: _Node) -> None:
        """A list nested in a note, written as the note's indented continuation lines."""
        for item in node.children:
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    self.note_continuation(child)
                    continue
                for line in self.flat_lines(child):
                    self.emit("   " + line.text, line.start, line.end, _shifted(line, 3), new_block=False)

    def footnote(self, node: _Node) -> None:
        label = str(node.token.meta.get("label", ""))
        lines: list[_Line] = []
        for child in node.children:
            lines.extend(self.flat_lines(child))
        self.cover(node.map)
        if not lines:
            start, end = self.block_span(node.map)
            lines = [_Line("", start, end, None, False)]
        head = f"[^{label}]: "
        first = lines[0]
        self.emit(head + first.text, first.start, first.end, _shifted(first, len(head)), new_block=True)
        for line in lines[1:]:
            self.emit("    " + line.text, line.start, line.end, _shifted(line, 4), new_block=False)

    def uncovered(self, first: int, last: int) -> None:
        """Emit the source lines in [first, last) that no block gave back, as they are."""
        for i in range(first, min(last, len(self.covered))):
            if self.covered[i]:
                continue
            start, end = self.line_span(i)
            text = self.source[start:end]
            at = _CONTAINERS.match(text)
            content = text[at.end() if at else 0 :].rstrip()
            if content:
                self.emit(content, start, end, start + (at.end() if at else 0), new_block=True)
            self.covered[i] = 1


def _shifted(line: _Line, prefix: int) -> int | None:
    return None if line.shift is None else line.shift - prefix


def _render_inline(children: list[Token], env: dict[str, object] | None = None) -> list[str]:
    """The text a reader sees, one string per source line (softbreaks and hard breaks split).

    `env` is the parser's: an inline note `^[text]` keeps its text there, and it stays in place
    here, in parentheses."""
    lines: list[list[str]] = [[]]
    links: list[tuple[str, int, int]] = []  # (href, line index, piece index) of open links
    sup: list[str] | None = None
    for tok in children:
        t = tok.type
        piece = ""
        if t in ("softbreak", "hardbreak"):
            lines.append([])
            continue
        if t in ("text", "text_special", "code_inline"):
            piece = tok.content
        elif t == "footnote_ref" and "label" not in tok.meta:
            piece = _inline_note(env, tok.meta.get("id"))
        elif t == "footnote_ref":
            piece = f"[^{tok.meta['label']}]"
        elif t == "image":
            piece = f"![{tok.content}]({tok.attrs.get('src', '')})"
        elif t == "link_open":
            links.append((str(tok.attrs.get("href", "")), len(lines) - 1, len(lines[-1])))
            continue
        elif t == "link_close" and links:
            href, line_at, piece_at = links.pop()
            text = " ".join(
                ["".join(lines[line_at][piece_at:]), *("".join(ln) for ln in lines[line_at + 1 :])]
            )
            if tok.markup != "autolink" and href and href not in (text, f"mailto:{text}"):
                piece = f" ({href})" if text.strip() else href
        elif t == "html_inline":
            if _SUP_OPEN.fullmatch(tok.content.strip()):
                sup = []
            elif _SUP_CLOSE.fullmatch(tok.content.strip()) and sup is not None:
                inner = "".join(sup).strip().strip("[]()")
                piece = f"[{inner}]" if _SUP_NUMBERS.fullmatch(inner) else inner
                sup = None
            elif _BREAK.fullmatch(tok.content.strip()):
                piece = " "
        if sup is not None and t != "html_inline":
            sup.append(piece)
            continue
        if piece:
            lines[-1].append(piece)
    if sup:  # a `<sup>` never closed: its text is still the paragraph's
        lines[-1].extend(sup)
    return ["".join(parts) for parts in lines]


def _inline_note(env: dict[str, object] | None, ident: object) -> str:
    """` (text)` of the inline note `^[text]` numbered `ident` in the parser's env."""
    notes = (env or {}).get("footnotes")
    listed = notes.get("list", {}) if isinstance(notes, dict) else {}
    entry = listed.get(ident, {}) if isinstance(listed, dict) else {}
    content = entry.get("content", "") if isinstance(entry, dict) else ""
    return f" ({content})" if content else ""


def _last_notes_heading(nodes: list[_Node], writer: _Writer) -> int | None:
    """Index of the last top-level heading or one-line paragraph naming the notes, if any."""
    for i in range(len(nodes) - 1, -1, -1):
        node = nodes[i]
        if node.type not in ("heading", "paragraph"):
            continue
        inline = node.children[0] if node.children else None
        content = inline.token.content.strip() if inline is not None else ""
        if not content or len(content) > 60 or "\n" in content:
            continue
        children: list[Token] = []
        _MD.inline.parse(content, _MD, writer.env, children)
        if NOTES_HEADING.match("".join(_render_inline(children))):
            return i
    return None


def _deferred_after(nodes: list[_Node], at: int) -> list[_Node]:
    """Footnote definitions standing after the notes heading: layout.py reads them in the body."""
    return [n for n in nodes[at + 1 :] if n.type == "footnote_reference"]


def to_text(source: str) -> Converted:
    """Convert Markdown to the bullet-and-notes text layout, keeping a map back to the source."""
    writer = _Writer(source)
    tokens = _MD.parse(source, writer.env)
    nodes = _tree(tokens)
    notes_at = _last_notes_heading(nodes, writer)
    for i, node in enumerate(nodes):
        if notes_at is not None and i > notes_at and node.type == "footnote_reference":
            continue  # emitted before the notes heading
        if i == notes_at:
            for note in _deferred_after(nodes, i):
                writer.block(note)
            writer.cover(node.map)
            start, end = writer.block_span(node.map)
            writer.emit("## Notes", start, end, None, new_block=True)
            writer.notes = True
        else:
            writer.block(node)
        if node.map:
            writer.uncovered(node.map[0], node.map[1])
    writer.uncovered(0, len(writer.line_starts))
    return _assemble(writer)


def _assemble(writer: _Writer) -> Converted:
    parts: list[str] = []
    offsets: list[tuple[int, int, int]] = []
    shifts: list[int | None] = []
    pos = 0
    for k, line in enumerate(writer.lines):
        if k:
            sep = "\n\n" if line.new_block else "\n"
            parts.append(sep)
            pos += len(sep)
        offsets.append((pos, line.start, line.end))
        shifts.append(None if line.shift is None else line.shift - pos)
        parts.append(line.text)
        pos += len(line.text)
    set_aside = [(reason, chars) for reason, chars in writer.set_aside.items() if chars]
    return Converted("".join(parts), offsets, shifts, set_aside)
