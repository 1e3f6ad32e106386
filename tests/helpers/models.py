"""A stand-in Hugging Face hub on 127.0.0.1, registries that list its models, and `models` run in process.

The server speaks the part of the Hugging Face protocol huggingface_hub uses (HEAD then GET on
/{repo}/resolve/{revision}/{file}).
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest

from assistant.cli import models as models_cli

GGUF_BYTES = b"GGUF" + bytes(range(256)) * 64
GGUF_SHA = hashlib.sha256(GGUF_BYTES).hexdigest()
COMMIT = "0123456789abcdef0123456789abcdef01234567"
ST_FILES = {  # a sentence-transformers repository: what it needs, and copies `pull` must skip
    "modules.json": b"[]",
    "config.json": b"{}",
    "model.safetensors": b"weights",
    "1_Pooling/config.json": b"{}",
    "onnx/model.onnx": b"onnx copy",
    "onnx/config.json": b"{}",
    "pytorch_model.bin": b"old weights",
}


class HubServer:
    """Serves `files` ({"owner/repo/file": bytes}) and records the paths asked for."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, body: bool) -> None:
                server.requests.append((self.command, self.path))
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts[:2] == ["api", "models"] and len(parts) >= 6:
                    self._api(parts[2] + "/" + parts[3], parts[4])
                    return
                # owner / repo / resolve / revision / file...
                key = "/".join(parts[:2] + parts[4:]) if len(parts) > 4 and parts[2] == "resolve" else ""
                data = server.files.get(key)
                if data is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def _api(self, repo: str, what: str) -> None:
                """repo_info (`revision`) and the recursive file listing (`tree`) snapshot_download asks for."""
                files = [(k[len(repo) + 1 :], v) for k, v in server.files.items() if k.startswith(repo + "/")]
                if what == "revision":
                    siblings = [{"rfilename": name} for name, _ in files]
                    payload: object = {"id": repo, "sha": COMMIT, "siblings": siblings}
                else:
                    payload = [
                        {"type": "file", "path": n, "size": len(d), "oid": hashlib.sha1(d).hexdigest()}
                        for n, d in files
                    ]
                data = json.dumps(payload).encode()
                self.send_response(200 if files else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)


HEADER = "# name | role | default | source | sha256 | size | licence | note\n"


def write_registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "models.txt"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="briefing-assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    models_cli.add_parser(sub)
    return models_cli.run(parser.parse_args(argv))


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert cli("models", "list", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    return {m["name"]: m for m in out["models"]}
