"""Does the reader's refusal help the abstention gate? A second-stage veto, held out by article.

    nice -n 19 python bench/fit_reader_gate.py --index /tmp/ixdev           # the whole sample, hours on 2 busy cores
    nice -n 19 python bench/fit_reader_gate.py --index /tmp/ixdev --minutes 42   # what can be measured in 42 min
    python bench/fit_reader_gate.py --index /tmp/ixdev --minutes 0          # figures from the cache alone
    nice -n 19 python bench/fit_reader_gate.py --index /tmp/ixdev --limit 4 --cache /tmp/rg.jsonl  # smoke test

The gate (assistant/answer/gate.py) decides on retrieval signals before any reading. Once it has
passed, the reader (assistant/answer/short.py, an instruct GGUF) reads the question and the quote
and writes the answering span or "je ne sais pas". This script asks whether the reader's doubt,
read after the gate, would catch unanswerable questions the gate lets through.

Measurement. Every unanswerable question of the dev set and a random sample of answerable ones
(seed 0; each answerable question weighted to stand for its share of all of them, as in
bench/fit_llm_gate.py; a run cut short by --minutes weights the unanswerable ones measured the same
way) go through `Assistant.ask` as `briefing-assistant ask` builds it (the
default LLM, which reranks and feeds the gate's likelihood gain, and the reader named by
--reader). Recorded per question: whether it abstained; the gate's signals (`pipeline.evidence`
and the reranker's gain, wrapped); whether the first citation is a gold bullet; and, when the
reader ran, what it wrote, whether a short answer came of it, and two log-probabilities read
from the reader's KV cache right after it wrote (the prompt is already evaluated there, so each
costs a few tokens' decoding): log P(refusal), the refusal being "je ne sais pas" or "Je ne sais
pas" (summed), and log P(the reader's own greedy words), both in nats after the reader's
chat-templated prompt. Records are appended to a JSON-lines cache
(bench/results/reader_gate.jsonl), so an interrupted run resumes.

Rules compared on the questions, over all of them (the gate's refusals stay refusals):
  (a) the gate as it is;
  (b) the gate, then a veto when a reader signal is above a threshold fitted on the training folds
      (best abstention F1 over the training questions), held out by article with
      bench/fit_gate.py's grouped folds; two signals: log P(refusal), and the margin
      log P(refusal) − log P(greedy words);
  (c) the gate, then a veto when the reader gives no short answer (nothing fitted);
  (c') the gate, then a veto when the reader's words are a refusal (short.clean gives None).
For each: abstention precision / recall / F1 and the share of answerable questions refused
(weighted estimates for the whole set, bench/fit_gate.figures), and the answerable questions
of the sample the rule newly refuses, with how many of them cite a gold bullet first.
The gate's own constants were fitted on the whole dev set, so (a) is in-sample for the gate;
only the veto's threshold is held out.

Conclusion (2026-12-06): no. The reader's refusal does not help the gate; nothing changes in the
pipeline. Measured with

    nice -n 19 python bench/fit_reader_gate.py --index /tmp/ixdev --minutes 42   # then resumed:
    nice -n 19 python bench/fit_reader_gate.py --index /tmp/ixdev --minutes 12
    python bench/fit_reader_gate.py --index /tmp/ixdev --minutes 0

(gemma-3-270m-q4_k_m reranking and feeding the gate, qwen2.5-coder-1.5b-instruct-q4_k_m reading; about
19 s a question on 2 cores shared with another run, so 181 of the 400 sampled questions were
measured, a random part of each kind: 71 of the 160 unanswerable, weighted 2.25, and 110 of the 240
answerable, weighted 33.41). The gate passes 22 unanswerable and 108 answerable questions (82 of
them cite a gold bullet first). The reader refuses 7 of the 22 unanswerable ones, but also 11 of the
108 answerable ones (8 of them citing a gold bullet first, for answers such as « 987 kilomètres »,
« un an », « à tout moment »); it gives no short answer for 10 of 22 and 23 of 108. An answerable question stands
for 33 of the 3,675, an unanswerable one for 2 of the 160, so each answerable question a veto refuses
costs far more than an unanswerable one it catches:

    rule                                     P      R      F1     answerable refused   newly refused (gold-cited)
    (a) gate                                 0.623  0.690  0.655  1.8 %                 -
    (c) + veto when no short answer          0.137  0.831  0.236  22.7 %                23 (16)
    (c') + veto when the reader refuses      0.225  0.789  0.350  11.8 %                11 (8)
    (b) + log P(refusal) > t, in-sample      0.628  0.704  0.664  1.8 %                 0  (t = -0.11)
    (b) same, 5-fold held out                0.524  0.690  0.596  2.7 %                 1 (1)
    (b) same, 3- / 9-fold held out           F1 0.604 / 0.596
    (b) margin > t, in-sample                0.628  0.704  0.664  1.8 %                 0  (t = 3.38)
    (b) margin, 5- / 3- / 9-fold held out    F1 0.596 / 0.596 / 0.596, 1 (1) newly refused

The log-probabilities separate the two kinds on average (median log P(refusal) −2.7 nats after
the gate for unanswerable questions, −4.7 for answerable ones), but not at the top, where a veto
would act: the best in-sample cut catches one unanswerable question, and held out by article it
refuses a correctly cited answerable one instead (F1 0.655 → 0.60). The sample is small (22
unanswerable questions past the gate); the fixed rules (c), (c') lose so much that a larger sample
would not turn them around.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import fit_gate  # noqa: E402
import fit_llm_gate  # noqa: E402

READER = "qwen2.5-coder-1.5b-instruct-q4_k_m"
REFUSALS = ("je ne sais pas", "Je ne sais pas")  # the prompt's words, and as a sentence starts


# -- measurement --------------------------------------------------------------------------
def log_softmax_at(logits: np.ndarray, token: int) -> float:
    """log P(token) from a float32 row of logits, summed in float64."""
    top = float(logits.max())
    return float(logits[token]) - top - math.log(float(np.exp(logits - top).sum(dtype=np.float64)))


def chat_tokens(llm: Any, system: str, user: str) -> list[int]:
    """The reader's prompt as create_chat_completion tokenizes it: the GGUF's chat template,
    special tokens parsed."""
    from llama_cpp import llama_chat_format

    formatter = llama_chat_format.Jinja2ChatFormatter(
        template=llm.metadata["tokenizer.chat_template"],
        eos_token=llm._model.token_get_text(llm.token_eos()),
        bos_token=llm._model.token_get_text(llm.token_bos()),
    )
    messages: Any = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    prompt = formatter(messages=messages).prompt
    return list(llm.tokenize(prompt.encode(), add_bos=True, special=True))


def continuation_logprobs(llm: Any, prompt: list[int], continuations: list[str]) -> list[tuple[float, int]]:
    """(log P(text | prompt) in nats, tokens) of each continuation.

    The prompt is in the KV cache after the reader's generation; when it is, only the prompt's
    last token and the continuation are decoded, from the position of that last token. The cache
    is then cut back before that position, so the next generation reuses the fixed part of the
    prompt as it would have."""
    import llama_cpp

    n = len(prompt)
    cached = llm.n_tokens >= n and list(llm.input_ids[:n]) == prompt
    if not cached:
        llm.reset()
        llm.eval(prompt[:-1])
    out = []
    for text in continuations:
        tail = list(llm.tokenize(text.encode(), add_bos=False, special=False))
        if not tail:
            out.append((0.0, 0))
            continue
        tokens = [prompt[-1], *tail]
        llm._ctx.kv_cache_seq_rm(-1, n - 1, -1)
        llm._batch.set_batch(batch=tokens, n_past=n - 1, logits_all=True)
        llm._ctx.decode(llm._batch)
        total = 0.0
        for j, token in enumerate(tail):
            row = np.ctypeslib.as_array(
                llama_cpp.llama_get_logits_ith(llm._ctx.ctx, j), shape=(llm.n_vocab(),)
            )
            total += log_softmax_at(row, token)
        out.append((total, len(tail)))
    llm._ctx.kv_cache_seq_rm(-1, n - 1, -1)
    llm.n_tokens = n - 1
    llm._requires_eval = True
    return out


@dataclass
class Probe:
    """What the wrapped pipeline functions saw for the question being asked."""

    evidence: Any = None
    gain: float | None = None
    reader: dict[str, Any] | None = None


def instrument(assistant: Any, probe: Probe) -> None:
    """Watch the judge stage and the reader so that each `ask` leaves its gate signals (with the
    likelihood gain) and the reader's words and log-probabilities in `probe`."""
    from assistant.answer.pipeline import with_stage
    from assistant.answer.short import clean, reader_prompt, short_answer
    from assistant.answer.stages import read as read_stage
    from assistant.answer.stages.judge import judge

    def judged(state: Any, tools: Any) -> Any:
        probe.evidence = state.evidence
        probe.gain = state.evidence.gain if state.evidence is not None else None
        return judge(state, tools)

    def read(reader: Any, question: str, quotes: Any, language: str, on_token: Any = None) -> Any:
        pieces: list[str] = []

        def heard(piece: str) -> None:
            pieces.append(piece)
            if on_token:
                on_token(piece)

        short = short_answer(reader, question, quotes, language, heard)
        raw = "".join(pieces)
        system, user = reader_prompt(question, " … ".join(q for q in quotes if q.strip()), language)
        model = reader.loaded  # the LlamaCppGenerator behind the lazy reader, loaded by now
        with model.lock:
            prompt = chat_tokens(model.llm, system, user)
            words = raw.strip()
            scores = continuation_logprobs(model.llm, prompt, [*REFUSALS, words])
        refusal = float(np.logaddexp.reduce([s for s, _ in scores[: len(REFUSALS)]]))
        probe.reader = {
            "raw": raw,
            "short": short.text if short else None,
            "refused": clean(raw) is None,
            "lp_refusal": refusal,
            "refusal_tokens": scores[0][1],
            "lp_words": scores[-1][0],
            "words_tokens": scores[-1][1],
        }
        return short

    assistant.stages = with_stage(assistant.stages, "judge", judged)
    read_stage.short_answer = read  # type: ignore[assignment]


def build(index: Path, reader: str) -> Any:
    """The assistant as `briefing-assistant ask --index INDEX --reader READER` opens it."""
    from assistant.factory import open_assistant
    from assistant.settings import Settings

    return open_assistant(Settings.load(index=index, reader=reader))


def gold_of(question: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {
        (g["file"], "bullet" if "bullet" in g else "footnote", g.get("bullet", g.get("footnote")))
        for g in question.get("gold", [])
    }


def record_of(question: dict[str, Any], answer: Any, probe: Probe, seconds: float) -> dict[str, Any]:
    ev = probe.evidence
    first = answer.citations[0] if answer.citations else None
    return {
        "id": question["id"],
        "answerable": bool(question.get("answerable", True)),
        "abstained": answer.abstained,
        "coverage": ev.coverage if ev else None,
        "lexical": ev.lexical if ev else None,
        "cosine": ev.cosine if ev else None,
        "gain": probe.gain,
        "unknown": list(ev.unknown) if ev else [],
        "first_gold": bool(first and (first["file"], first["kind"], first["number"]) in gold_of(question)),
        "short": answer.short_answer,
        "reader": probe.reader,
        "llm": answer.model.get("llm"),
        "reader_model": answer.model.get("reader"),
        "seconds": round(seconds, 2),
    }


def measure(
    questions: list[dict[str, Any]], index: Path, reader: str, cache: Path, minutes: float
) -> dict[str, dict[str, Any]]:
    """Records of each question by id, from the cache or measured and appended to it, for at most
    `minutes`. Questions are measured in a shuffled order, so that a run cut short leaves a random
    part of the sample of each kind."""
    done: dict[str, dict[str, Any]] = {}
    if cache.exists():
        done = {r["id"]: r for r in map(json.loads, cache.read_text().splitlines()) if r}
    todo = [q for q in questions if q["id"] not in done]
    random.Random(1).shuffle(todo)
    if not todo or minutes <= 0:
        return done
    assistant = build(index, reader)
    probe = Probe()
    instrument(assistant, probe)
    cache.parent.mkdir(parents=True, exist_ok=True)
    print(f"measuring {len(todo)} questions ({len(done)} cached) ...", flush=True)
    t0 = time.perf_counter()
    with cache.open("a") as out:
        for n, q in enumerate(todo, start=1):
            probe.evidence, probe.gain, probe.reader = None, None, None
            start = time.perf_counter()
            answer = assistant.ask(q["question"])
            record = record_of(q, answer, probe, time.perf_counter() - start)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            done[q["id"]] = record
            if n % 20 == 0:
                print(f"  {n}/{len(todo)}, {(time.perf_counter() - t0) / n:.1f} s a question", flush=True)
            if time.perf_counter() - t0 > 60 * minutes:
                print(f"  stopped after {minutes:g} minutes: {len(todo) - n} questions left", flush=True)
                break
    return done


# -- evaluation ---------------------------------------------------------------------------
def veto_threshold(signal: np.ndarray, base: np.ndarray, answerable: np.ndarray, weight: np.ndarray) -> float:
    """Threshold t of "also abstain when signal > t" maximising abstention F1 over these questions,
    `base` being the gate's abstentions; +inf (no veto) when no cut beats the gate alone. A cut lies
    halfway between consecutive signal values; ties: the one refusing fewer."""
    open_ = ~base & ~np.isnan(signal)
    refuse = ~answerable
    total_refusable = float(weight[refuse].sum())
    tp0, k0 = float(weight[base & refuse].sum()), float(weight[base].sum())
    best_f1, best_t = 2 * tp0 / max(k0 + total_refusable, 1e-9), math.inf
    order = np.argsort(-signal[open_], kind="stable")
    s, r, w = signal[open_][order], refuse[open_][order], weight[open_][order]
    tp, k = tp0 + np.cumsum(w * r), k0 + np.cumsum(w)  # veto the highest signals, down to each one
    f1 = 2 * tp / (k + total_refusable)
    for i in range(len(s)):
        if i + 1 < len(s) and s[i + 1] == s[i]:
            continue  # only between distinct values
        if f1[i] > best_f1 + 1e-12:
            best_f1 = float(f1[i])
            best_t = float((s[i] + s[i + 1]) / 2) if i + 1 < len(s) else float(s[i] - 1e-9)
    return best_t


def held_out_veto(
    signal: np.ndarray,
    base: np.ndarray,
    answerable: np.ndarray,
    weight: np.ndarray,
    groups: list[str],
    n_folds: int,
) -> tuple[np.ndarray, list[float]]:
    """Abstentions of the gate plus the veto, its threshold fitted on the other folds."""
    fold = fit_gate.grouped_folds(groups, n_folds)
    abstained = base.copy()
    thresholds = []
    for f in range(n_folds):
        train, test = fold != f, fold == f
        t = veto_threshold(signal[train], base[train], answerable[train], weight[train])
        abstained[test] |= ~np.isnan(signal[test]) & (np.nan_to_num(signal[test], nan=-math.inf) > t)
        thresholds.append(t)
    return abstained, thresholds


def newly_refused(rule: np.ndarray, base: np.ndarray, answerable: np.ndarray, first_gold: np.ndarray) -> str:
    new = rule & ~base & answerable
    return f"newly refuses {int(new.sum())} answerable ({int((new & first_gold).sum())} gold-cited)"


def row(label: str, rule: np.ndarray, base: np.ndarray, data: dict[str, np.ndarray]) -> str:
    w = data["weight"]
    return (
        f"  {label:32s} {fit_gate.figures(rule, data['answerable'], w)}; "
        f"{newly_refused(rule, base, data['answerable'], data['first_gold'])}"
    )


def arrays(
    questions: list[dict[str, Any]],
    records: dict[str, dict[str, Any]],
    n_answerable: int,
    n_unanswerable: int,
) -> dict[str, np.ndarray]:
    """The measured questions' records as columns; each question weighted to stand for its share
    of the questions of its kind in the whole set."""
    recs = [records[q["id"]] for q in questions if q["id"] in records]
    answerable = np.array([r["answerable"] for r in recs])
    read = [r["reader"] for r in recs]
    nan = float("nan")
    return {
        "answerable": answerable,
        "weight": np.where(answerable, n_answerable / answerable.sum(), n_unanswerable / (~answerable).sum()),
        "abstained": np.array([r["abstained"] for r in recs]),
        "first_gold": np.array([r["first_gold"] for r in recs]),
        "read": np.array([x is not None for x in read]),
        "no_short": np.array([x is not None and x["short"] is None for x in read]),
        "refused": np.array([x is not None and x["refused"] for x in read]),
        "lp_refusal": np.array([x["lp_refusal"] if x else nan for x in read]),
        "margin": np.array([x["lp_refusal"] - x["lp_words"] if x else nan for x in read]),
    }


def report(data: dict[str, np.ndarray], groups: list[str], folds: list[int]) -> None:
    answerable, base, read = data["answerable"], data["abstained"], data["read"]
    print(
        f"\n{len(answerable)} questions measured: {int((~answerable).sum())} unanswerable each weighted "
        f"{data['weight'][~answerable][0]:.2f}, {int(answerable.sum())} answerable each weighted "
        f"{data['weight'][answerable][0]:.2f}; the gate passes "
        f"{int((~base & ~answerable).sum())} unanswerable and {int((~base & answerable).sum())} answerable "
        f"({int((~base & answerable & data['first_gold']).sum())} citing a gold bullet first); the reader read "
        f"{int(read.sum())}"
    )
    for name in ("lp_refusal", "margin"):
        s = data[name]
        print(
            f"  {name:10s} median, passed answerable {np.nanmedian(s[read & answerable]):7.2f}  "
            f"passed unanswerable {np.nanmedian(s[read & ~answerable]):7.2f}  (nats)"
        )
    for name in ("no_short", "refused"):
        x = data[name]
        print(
            f"  {name:10s} answerable read {int(x[answerable].sum())}/{int((read & answerable).sum())}  "
            f"unanswerable read {int(x[~answerable].sum())}/{int((read & ~answerable).sum())}"
        )
    print("\nRules, over all questions (weighted estimates for the whole dev set):")
    print(row("(a) gate", base, base, data))
    print(row("(c) gate + veto: no short answer", base | data["no_short"], base, data))
    print(row("(c') gate + veto: reader refuses", base | data["refused"], base, data))
    print("  (b) veto when the signal > t (margin: log P(refusal) − log P(words)):")
    for name in ("lp_refusal", "margin"):
        t_all = veto_threshold(data[name], base, answerable, data["weight"])
        in_sample = base | (np.nan_to_num(data[name], nan=-math.inf) > t_all)
        print(row(f"  {name}, in-sample", in_sample, base, data) + f"; t = {t_all:.2f}")
        for n_folds in folds:
            rule, ts = held_out_veto(data[name], base, answerable, data["weight"], groups, n_folds)
            shown = " ".join("none" if math.isinf(t) else f"{t:.2f}" for t in ts)
            print(row(f"  {name}, {n_folds}-fold held out", rule, base, data) + f"; t per fold {shown}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--index", type=Path, default=Path("/tmp/ixdev"), help="index of the dev briefings")
    ap.add_argument("--questions", type=Path, default=fit_gate.DEV / "questions.jsonl")
    ap.add_argument("--answerable", type=int, default=240, help="answerable questions sampled (seed 0)")
    ap.add_argument("--reader", default=READER, help="the reader (default: %(default)s)")
    ap.add_argument("--cache", type=Path, default=fit_gate.RESULTS / "reader_gate.jsonl")
    ap.add_argument("--limit", type=int, help="only the first N questions of the sample (a smoke test)")
    ap.add_argument("--folds", type=int, nargs="+", default=[5, 3, 9])
    ap.add_argument(
        "--minutes", type=float, default=math.inf, help="stop measuring after this long (0: the cache alone)"
    )
    args = ap.parse_args()

    everything = fit_gate.load_questions(args.questions, None)
    groups_of = dict(zip((q["id"] for q in everything), fit_gate.article_groups(everything), strict=True))
    questions = fit_llm_gate.sample(everything, args.answerable, seed=0)[: args.limit]
    records = measure(questions, args.index, args.reader, args.cache, args.minutes)
    n_answerable = sum(bool(q.get("answerable", True)) for q in everything)
    data = arrays(questions, records, n_answerable, len(everything) - n_answerable)
    report(data, [groups_of[q["id"]] for q in questions if q["id"] in records], args.folds)


if __name__ == "__main__":
    main()
