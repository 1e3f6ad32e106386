"""Load on the chat page: many concurrent gradio_client users against a server on 127.0.0.1.

    python bench/load_chat.py --clients 50 --questions 200 [--llm none] [--timeout 1800]

Starts `python -m assistant chat` on a fresh index (the sample briefings) in a subprocess, warms
it up, then lets `--clients` threads, each with its own gradio_client session, ask questions
(answerable and unanswerable ones about the samples) until `--questions` answers are in or
`--timeout` seconds have passed. Prints completed answers, errors, latency p50/p95 and the
server's resident memory after the warm-up and after the run.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Combien UBS a-t-elle payé pour racheter Credit Suisse ?",
    "Qui a fermé la Silicon Valley Bank ?",
    "De combien la BCE a-t-elle relevé ses taux le 16 mars ?",
    "When did Germany disconnect its last nuclear reactors?",
    "How large is the Olkiluoto 3 reactor?",
    "What triggers the EU gas price cap?",
    "Quand a eu lieu le dernier vol d'Ariane 5 ?",
    "D'où la mission Chandrayaan-3 a-t-elle été lancée ?",
    "Who won the 1998 football World Cup?",
    "Quelle est la capitale de la Mongolie ?",
]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int, proc: subprocess.Popen[bytes], limit: float = 300) -> None:
    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the chat server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the chat server did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument(
        "--llm", default=None, help="model for the server (default: the configured one); none = quotes only"
    )
    args = ap.parse_args()

    from gradio_client import Client

    sys.path.insert(0, str(ROOT))
    from assistant.chat.service import NO_LLM
    from assistant.settings import DEFAULT_LLM

    model = NO_LLM if args.llm == "none" else (args.llm or DEFAULT_LLM)

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "assistant", "chat", "--index", f"{tmp}/ix", "--port", str(port)]
        if args.llm:
            cmd += ["--llm", args.llm]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_up(port, proc)
            url = f"http://127.0.0.1:{port}/"
            warm = Client(url, verbose=False)
            for q in QUESTIONS[:3]:
                warm.predict(q, [], 5, model, "auto", "", "", api_name="/respond")
            rss_start = rss_kb(proc.pid)

            latencies: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            issued = [0]
            checkpoints: list[tuple[int, int]] = []  # (answers so far, server RSS in kB)
            deadline = time.time() + args.timeout

            def user(n: int) -> None:
                client = Client(url, verbose=False)
                rnd = random.Random(n)
                while time.time() < deadline:
                    with lock:
                        if issued[0] >= args.questions:
                            return
                        issued[0] += 1
                    q = rnd.choice(QUESTIONS)
                    t = time.perf_counter()
                    try:
                        chat, _sources, _ = client.predict(
                            q, [], 5, model, "auto", "", "", api_name="/respond"
                        )
                        content = str(chat[-1]["content"])
                        if 'class="reply"' not in content:
                            raise RuntimeError(f"incomplete answer: {content[:120]}")
                        with lock:
                            latencies.append(time.perf_counter() - t)
                            if len(latencies) % 50 == 0:
                                checkpoints.append((len(latencies), rss_kb(proc.pid)))
                    except Exception as exc:  # counted, reported, never hidden
                        with lock:
                            errors.append(f"{type(exc).__name__}: {exc}"[:200])

            started = time.perf_counter()
            threads = [threading.Thread(target=user, args=(i,)) for i in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            time.sleep(2)
            rss_end = rss_kb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    lat = sorted(latencies)
    q95 = lat[int(0.95 * (len(lat) - 1))] if lat else float("nan")
    print(f"clients {args.clients}, model {args.llm or 'configured default'}, wall {wall:.0f} s")
    print(f"completed answers {len(lat)}, errors {len(errors)}")
    if lat:
        print(
            f"latency p50 {statistics.median(lat):.2f} s, p95 {q95:.2f} s, throughput {len(lat) / wall:.2f}/s"
        )
    print(
        f"server RSS after warm-up {rss_start / 1024:.0f} MB, after the run {rss_end / 1024:.0f} MB "
        f"({(rss_end - rss_start) / 1024:+.0f} MB)"
    )
    if checkpoints:
        print("server RSS by answers: " + ", ".join(f"{n}: {kb / 1024:.0f} MB" for n, kb in checkpoints))
    for e in errors[:5]:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
