"""HTML for the chat page: answers with linked markers, the sources panel, the waiting state.

Everything that comes from a briefing or a model is escaped here, before Gradio sees it: a
briefing may hold `<script>` or Markdown, and both must show as the text they are. Markdown's
own characters are written as entities so a `*` or `#` in a bullet stays a character.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer.pipeline import Answer
from prompts import labels as _labels

_MD = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~"}
_MARKER = re.compile(r"\[(\d+)\]")


def text(value: str) -> str:
    """Plain text, safe as HTML and inert as Markdown."""
    return "".join(_MD.get(c) or html.escape(c, quote=True) for c in value).replace("\n", "<br>")


def anchor(turn: int, marker: int) -> str:
    return f"src-{turn}-{marker}"


def where(
    file: str,
    date: str | None,
    kind: str,
    number: int,
    language: str,
    page: int | None = None,
    section: str | None = None,
) -> str:
    """`sahel.pdf · p. 2 · Analysis › Sahel · 2024-03-02 · paragraph 3`: the page only for a PDF
    passage, the section only for one under a heading (escaped: headings come from the briefing)."""
    lab = _labels(language)
    at = f" · p. {int(page)}" if page else ""
    under = f" · {text(section)}" if section else ""
    return f"{text(file)}{at}{under} · {text(date or lab['undated'])} · {lab.get(kind, kind)} {number}"


def answer_html(answer: Answer, turn: int) -> str:
    """The chat message: the verified answer, its markers linking to the sources panel."""
    lab = _labels(answer.language)
    parts = []
    if answer.standalone_question.strip() != answer.question.strip():
        parts.append(f'<p class="rewritten">{lab["understood"]} {text(answer.standalone_question)}</p>')
    if answer.translated_question:
        parts.append(f'<p class="rewritten">{lab["translated"]} {text(answer.translated_question)}</p>')
    if answer.abstained:
        parts.append(f'<div class="abstain"><p>{text(answer.text)}</p>')
        if answer.passages:
            lang = answer.language
            items = "".join(
                f"<li>{where(h.file, h.briefing_date, h.kind, h.number, lang, h.page, h.section)} — "
                f"{text(_clip(h.text, 180))}</li>"
                for h in answer.passages[:3]
            )
            parts.append(f'<p class="closest">{lab["closest"]}</p><ul class="closest">{items}</ul>')
        parts.append("</div>")
        return f'<div class="reply">{"".join(parts)}</div>'
    markers = {c["marker"] for c in answer.citations}
    escaped = text(answer.text)
    short = answer.short_answer
    if short and answer.text.startswith(short):  # the short answer leads, in bold
        escaped = f'<strong class="short">{text(short)}</strong>{text(answer.text[len(short) :])}'
    # Markers were escaped to entities with the rest; link the ones that cite something.
    escaped_marker = re.compile(r"&#91;(\d+)&#93;")

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in markers:
            return m.group(0)
        return f'<a class="cite" href="#{anchor(turn, n)}" title="source {n}">[{n}]</a>'

    parts.append(f'<div class="answer">{escaped_marker.sub(link, escaped)}</div>')
    return f'<div class="reply">{"".join(parts)}</div>'


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def highlight(passage: str, quotes: Sequence[str], short: str | None = None) -> str:
    """The passage as HTML with each verbatim quote wrapped in <mark>, and the short answer in
    <strong> inside the first quote that holds it."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        q = quote.strip()
        start = passage.find(q) if q else -1  # verified quotes are verbatim substrings
        if start >= 0:
            spans.append((start, start + len(q)))
    spans.sort()
    inner = None
    if short:
        for start, end in spans:
            at = passage.find(short, start, end)
            if at >= 0:
                inner = (at, at + len(short))
                break
    return _marked(passage, spans, inner)


LONG_PASSAGE = 1500  # characters shown in full; longer passages show the context of their quotes
CONTEXT = 300
LONG_MARK = 800


def _marked(passage: str, spans: list[tuple[int, int]], inner: tuple[int, int] | None = None) -> str:
    """Passage HTML with spans in <mark> (`inner`, within one of them, also in <strong>); a very
    long passage is cut to the quotes' surroundings."""
    if len(passage) <= LONG_PASSAGE:
        windows = [(0, len(passage))]
    elif spans:
        windows = []
        for start, end in spans:
            lo, hi = max(0, start - CONTEXT), min(len(passage), end + CONTEXT)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
            else:
                windows.append((lo, hi))
    else:
        windows = [(0, LONG_PASSAGE)]
    out = []
    for lo, hi in windows:
        if lo > 0:
            out.append(" … ")
        pos = lo
        for start, end in spans:
            if start < pos or end > hi:
                continue
            out.append(text(passage[pos:start]))
            if inner is not None and start <= inner[0] and inner[1] <= end and end - start <= LONG_MARK:
                a, b = inner
                out.append(
                    f'<mark>{text(passage[start:a])}<strong class="short">{text(passage[a:b])}</strong>'
                    f"{text(passage[b:end])}</mark>"
                )
            else:
                out.append(f"<mark>{text(_clip_middle(passage[start:end]))}</mark>")
            pos = end
        out.append(text(passage[pos:hi]))
    if windows[-1][1] < len(passage):
        out.append(" …")
    return "".join(out)


def _clip_middle(value: str) -> str:
    if len(value) <= LONG_MARK:
        return value
    return value[: LONG_MARK // 2].rstrip() + " … " + value[-LONG_MARK // 4 :].lstrip()


@dataclass
class TurnSources:
    """What the panel shows for one answered question."""

    turn: int
    question: str
    answer: Answer


def _footnotes_html(hit: Any, language: str) -> str:
    lab = _labels(language)
    if hit is None:
        return ""
    if hit.kind != "footnote" and hit.footnotes:
        items = "".join(f"<li>{int(n['number'])}. {text(str(n['text']))}</li>" for n in hit.footnotes)
        return f'<ul class="notes">{items}</ul>'
    if hit.kind == "footnote" and hit.cited_by:
        items = "".join(
            f"<li>{lab['cited_by']} {lab.get(b.get('kind', 'bullet'), 'bullet')} {int(b['number'])}"
            f"{_in_section(b.get('section'))} : {text(_clip(str(b['text']), 200))}</li>"
            for b in hit.cited_by
        )
        return f'<ul class="notes">{items}</ul>'
    return ""


def _in_section(section: str | None) -> str:
    """` (Analysis › Sahel)` after a citing passage's number, escaped; nothing without a section."""
    return f" ({text(section)})" if section else ""


def turn_sources_html(t: TurnSources) -> str:
    a = t.answer
    head = f'<h4 class="turn">{t.turn}. {text(_clip(t.question, 120))}</h4>'
    if a.abstained:
        return head + f'<p class="no-source">{text(a.text)}</p>'
    hits = {h.id: h for h in a.passages}
    cards = []
    for c in a.citations:
        hit = hits.get(c["id"])
        passage = hit.text if hit else c.get("quote", "")
        quotes = c.get("quotes") or [c.get("quote", "")]
        at = where(
            c["file"],
            c["briefing_date"],
            c["kind"],
            int(c["number"]),
            a.language,
            c.get("page"),
            c.get("section"),
        )
        cards.append(
            f'<div class="source" id="{anchor(t.turn, c["marker"])}">'
            f'<div class="where"><span class="badge">[{int(c["marker"])}]</span> '
            f"{at}</div>"
            f'<p class="passage">{highlight(passage, quotes, a.short_answer if c is a.citations[0] else None)}</p>'
            f"{_footnotes_html(hit, a.language)}</div>"
        )
    return head + "".join(cards)


def sources_html(turns: Sequence[TurnSources], language: str = "en") -> str:
    """The whole panel, newest answer first, so every marker in the chat has its target."""
    if not turns:
        hint = (
            "Les passages cités par les réponses s’affichent ici, citations surlignées."
            if language == "fr"
            else "The passages an answer cites appear here, with the quoted words highlighted."
        )
        return f'<div id="sources-panel"><p class="hint">{hint}</p></div>'
    body = "".join(turn_sources_html(t) for t in reversed(turns))
    return f'<div id="sources-panel">{body}</div>'


def waiting_html(stage: str, model: str, tokens: int, draft: str, language: str) -> str:
    """Shown in the chat while an answer is being made."""
    lab = _labels(language)
    if draft:
        return f'<div class="draft">{text(draft)}</div>'
    if stage == "generating":
        return f'<p class="working">{text(lab["reading"].format(model=model, tokens=tokens))}</p>'
    if stage == "reading":
        return f'<p class="working">{text(lab["reading_quote"].format(model=model))}</p>'
    return f'<p class="working">{lab["searching"]}</p>'


def status_markdown(stats: dict[str, Any], samples: bool, advice: str | None = None) -> str:
    updated = str(stats.get("updated", "")).replace("T", " ")[:16]
    line = (
        f"**{stats['briefings']}** briefings · **{stats['passages']}** passages · "
        f"updated {updated} UTC · embedder `{stats['embedder']}`"
    )
    if samples:
        line += (
            "  \nThe index was empty, so the sample briefings shipped with the assistant were indexed: "
            "ask about them, or add your own below."
        )
    if advice:
        line += f"  \n{advice[0].upper()}{advice[1:]}."
    return line
