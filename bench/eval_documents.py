"""Search quality on the documents corpus (tests/corpus): briefings in every format and layout
analysts write, French and English, each question with a known gold passage.

    python bench/eval_documents.py [--rerank] [--json] [--index DIR] [--misses]

Writes the corpus into a temporary folder (tests/corpus/build.py), indexes it with the packaged
embedder (in --index, default a temporary folder), and searches every question as
`briefing-assistant search --no-rerank --no-translate` does: the hybrid search alone. With
--rerank, close calls are reordered by the embedded GGUF's likelihood of the question, as
`search` does by default (assistant/answer/rerank.py: the top DEPTH passages when the first two are
close; about 3 s a question reranked on 2 cores). Questions are never translated: the corpus is
in two languages, and a mixed archive leaves a question as it is.

Prints, per format (.md .html .txt .docx .pdf) and language, then in all: questions, top-1, top-3
(the gold passage among the first three), MRR@10, and how many found gold passages carry their
note's source. --misses lists the questions missed in the top 3. --json prints the same as one
JSON object, with every question's rank. Run from the repository root with the project's
virtualenv; indexing and searching take about 40 s on 2 cores without --rerank.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.factory import open_searcher  # noqa: E402
from assistant.models.loading import load_embedder  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.search.hybrid import Hit, Searcher  # noqa: E402
from index.store.builder import update_index  # noqa: E402
from tests.corpus.build import Question, write_corpus  # noqa: E402
from tests.corpus.score import DEPTH, TOP, Outcome, measure, summarise  # noqa: E402

FORMATS = (".md", ".html", ".txt", ".docx", ".pdf")
LANGUAGES = ("fr", "en")


def hybrid(searcher: Searcher) -> Callable[[str], Sequence[Hit]]:
    return lambda question: searcher.search(question, k=DEPTH)


def reranked(searcher: Searcher) -> Callable[[str], Sequence[Hit]]:
    """The search with `search`'s default close-call reranking (assistant/answer/stages/rerank.py):
    the top passages (rerank.toml's DEPTH) reordered when the first does not lead the second by
    the margin, the rest of the top DEPTH after them."""
    from assistant.factory import open_assistant
    from assistant.settings import Settings

    settings = Settings.load(index=searcher.index_dir).with_answer(translate=False)
    assistant = open_assistant(settings, lazy=True, searcher=searcher, reader=None)
    if assistant.reranker is None:
        raise SystemExit("--rerank needs a GGUF in process, not a server (BRIEFING_LLM_URL)")
    depth = settings.answer.reranking.depth

    def search(question: str) -> Sequence[Hit]:
        top, _query = assistant.search(question, depth)
        rest = searcher.search(question, k=max(DEPTH, depth))[depth:]
        return top + rest

    return search


def groups(outcomes: Sequence[Outcome]) -> list[tuple[str, list[Outcome]]]:
    """(label, outcomes) per format, per language, per format and language, and in all."""
    out: list[tuple[str, list[Outcome]]] = []
    for fmt in FORMATS:
        out.append((fmt, [o for o in outcomes if o.question.format == fmt]))
    for lang in LANGUAGES:
        out.append((lang, [o for o in outcomes if o.question.lang == lang]))
    for fmt in FORMATS:
        for lang in LANGUAGES:
            out.append(
                (
                    f"{fmt} {lang}",
                    [o for o in outcomes if (o.question.format, o.question.lang) == (fmt, lang)],
                )
            )
    out.append(("all", list(outcomes)))
    return [(label, members) for label, members in out if members]


def table(outcomes: Sequence[Outcome]) -> str:
    head = f"{'group':<10} {'questions':>9} {'top-1':>7} {'top-3':>7} {'MRR':>7} {'note carried':>14}"
    lines = [head, "-" * len(head)]
    for label, members in groups(outcomes):
        s = summarise(members)
        noted = f"{round(s.note_carried * s.with_note)}/{s.with_note}"
        lines.append(f"{label:<10} {s.questions:>9} {s.top1:>7.1%} {s.top3:>7.1%} {s.mrr:>7.3f} {noted:>14}")
    return "\n".join(lines)


def as_json(outcomes: Sequence[Outcome], rerank: bool) -> dict[str, Any]:
    return {
        "rerank": rerank,
        "top": TOP,
        "groups": {label: summarise(members).as_json() for label, members in groups(outcomes)},
        "questions": [
            {
                "file": o.question.file,
                "question": o.question.question,
                "lang": o.question.lang,
                "rank": o.rank,
                "found": o.found,
                "note_carried": o.note_carried,
            }
            for o in outcomes
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--rerank", action="store_true", help="reorder close calls with the LLM, as `search` does"
    )
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--index", type=Path, help="index directory (default: a temporary one)")
    ap.add_argument("--misses", action="store_true", help="list the questions missed in the top 3")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="documents-corpus-") as tmp:
        folder = Path(tmp) / "documents"
        questions: list[Question] = write_corpus(folder)
        index_dir = args.index or Path(tmp) / "index"
        settings = Settings.load(index=index_dir)
        embedder = load_embedder(settings.embedder_for())
        report = update_index(index_dir, [folder], embedder)
        for skipped in report.skipped:
            print(f"skipped {skipped['file']}: {skipped['reason']}", file=sys.stderr)
        searcher = open_searcher(settings, embedder)
        outcomes = measure(questions, reranked(searcher) if args.rerank else hybrid(searcher))

    if args.json:
        print(json.dumps(as_json(outcomes, args.rerank), ensure_ascii=False, indent=1))
        return
    print(table(outcomes))
    if args.misses:
        print("\nmissed in the top 3:")
        print("\n".join(o.describe() for o in outcomes if not o.found) or "(none)")


if __name__ == "__main__":
    main()
