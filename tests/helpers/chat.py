"""Starting the chat app in the test process, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import socket
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
