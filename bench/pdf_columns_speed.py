"""What looking for two columns costs PDF conversion: the same PDFs converted with and without it.

    python bench/pdf_columns_speed.py            # 60 PIAF dev briefings written as PDF
    python bench/pdf_columns_speed.py --n 181 --repeat 5

The briefings (../shared/eval/piaf-dev, single-column) are written as PDF by bench/writers.py,
then converted by index.parse.pdf.to_text, alternately as shipped and with the gutter search
(pdf_columns.page_gutter) replaced by a stub that finds none, so no page is read differently and
the difference is the search itself. Prints the best time of each over --repeat rounds, pages per
second, and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import writers  # noqa: E402

from index.parse import pdf  # noqa: E402
from index.parse.reader import parse_bytes  # noqa: E402

BRIEFINGS = ROOT.parent / "shared" / "eval" / "piaf-dev" / "briefings"


def convert_all(datas: list[bytes]) -> tuple[float, int]:
    start = time.perf_counter()
    pages = sum(pdf.to_text(d).page_count for d in datas)
    return time.perf_counter() - start, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--briefings", type=Path, default=BRIEFINGS)
    ap.add_argument("--n", type=int, default=60, help="briefings, in name order")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    files = sorted(args.briefings.glob("*.txt"))[: args.n]
    datas = [writers.to_pdf(parse_bytes(f.read_bytes(), str(f)))[0] for f in files]
    shipped = pdf.page_gutter
    times: dict[str, list[float]] = {"with the column search": [], "without (stub)": []}
    pages = 0
    for _ in range(args.repeat):
        pdf.page_gutter = shipped
        elapsed, pages = convert_all(datas)
        times["with the column search"].append(elapsed)
        pdf.page_gutter = lambda *_: None  # type: ignore[assignment]
        times["without (stub)"].append(convert_all(datas)[0])
    pdf.page_gutter = shipped
    for label, values in times.items():
        print(f"{label}: {min(values):.2f} s for {pages} pages ({pages / min(values):.1f} pages/s)")
    ratio = min(times["with the column search"]) / min(times["without (stub)"])
    print(f"{len(files)} briefings; time with / without: {ratio:.2f}")


if __name__ == "__main__":
    main()
