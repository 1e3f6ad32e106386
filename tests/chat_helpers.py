"""Starting the chat app in the test process, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(service: Any, auth: list[tuple[str, str]] | None = None) -> tuple[Any, str]:
    from assistant.chat.app import build_app, launch

    demo = build_app(service)
    port = free_port()
    launch(demo, "127.0.0.1", port, auth=auth, block=False)
    return demo, f"http://127.0.0.1:{port}/"


class SlowScripted:
    """An instruction-following generator that takes its time and records overlapping calls.

    It does not serialise itself, so the test sees whether the service does.
    """

    name = "slow-scripted"
    follows_instructions = True

    def __init__(self, text: str, seconds: float = 0.3) -> None:
        self.text = text
        self.seconds = seconds
        self.running = 0
        self.max_running = 0
        self.calls = 0
        self._count = threading.Lock()

    def stream(
        self, system: str, user: str, *, max_tokens: int = 256, stop: list[str] | None = None
    ) -> Iterator[str]:
        with self._count:
            self.running += 1
            self.calls += 1
            self.max_running = max(self.max_running, self.running)
        try:
            for word in self.text.split(" "):
                time.sleep(self.seconds / 10)
                yield word + " "
        finally:
            with self._count:
                self.running -= 1
