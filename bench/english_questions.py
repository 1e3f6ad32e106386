"""Write the English dev questions as a full questions file (gold bullets, answers, answerable).

    python bench/english_questions.py /tmp/piaf-dev-en.jsonl
    briefing-assistant eval --index /tmp/ix2 --rerank-only /tmp/piaf-dev-en.jsonl
    briefing-assistant eval --index /tmp/ix2 --rerank-only --no-translate /tmp/piaf-dev-en.jsonl
    python bench/eval_retrieval.py --index /tmp/ix2 --questions /tmp/piaf-dev-en.jsonl --translate

bench/data/piaf-dev-en.jsonl holds only each question's id and English text (see its README);
the rest comes from ../shared/eval/piaf-dev/questions.jsonl.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "piaf-dev" / "questions.jsonl"
ENGLISH = ROOT / "bench" / "data" / "piaf-dev-en.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("out", type=Path, help="questions file to write")
    ap.add_argument("--dev", type=Path, default=DEV, help="the French questions (default: %(default)s)")
    args = ap.parse_args()
    dev = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    originals = {q["id"]: q for q in dev}
    lines = []
    for row in map(json.loads, ENGLISH.read_text(encoding="utf-8").splitlines()):
        q = dict(originals[row["id"]])
        q["question_fr"], q["question"] = q["question"], row["question"]
        lines.append(json.dumps(q, ensure_ascii=False))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} English questions written to {args.out}")


if __name__ == "__main__":
    main()
