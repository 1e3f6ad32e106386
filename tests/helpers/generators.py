"""One stand-in for the LLM: it says what the test wants and records what it was asked.

The pipeline, the chat service and the reranker only call `stream(system, user, max_tokens=,
stop=, logprobs=)` and read `name` and `follows_instructions`; a ScriptedGenerator does just that.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator


class ScriptedGenerator:
    """Streams `text` word by word (or what `reply(system, user)` returns), recording each call.

    `calls` holds (system, user) per call, `prompts` the user prompts alone and `limits` the
    (max_tokens, stop) asked for. With `logprob`, each word it streams counts as one token of that
    log-probability in `logprobs` when the caller asks for them. With `word_seconds`, each word takes that long and
    `max_running` says how many calls overlapped: the generator does not serialise itself, so a test sees
    whether its caller does. With `error`, every call raises it instead.
    """

    def __init__(
        self,
        text: str = "",
        *,
        reply: Callable[[str, str], str] | None = None,
        name: str = "scripted",
        follows_instructions: bool = True,
        word_seconds: float = 0.0,
        error: Exception | None = None,
        logprob: float | None = None,
    ) -> None:
        self.text = text
        self.reply = reply
        self.name = name
        self.follows_instructions = follows_instructions
        self.word_seconds = word_seconds
        self.error = error
        self.logprob = logprob
        self.calls: list[tuple[str, str]] = []
        self.limits: list[tuple[int, list[str] | None]] = []
        self.running = 0
        self.max_running = 0
        self._count = threading.Lock()

    @property
    def prompts(self) -> list[str]:
        return [user for _system, user in self.calls]

    def stream(
        self,
        system: str,
        user: str,
        *,
        max_tokens: int = 256,
        stop: list[str] | None = None,
        logprobs: list[float] | None = None,
    ) -> Iterator[str]:
        with self._count:
            self.calls.append((system, user))
            self.limits.append((max_tokens, stop))
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            if self.error is not None:
                raise self.error
            text = self.text if self.reply is None else self.reply(system, user)
            for word in re.split(r"(?<= )", text):
                if self.word_seconds:
                    time.sleep(self.word_seconds)
                if logprobs is not None and self.logprob is not None:
                    logprobs.append(self.logprob)
                yield word
        finally:
            with self._count:
                self.running -= 1
