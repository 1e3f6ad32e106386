"""Read the fields of a footnote: title, outlet, author, date, URL.

Footnotes follow press-review habits: `Author, « Title », Outlet, 15 septembre 2022.` or
`"Title", Outlet, Sept. 15, 2022, https://…`, or just a bare URL. Every field is optional.

One note may hold several sources separated by `;` (`Le Monde, « … », https://… ; RFI, « … »,
https://…`): it is split there only when at least two of the pieces read as sources (an address
or a quoted title), since a title or a description may hold a semicolon too. The first piece gives the
note's fields, the others are kept in `Source.others`, and `Source.urls` lists every address.
Addresses written to be unclickable (`lemonde dot fr/afrique`, `example[.]com`, `hxxps://…`) are
kept exactly as written: rewriting them would change what the analyst chose to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlparse

from index.parse.dates import find_date
from index.records import Source

_URL = re.compile(r"(?:https?|hxxps?)://[^\s<>\"»”]+|www\.[^\s<>\"»”]+", re.I)
# An address written not to be a link: `lemonde dot fr/afrique`, `example[.]com`, `site (dot) org`.
_DOT = r"(?:\s+dot\s+|\s*\[dot\]\s*|\s*\(dot\)\s*|\s*\{dot\}\s*|\[\.\])"
_OBFUSCATED = re.compile(
    rf"(?<![\w./])[a-z0-9][\w-]*(?:{_DOT}[a-z0-9][\w-]*)*{_DOT}[a-z]{{2,12}}\b(?:/[^\s<>\"»”;,]*)?", re.I
)
_SEPARATOR = re.compile(r"\s;\s+|;\s+(?=\S)")
_QUOTES = (("«", "»"), ("“", "”"), ('"', '"'), ("‘", "’"))
# A footnote is a line or two; a longer one is only read this far, so junk stays cheap to parse.
MAX_SOURCE_CHARS = 2000


@dataclass(frozen=True)
class _Quoted:
    start: int  # of the opening quote
    end: int  # just past the closing quote
    inner: str


def _find_quoted(text: str) -> _Quoted | None:
    """The leftmost quoted run, found with plain searches (a regex here backtracks on « « « …)."""
    best: _Quoted | None = None
    for opening, closing in _QUOTES:
        start = text.find(opening)
        if start < 0 or (best is not None and start >= best.start):
            continue
        close = text.find(closing, start + 2)  # at least one character inside
        while close >= 0 and not text[start + 1 : close].strip():
            close = text.find(closing, close + 1)
        if close >= 0:
            best = _Quoted(start, close + 1, text[start + 1 : close].strip())
    return best


def _clean_field(text: str) -> str | None:
    text = text.strip(" \t,.;:–—-")
    return text or None


def _host(url: str) -> str | None:
    url = re.sub(_DOT, ".", url).replace("hxxp", "http", 1)  # `lemonde dot fr` names lemonde.fr
    try:
        host = urlparse(url if "://" in url else f"http://{url}").hostname
    except ValueError:  # "http://[oops": a malformed address names no outlet
        return None
    return host.removeprefix("www.") if host else None


def _addresses(text: str) -> list[tuple[int, str]]:
    """Every address of a note with its position: links, and obfuscated ones as written."""
    found = [(m.start(), m.group(0).rstrip(".,;)")) for m in _URL.finditer(text)]
    taken = [(m.start(), m.end()) for m in _URL.finditer(text)]
    for m in _OBFUSCATED.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            found.append((m.start(), m.group(0).rstrip(".,;)")))
    return sorted(found)


def _reads_as_source(piece: str) -> bool:
    return bool(_addresses(piece) or _find_quoted(piece))


def parse_source(text: str) -> Source:
    """Parse one footnote's text into a Source (fields left None when absent).

    A note of several `;`-separated sources gives the first one's fields, the others in `others`.
    """
    text = text[:MAX_SOURCE_CHARS]
    pieces = [p for p in _SEPARATOR.split(text) if p.strip()]
    urls = tuple(u for _, u in _addresses(text))
    if len(pieces) > 1 and sum(map(_reads_as_source, pieces)) >= 2:
        first, *others = (_parse_one(p) for p in pieces)
        return replace(first, urls=urls, others=tuple(others))
    return replace(_parse_one(text), urls=urls)


def _parse_one(text: str) -> Source:
    addresses = _addresses(text)
    url = addresses[0][1] if addresses else None
    rest = _OBFUSCATED.sub(" ", _URL.sub(" ", text)) if url else text
    date = find_date(rest)

    title = author = outlet = None
    quoted = _find_quoted(rest)
    if quoted:
        before = rest[: quoted.start]
        after = rest[quoted.end :]
        fields = [f for f in (_clean_field(x) for x in after.split(",")) if f]
        fields = [f for f in fields if find_date(f) is None]
        if before.rstrip().endswith(":") and len(fields) >= 2:
            # `X a déclaré : « … », Title, Outlet`: the quote is a statement, not a title.
            title, outlet = fields[0], fields[1]
        else:
            title = quoted.inner
            outlet = fields[0] if fields else None
            candidate = _clean_field(before)
            # An author is a short name before the title, not a sentence introducing a quote.
            if candidate and len(candidate.split()) <= 5 and ":" not in candidate:
                # `Author, « Title », Outlet` (or an address) names both; `RFI, « Title », 3 mars
                # 2024` names the outlet before the title.
                if outlet is None and not url:
                    outlet = candidate
                else:
                    author = candidate
    elif not url or rest.strip(" .,;"):
        fields = [f for f in (_clean_field(x) for x in rest.split(",")) if f]
        fields = [f for f in fields if find_date(f) is None]
        if len(fields) >= 2:
            title, outlet = fields[0], fields[1]
        elif len(fields) == 1 and not url:
            title = fields[0]
    if outlet is None and url:
        outlet = _host(url)
    return Source(title=title, outlet=outlet, author=author, date=date, url=url, urls=(url,) if url else ())
