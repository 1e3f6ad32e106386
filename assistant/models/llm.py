"""Text generation backends: llama-cpp-python in process, or any OpenAI-compatible server.

Both stream text pieces and take the same (system, user) prompt pair, so prompts,
verification and streaming behave the same whichever runs the model. A GGUF without a chat
template (a base model such as the embedded Gemma 3 270M) is driven as plain completion.
One generation at a time per loaded model: llama.cpp contexts are not re-entrant.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, cast


class GenerationError(RuntimeError):
    """The model could not be loaded or reached; the message says how to fix it."""


class Generator(Protocol):
    """Streams text for a (system, user) prompt, greedily.

    `logprobs`, when given, receives the log-probability (nats) of each token the model chose,
    as it chooses them (the stop token included), from backends that can tell; others leave it
    empty. The short answer reads its confidence from them (assistant/answer/short.py).
    """

    name: str
    follows_instructions: bool

    def stream(
        self,
        system: str,
        user: str,
        *,
        max_tokens: int = 256,
        stop: list[str] | None = None,
        logprobs: list[float] | None = None,
    ) -> Iterator[str]: ...


def complete(gen: Generator, system: str, user: str, **kwargs: Any) -> str:
    return "".join(gen.stream(system, user, **kwargs))


_LOG_ERROR, _LOG_CONTINUED = 4, 5  # ggml_log_level: NONE, DEBUG, INFO, WARN, ERROR, CONT


_log_lock = threading.Lock()


def _quiet_llama_logs() -> Any:
    """Install the log callback once (see _install_quiet_logs), from whichever thread loads the
    first model: two threads loading models at once install one callback, not two."""
    with _log_lock:
        return _install_quiet_logs()


@functools.cache
def _install_quiet_logs() -> Any:
    """Let only llama.cpp's errors through to stderr. llama-cpp-python maps ggml's log levels one
    step off (a WARN counts as an error), so with verbose=False a Gemma 3 context still prints
    "using full-size SWA cache" under every answer. Installed once; the cache keeps the callback
    referenced, since llama.cpp calls it from C."""
    import ctypes

    import llama_cpp

    last = [0]  # the level a CONT message continues; llama.cpp logs from the thread that loads

    @llama_cpp.llama_log_callback
    def callback(level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
        if level != _LOG_CONTINUED:
            last[0] = level
        if last[0] == _LOG_ERROR:
            print(text.decode("utf-8", "replace"), end="", file=sys.stderr, flush=True)

    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))
    return callback


class LlamaCppGenerator:
    """A GGUF model loaded in this process."""

    def __init__(
        self, path: Path, *, n_ctx: int = 4096, n_threads: int | None = None, fix: str | None = None
    ) -> None:
        """Load `path`; `fix` says how to replace this file if it does not load (see models.repair_hint)."""
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise GenerationError(
                "llama-cpp-python is not installed (it runs GGUF models in process): "
                '`CMAKE_ARGS="-DLLAVA_BUILD=OFF" pip install llama-cpp-python`, or use --llm-url '
                "with an OpenAI-compatible server"
            ) from exc
        _quiet_llama_logs()
        try:
            self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            fix = fix or "download or copy it again, or pick a model from `briefing-assistant models list`"
            raise GenerationError(
                f"cannot load the model file {path} ({reason}); it is truncated or corrupted: {fix}"
            ) from exc
        self.name = Path(path).name
        self.chat = bool(self.llm.metadata.get("tokenizer.chat_template"))
        self.follows_instructions = self.chat
        self.lock = threading.Lock()

    def stream(
        self,
        system: str,
        user: str,
        *,
        max_tokens: int = 256,
        stop: list[str] | None = None,
        logprobs: list[float] | None = None,
    ) -> Iterator[str]:
        processors = None
        if logprobs is not None:
            from llama_cpp import LogitsProcessorList

            processors = LogitsProcessorList([_ChosenLogprob(logprobs)])
        with self.lock:
            if self.chat:
                messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
                for chunk in self.llm.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=0.0,
                    stop=stop,
                    stream=True,
                    logits_processor=processors,
                ):
                    piece = cast(dict[str, Any], chunk)["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
            else:
                for part in self.llm.create_completion(
                    f"{system}\n\n{user}",
                    max_tokens=max_tokens,
                    temperature=0.0,
                    stop=stop,
                    stream=True,
                    logits_processor=processors,
                ):
                    piece = cast(dict[str, Any], part)["choices"][0]["text"]
                    if piece:
                        yield piece

    def continuation_logprob(self, prefix: str, continuation: str) -> float:
        """log P(continuation | prefix) in nats, from one forward pass over both.

        Logits are requested only at the continuation's positions: with Gemma's 262k-token
        vocabulary, the output layer for every position would cost more than the model. That
        needs llama.cpp's batch API (Llama.eval keeps only the last position's logits).
        """
        import llama_cpp
        import numpy as np

        with self.lock:
            llm = self.llm
            tail = llm.tokenize(continuation.encode(), add_bos=False, special=False)
            head = llm.tokenize(prefix.encode(), add_bos=True, special=False)
            head = head[: max(1, llm.n_batch - len(tail))]  # one batch: a long passage loses its end
            tail = tail[: llm.n_batch - len(head)]
            tokens = head + tail
            llm.reset()
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)
            batch = llm._batch
            batch.set_batch(batch=tokens, n_past=0, logits_all=False)
            for j in range(len(tokens)):  # logits where the next token is a continuation token
                batch.batch.logits[j] = len(head) - 1 <= j < len(tokens) - 1
            llm._ctx.decode(batch)
            total = 0.0
            for j in range(len(head) - 1, len(tokens) - 1):
                # A float32 view of llama.cpp's buffer, summed in float64: copying 262k logits to
                # float64 first cost 5x more, about 0.2 s of a 5-passage reranking.
                logits = np.ctypeslib.as_array(
                    llama_cpp.llama_get_logits_ith(llm._ctx.ctx, j), shape=(llm.n_vocab(),)
                )
                top = float(logits.max())
                norm = float(np.exp(logits - top).sum(dtype=np.float64))
                total += float(logits[tokens[j + 1]]) - top - float(np.log(norm))
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)
            return total

    def token_count(self, text: str) -> int:
        """Tokens of `text` as a continuation (no BOS): the gate's likelihood gain is per token."""
        with self.lock:
            return len(self.llm.tokenize(text.encode(), add_bos=False, special=False))

    def prompt_eval_ms(self, system: str, user: str) -> float:
        """Raw llama.cpp time to evaluate this prompt (the floor under time to first token)."""
        import time

        tokens = self.llm.tokenize(f"{system}\n\n{user}".encode())
        with self.lock:
            self.llm.reset()
            start = time.perf_counter()
            self.llm.eval(tokens)
            return 1000 * (time.perf_counter() - start)


class _ChosenLogprob:
    """A llama.cpp logits processor that leaves the scores as they are and records the
    log-probability of the token greedy decoding takes from them (the highest)."""

    def __init__(self, into: list[float]) -> None:
        self.into = into

    def __call__(self, _input_ids: Any, scores: Any) -> Any:
        import numpy as np

        top = float(scores.max())
        self.into.append(-float(np.log(np.exp((scores - top).astype(np.float64)).sum())))
        return scores


class OpenAIGenerator:
    """Any server speaking the OpenAI chat completions API (llama-server, vLLM, Ollama)."""

    def __init__(self, base_url: str, *, model: str = "default", timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.name = f"{model} @ {self.base_url}"
        self.follows_instructions = True
        self.lock = threading.Lock()

    def stream(
        self,
        system: str,
        user: str,
        *,
        max_tokens: int = 256,
        stop: list[str] | None = None,
        logprobs: list[float] | None = None,
    ) -> Iterator[str]:
        del logprobs  # not asked of the server: a short answer from it keeps the wider quote
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "stream": True,
        }
        if stop:
            body["stop"] = stop
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "text/event-stream"},
        )
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except (urllib.error.URLError, OSError) as exc:
            raise GenerationError(f"cannot reach the LLM server at {self.base_url}: {exc}") from exc
        with response:
            for raw in response:
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    choice = json.loads(data)["choices"][0]
                except (json.JSONDecodeError, KeyError, IndexError):
                    continue
                piece = (choice.get("delta") or {}).get("content") or choice.get("text")
                if piece:
                    yield piece
