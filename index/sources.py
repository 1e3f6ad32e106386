"""Read the fields of a footnote: title, outlet, author, date, URL.

Footnotes follow press-review habits: `Author, « Title », Outlet, 15 septembre 2022.` or
`"Title", Outlet, Sept. 15, 2022, https://…`, or just a bare URL. Every field is optional.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from index.dates import find_date
from index.models import Source

_URL = re.compile(r"https?://[^\s<>\"»”]+|www\.[^\s<>\"»”]+", re.I)
_QUOTED = re.compile(r"«\s*(.+?)\s*»|“(.+?)”|\"(.+?)\"|‘(.+?)’")


def _clean_field(text: str) -> str | None:
    text = text.strip(" \t,.;:–—-")
    return text or None


def parse_source(text: str) -> Source:
    """Parse one footnote's text into a Source (fields left None when absent)."""
    url_match = _URL.search(text)
    url = url_match.group(0).rstrip(".,;)") if url_match else None
    rest = _URL.sub(" ", text) if url else text
    date = find_date(rest)

    title = author = outlet = None
    quoted = _QUOTED.search(rest)
    if quoted:
        before = rest[: quoted.start()]
        after = rest[quoted.end() :]
        fields = [f for f in (_clean_field(x) for x in after.split(",")) if f]
        fields = [f for f in fields if find_date(f) is None]
        if before.rstrip().endswith(":") and len(fields) >= 2:
            # `X a déclaré : « … », Title, Outlet`: the quote is a statement, not a title.
            title, outlet = fields[0], fields[1]
        else:
            title = next(g for g in quoted.groups() if g is not None).strip()
            outlet = fields[0] if fields else None
            candidate = _clean_field(before)
            # An author is a short name before the title, not a sentence introducing a quote.
            if candidate and len(candidate.split()) <= 5 and ":" not in candidate:
                author = candidate
    elif not url or rest.strip(" .,;"):
        fields = [f for f in (_clean_field(x) for x in rest.split(",")) if f]
        fields = [f for f in fields if find_date(f) is None]
        if len(fields) >= 2:
            title, outlet = fields[0], fields[1]
        elif len(fields) == 1 and not url:
            title = fields[0]
    if outlet is None and url:
        host = urlparse(url if "://" in url else f"http://{url}").hostname
        outlet = host.removeprefix("www.") if host else None
    return Source(title=title, outlet=outlet, author=author, date=date, url=url)
