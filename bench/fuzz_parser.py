"""Fuzz the briefing parser for a given time with hypothesis, and say how many inputs it tried.

    python bench/fuzz_parser.py [--seconds 600] [--json]

The long run of tests/index/parse/test_reader_properties.py: the same invariants (`check_invariants`: offsets
inside the text, bullets numbered 1..n, footnote cross-links both ways, clean passage text),
on more shapes: random text and bytes, briefing-like fragment soups, HTML tag soups (nested,
unclosed, with entities), and those encoded as UTF-8, cp1252, latin-1 or UTF-16 (with and
without BOM), or cut at a random byte. Any exception other than SkippedFile (with a reason) is
a failure; hypothesis shrinks it and the smallest input is printed. The slowest input is
reported too (a parser that never fails but takes minutes on one file is a bug as well).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from index.parse.reader import parse_bytes, parse_text  # noqa: E402
from index.records import SkippedFile  # noqa: E402
from tests.index.parse.test_reader_properties import FRAGMENTS, check_invariants  # noqa: E402

HTML_TAGS = [
    "html",
    "body",
    "div",
    "p",
    "ul",
    "ol",
    "li",
    "sup",
    "h2",
    "section",
    "table",
    "tr",
    "td",
    "span",
]
HTML_BITS = [
    *(f"<{t}>" for t in HTML_TAGS),
    *(f"</{t}>" for t in HTML_TAGS),
    '<ol start="3">',
    '<ol start="x">',
    '<div class="footnotes">',
    '<section id="notes">',
    "<br>",
    "<br/>",
    "<!-- c -->",
    "<script>x</script>",
    "<style>",
    "&amp;",
    "&#x41;",
    "&bogus;",
    "<",
    ">",
    "<li",
    "Sources",
    "Notes",
]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"]

fragment_soup = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=80).map("".join)
html_soup = st.lists(st.sampled_from(HTML_BITS + FRAGMENTS) | st.text(max_size=6), max_size=80).map(
    lambda parts: "<html><body>" + "".join(parts)
)
any_text = st.text(max_size=400) | fragment_soup | html_soup


@st.composite
def encoded(draw: st.DrawFn) -> bytes:
    """Text in one of the encodings briefings arrive in, possibly two mixed, possibly cut short."""
    text = draw(any_text)
    codec = draw(st.sampled_from(ENCODINGS))
    data = text.encode(codec, errors="replace")
    if draw(st.booleans()):
        data += draw(any_text).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if data and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


any_bytes = st.binary(max_size=600) | encoded()


class Tally:
    def __init__(self) -> None:
        self.tried = 0
        self.skipped = 0
        self.slowest = 0.0
        self.slowest_input: object = None

    def timed(self, value: object, fn: object) -> None:
        start = time.perf_counter()
        try:
            fn()  # type: ignore[operator]
        except SkippedFile as exc:
            assert str(exc), "a skipped file must say why"
            self.skipped += 1
        finally:
            self.tried += 1
            spent = time.perf_counter() - start
            if spent > self.slowest:
                self.slowest, self.slowest_input = spent, value


def make_tests(tally: Tally, batch: int) -> list[object]:
    config = settings(
        max_examples=batch,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )

    @config
    @given(any_text)
    def text_parses(text: str) -> None:
        def run() -> None:
            b = parse_text(text, "briefing.txt")
            check_invariants(b, text)

        tally.timed(text, run)

    @config
    @given(any_bytes)
    def bytes_parse(data: bytes) -> None:
        def run() -> None:
            b = parse_bytes(data, "briefing.txt", max_bytes=100_000)
            assert b.passages

        tally.timed(data, run)

    return [text_parses, bytes_parse]


def fuzz(seconds: float, batch: int = 500) -> dict[str, object]:
    """Run both properties in batches of `batch` examples until `seconds` have passed."""
    tally = Tally()
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    tests = make_tests(tally, batch)
    rounds = 0
    while time.monotonic() < deadline:
        test = tests[rounds % len(tests)]
        rounds += 1
        try:
            test()  # type: ignore[operator]
        except Exception as exc:  # hypothesis re-raises the shrunk failure
            failures.append(f"{getattr(test, '__name__', test)}: {type(exc).__name__}: {exc}"[:2000])
            print(failures[-1], file=sys.stderr, flush=True)
    return {
        "seconds": round(seconds),
        "inputs_tried": tally.tried,
        "skipped_with_reason": tally.skipped,
        "failures": len(failures),
        "failure_details": failures,
        "slowest_input_s": round(tally.slowest, 3),
        "slowest_input": repr(tally.slowest_input)[:200],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to fuzz (default 600)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()
    summary = fuzz(args.seconds)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"fuzzed for {summary['seconds']} s")
        print(
            f"inputs tried: {summary['inputs_tried']:,} ({summary['skipped_with_reason']:,} skipped with a reason)"
        )
        print(f"failures (raised anything but SkippedFile, or broke an invariant): {summary['failures']}")
        for line in summary["failure_details"]:  # type: ignore[attr-defined]
            print(f"  {line}")
        print(f"slowest input: {summary['slowest_input_s']} s")
    return 0 if summary["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
