"""Run inside `unshare -n` by tests/system/test_offline.py: the chat page answers with no network at all.

Brings the namespace's loopback up (a new namespace has it down), starts `python -m assistant
chat` on an empty index (so the sample briefings are indexed, as on a first run), asks one
question through gradio_client, and prints the reply and sources panel as JSON.
"""

from __future__ import annotations

import fcntl
import json
import socket
import struct
import subprocess
import sys
import time

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH", b"lo", 0)))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def main(index_dir: str, question: str) -> int:
    loopback_up()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "chat", "--index", index_dir, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.time() + 300
        while True:
            if server.poll() is not None:
                print(json.dumps({"error": server.stdout.read() if server.stdout else ""}))
                return 1
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        chat, sources, _ = client.predict(
            question, [], 3, "gemma-3-270m-q4_k_m", "auto", "", "", api_name="/respond"
        )
        print(json.dumps({"reply": str(chat[-1]["content"]), "sources": sources}))
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
