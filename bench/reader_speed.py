"""The short-answer reader's speed beside raw llama.cpp evaluation of the same prompts, in one run.

    python bench/reader_speed.py --index /tmp/ixdev                    # 40 answerable PIAF dev questions
    python bench/reader_speed.py --index /tmp/ixdev -n 3 --json        # machine output, per answer too
    python bench/reader_speed.py --index /tmp/ixdev --reader qwen2.5-coder-0.5b-instruct-q4_k_m

Run it on an otherwise idle machine: every figure is a wall-clock time.

First the questions (n answerable ones of --questions, sampled with --seed) are answered by the real
pipeline (Assistant.ask, as `briefing-assistant ask` builds it), after --warmup questions answered
and left out, so the reader is loaded and its KV cache holds an earlier reader prompt, as in a
session. For each answer the pipeline's timings are kept, and the reader's exact prompt (wrapping
short.reader_prompt) and the tokens its llama.cpp context held after it (prompt, then output).

Then, on the same prompts and with the reader's own llama.cpp context (same model, threads, batch),
the raw limits are measured with Llama.eval, which create_chat_completion also uses:

  raw_full      evaluation of the whole prompt from an empty cache: the system part (fixed
                instruction and four examples) and the user part (quote, question) under the
                reader's chat template, tokenised as create_chat_completion does.
  raw_rest      evaluation of only the tokens after the fixed prefix, that prefix evaluated first
                and untimed: what a question costs when llama.cpp reuses the prefix from its cache.
  raw_decode    evaluation of the reader's own output tokens one at a time after the prompt: the
                floor under generating them (sampling not included).

The fixed prefix is the longest token prefix common to every reader prompt of the run (warm-up
included): the templated system message and the user part's first words. `reused` is what
llama.cpp actually found in its cache for each answer (common prefix with what it held before).

Figures (p50, p95 over the answers the reader read; an abstention has no reader):

  first_token_ms   from the question to the first piece shown (Assistant.ask's first_token_ms:
                   search, gate, rerank, then the reader's first piece when the LLM generates none)
  reader_first_ms  from the reader's start (short_answer called) to its first piece
  short_ms         the reader's whole time (Assistant.ask's short_ms: prompt, generation, matching)
  total_ms         the whole answer (Assistant.ask's total_ms)
  raw_*_ms         as above; *_tok_s the tokens per second of each (p50 of per-prompt rates)
  tokens           prompt (whole templated prompt), rest (after the fixed prefix), output (evaluated
                   output tokens), reused (cache hit in the run): p50 and max (reused: p50 and min)

and ratios of p50s: short / raw_rest, short / (raw_rest + raw_decode), reader_first / raw_rest,
first_token / raw_rest, first_token / raw_full, raw_full / raw_rest (what the cache saves).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import assistant.answer.pipeline as pipeline  # noqa: E402
from assistant.answer import short  # noqa: E402
from assistant.cli.eval import load_questions  # noqa: E402
from assistant.factory import open_assistant  # noqa: E402
from assistant.models.llm import Generator  # noqa: E402
from assistant.models.loading import LazyGenerator  # noqa: E402
from assistant.settings import Settings, add_flags  # noqa: E402

QUESTIONS = Path("/work/shared/eval/piaf-dev/questions.jsonl")


@dataclass
class Read:
    """One answer the reader read: the pipeline's timings and what the reader's context saw."""

    question: str
    timings: dict[str, float]
    system: str = ""
    user: str = ""
    raw: str = ""  # the reader's words
    short_answer: str | None = None
    reader_first_ms: float | None = None  # from short_answer's call to the reader's first piece
    before: list[int] = field(default_factory=list)  # tokens in the reader's context before it read
    after: list[int] = field(default_factory=list)  # ... and after: the prompt, then its output
    # Filled in after the answers, from the raw measurements:
    prompt_tokens: int = 0
    rest_tokens: int = 0
    output_tokens: int = 0
    reused_tokens: int = 0
    template_matches: bool = False  # the templated prompt is what the reader's context evaluated
    raw_full_ms: float = 0.0
    raw_rest_ms: float = 0.0
    raw_decode_ms: float = 0.0


def loaded_llama(reader: Generator | None) -> Any:
    """The reader's llama_cpp.Llama once loaded (a LazyGenerator is not loaded by asking), or None."""
    model = reader._model if isinstance(reader, LazyGenerator) else reader
    return getattr(model, "llm", None)


class Recorder:
    """Wraps short.reader_prompt and pipeline.short_answer to record what the reader saw."""

    def __init__(self, assistant: pipeline.Assistant) -> None:
        self.assistant = assistant
        self.current: Read | None = None
        self.prompts: list[tuple[str, str]] = []  # every reader prompt, warm-up included
        original_prompt = short.reader_prompt
        original_short = pipeline.short_answer

        def reader_prompt(question: str, quote: str, language: str) -> tuple[str, str]:
            system, user = original_prompt(question, quote, language)
            self.prompts.append((system, user))
            if self.current is not None:
                self.current.system, self.current.user = system, user
            return system, user

        def short_answer(
            reader: Generator,
            question: str,
            quotes: Sequence[str],
            language: str,
            on_token: Callable[[str], None] | None = None,
        ) -> short.ShortAnswer | None:
            read = self.current
            llm = loaded_llama(reader)
            if read is not None and llm is not None:
                read.before = llm._input_ids.tolist()
            start = time.perf_counter()
            pieces: list[str] = []

            def piece(text: str) -> None:
                if text and not pieces and read is not None:
                    read.reader_first_ms = 1000 * (time.perf_counter() - start)
                pieces.append(text)
                if on_token:
                    on_token(text)

            found = original_short(reader, question, quotes, language, piece)
            if read is not None:
                read.raw = "".join(pieces)
                read.after = loaded_llama(reader)._input_ids.tolist()
            return found

        short.reader_prompt = reader_prompt
        pipeline.short_answer = short_answer

    def ask(self, question: str) -> Read | None:
        """The answer's record, or None when the reader did not read (abstention, no citation)."""
        self.current = Read(question, {})
        try:
            answer = self.assistant.ask(question)
        finally:
            read, self.current = self.current, None
        if "reader_error" in answer.model:
            raise SystemExit(f"the reader failed: {answer.model['reader_error']}")
        if not read.user:
            return None
        read.timings = dict(answer.timings)
        read.short_answer = answer.short_answer
        return read


def chat_tokens(llm: Any, system: str, user: str) -> list[int]:
    """The tokens create_chat_completion evaluates for (system, user): the GGUF's chat template
    rendered and tokenised as llama-cpp-python does (Llama.__init__, chat_formatter_to_chat_completion_handler)."""
    from llama_cpp import llama_chat_format

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        raise SystemExit(f"the reader has no chat template (chat format {llm.chat_format!r})")
    eos, bos = llm.token_eos(), llm.token_bos()
    formatter = llama_chat_format.Jinja2ChatFormatter(
        template=template,
        eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
        bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
        stop_token_ids=[eos],
    )
    messages: Any = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    result = formatter(messages=messages)
    return list(llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True))


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def timed_eval(
    llm: Any, prefix: Sequence[int], rest: Sequence[int], one_by_one: Sequence[int] = ()
) -> tuple[float, float]:
    """From an empty cache: `prefix` evaluated untimed, then ms to evaluate `rest` in one call, then
    ms to evaluate `one_by_one` a token at a time (as generation feeds its tokens back)."""
    llm.reset()
    llm._ctx.kv_cache_seq_rm(-1, 0, -1)
    if prefix:
        llm.eval(prefix)
    start = time.perf_counter()
    llm.eval(rest)
    rest_ms = 1000 * (time.perf_counter() - start)
    start = time.perf_counter()
    for token in one_by_one:
        llm.eval([token])
    return rest_ms, 1000 * (time.perf_counter() - start)


def measure_raw(llm: Any, reads: list[Read], fixed: int) -> None:
    """The raw figures of each read, on its own prompt, with the reader's context."""
    for r in reads:
        prompt = chat_tokens(llm, r.system, r.user)
        r.template_matches = r.after[: len(prompt)] == prompt
        output = r.after[len(prompt) :] if r.template_matches else []
        r.prompt_tokens, r.rest_tokens, r.output_tokens = len(prompt), len(prompt) - fixed, len(output)
        r.reused_tokens = common_prefix(r.before, prompt)
        r.raw_full_ms, _ = timed_eval(llm, [], prompt)
        r.raw_rest_ms, r.raw_decode_ms = timed_eval(llm, prompt[:fixed], prompt[fixed:], output)
    llm.reset()
    llm._ctx.kv_cache_seq_rm(-1, 0, -1)


def pct(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if len(values) else None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def summary(reads: list[Read], asked: int, fixed: int) -> dict[str, Any]:
    def col(get: Callable[[Read], float | None]) -> list[float]:
        return [v for r in reads if (v := get(r)) is not None]

    figures: dict[str, list[float]] = {
        "first_token_ms": col(lambda r: r.timings.get("first_token_ms") or None),
        "reader_first_ms": col(lambda r: r.reader_first_ms),
        "short_ms": col(lambda r: r.timings.get("short_ms")),
        "total_ms": col(lambda r: r.timings.get("total_ms")),
        "raw_full_ms": col(lambda r: r.raw_full_ms),
        "raw_rest_ms": col(lambda r: r.raw_rest_ms),
        "raw_decode_ms": col(lambda r: r.raw_decode_ms),
        "raw_rest_decode_ms": col(lambda r: r.raw_rest_ms + r.raw_decode_ms),
        "raw_full_tok_s": col(lambda r: 1000 * r.prompt_tokens / r.raw_full_ms if r.raw_full_ms else None),
        "raw_rest_tok_s": col(lambda r: 1000 * r.rest_tokens / r.raw_rest_ms if r.raw_rest_ms else None),
        "raw_decode_tok_s": col(
            lambda r: (
                1000 * r.output_tokens / r.raw_decode_ms if r.output_tokens and r.raw_decode_ms else None
            )
        ),
    }
    out: dict[str, Any] = {"questions": asked, "read": len(reads), "fixed_prefix_tokens": fixed}
    for name, values in figures.items():
        out[f"{name}_p50"], out[f"{name}_p95"] = pct(values, 50), pct(values, 95)
    for name in ("prompt", "rest", "output"):
        values = [float(getattr(r, f"{name}_tokens")) for r in reads]
        out[f"{name}_tokens_p50"] = pct(values, 50)
        out[f"{name}_tokens_max"] = max(values, default=None)
    reused = [float(r.reused_tokens) for r in reads]
    out["reused_tokens_p50"], out["reused_tokens_min"] = pct(reused, 50), min(reused, default=None)
    out["template_matches"] = sum(r.template_matches for r in reads)
    out["ratios"] = {
        "short / raw_rest": ratio(out["short_ms_p50"], out["raw_rest_ms_p50"]),
        "short / (raw_rest + raw_decode)": ratio(out["short_ms_p50"], out["raw_rest_decode_ms_p50"]),
        "reader_first / raw_rest": ratio(out["reader_first_ms_p50"], out["raw_rest_ms_p50"]),
        "first_token / raw_rest": ratio(out["first_token_ms_p50"], out["raw_rest_ms_p50"]),
        "first_token / raw_full": ratio(out["first_token_ms_p50"], out["raw_full_ms_p50"]),
        "raw_full / raw_rest": ratio(out["raw_full_ms_p50"], out["raw_rest_ms_p50"]),
    }
    return out


def print_report(s: dict[str, Any], model: dict[str, str]) -> None:
    print(
        f"reader {model['reader']} ({model['chat_format']}, {model['threads']} threads), llm {model['llm']}: "
        f"{s['read']} answers read of {s['questions']} questions"
    )
    print("| figure | p50 | p95 |\n|---|---|---|")
    for name in (
        "first_token_ms",
        "reader_first_ms",
        "short_ms",
        "total_ms",
        "raw_full_ms",
        "raw_rest_ms",
        "raw_decode_ms",
        "raw_rest_decode_ms",
        "raw_full_tok_s",
        "raw_rest_tok_s",
        "raw_decode_tok_s",
    ):
        print(f"| {name} | {s[f'{name}_p50']} | {s[f'{name}_p95']} |")
    print("\n| tokens | p50 | max |\n|---|---|---|")
    print(f"| fixed prefix | {s['fixed_prefix_tokens']} | {s['fixed_prefix_tokens']} |")
    for name in ("prompt", "rest", "output"):
        print(f"| {name} | {s[f'{name}_tokens_p50']} | {s[f'{name}_tokens_max']} |")
    print(f"| reused in the run (p50, min) | {s['reused_tokens_p50']} | {s['reused_tokens_min']} |")
    print("\n| ratio of p50s | |\n|---|---|")
    for name, value in s["ratios"].items():
        print(f"| {name} | {value} |")
    if s["template_matches"] < s["read"]:
        print(
            f"\nwarning: the templated prompt differs from what the reader evaluated for "
            f"{s['read'] - s['template_matches']} answers (their output tokens are not measured)",
            file=sys.stderr,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_flags(ap, llm=True, reader=True)
    ap.add_argument("--questions", type=Path, default=QUESTIONS, help="JSONL of questions (PIAF dev)")
    ap.add_argument("-n", type=int, default=40, help="answerable questions to answer (default 40)")
    ap.add_argument("--seed", type=int, default=0, help="sample seed (default 0)")
    ap.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="questions answered first and left out, once the reader has read",
    )
    ap.add_argument(
        "--json", action="store_true", help="print the summary and every answer's figures as JSON"
    )
    args = ap.parse_args()

    rows = load_questions(args.questions)
    pool = [q for q in rows if q.get("answerable", True)]
    rng = random.Random(args.seed)
    sample = rng.sample(pool, min(args.n, len(pool)))
    chosen = {id(q) for q in sample}
    spare = [q for q in pool if id(q) not in chosen]
    rng.shuffle(spare)

    assistant = open_assistant(Settings.from_args(args))
    if assistant.reader is None:
        raise SystemExit("no reader: install one or name it with --reader")
    recorder = Recorder(assistant)
    warmed = 0
    for q in spare[:20]:  # until --warmup questions have been read (an abstention has no reader)
        if warmed >= args.warmup:
            break
        warmed += recorder.ask(q["question"]) is not None
    reads = []
    for k, q in enumerate(sample, start=1):
        read = recorder.ask(q["question"])
        if read is not None:
            reads.append(read)
        if not args.json:
            print(f"\r{k}/{len(sample)} answered", end="", file=sys.stderr, flush=True)
    if not args.json:
        print(file=sys.stderr)

    llm = loaded_llama(assistant.reader)
    if llm is None:
        raise SystemExit("the reader never read: no answer of the sample had a citation")
    prompts = [chat_tokens(llm, system, user) for system, user in recorder.prompts]
    if len(prompts) < 2:
        raise SystemExit("the fixed prefix needs two reader prompts at least: raise -n or --warmup")
    fixed = min(common_prefix(prompts[0], p) for p in prompts[1:])
    measure_raw(llm, reads, fixed)

    model = {
        "reader": assistant.reader.name,
        "llm": assistant.generator.name if assistant.generator else "none",
        "chat_format": str(llm.chat_format),
        "threads": f"{llm.context_params.n_threads} generation, {llm.context_params.n_threads_batch} prompt",
    }
    s = summary(reads, len(sample), fixed)
    if args.json:
        answers = [
            {k: v for k, v in asdict(r).items() if k not in ("system", "before", "after")} for r in reads
        ]
        system = reads[0].system if reads else None
        print(
            json.dumps(
                {"model": model, "summary": s, "system": system, "answers": answers},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print_report(s, model)


if __name__ == "__main__":
    main()
