"""Offline, proven: index, search and ask with the embedded models run with the network cut off.

Two ways: (a) the command line in a network namespace of its own (`unshare -n`: no interface
but a loopback that is down), without the *_OFFLINE variables the test suite sets, so nothing
but the code itself keeps it offline; (b) in process, with every connection, datagram or DNS
lookup for anything but this machine refused and recorded: an attempt fails the test even if
a library catches the error.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.helpers.corpus import write_briefings

pytestmark = pytest.mark.slow  # subprocesses in a network namespace, the GGUF, the chat page

QUESTION = "Qui a démenti la rumeur sur l'OTSC ?"
LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}

# (a) The command line in a network namespace.


def _unshare_reason() -> str | None:
    """Why `unshare -n` cannot run here, or None when it can."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return "unshare (util-linux) is not available on this system"
    probe = subprocess.run(["unshare", "-n", "true"], check=False, capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare -n is not permitted here (needs root or user namespaces): {probe.stderr.strip()}"
    return None


def _offline_env() -> dict[str, str]:
    """This process's environment without the variables that would make libraries stay offline."""
    drop = {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _cut_off(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "-n", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_offline_env(),
        timeout=600,
    )


def _cli(*args: str) -> Any:
    out = _cut_off(sys.executable, "-m", "assistant", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_command_line_runs_in_a_network_namespace(tmp_path: Path, corpus: Path) -> None:
    if reason := _unshare_reason():
        pytest.skip(reason)
    # The namespace really has no network: only a loopback, and the outside is unreachable.
    probe = _cut_off(
        sys.executable,
        "-c",
        "import socket, sys\n"
        "print(socket.if_nameindex())\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 53), timeout=2)\n"
        "except OSError:\n"
        "    sys.exit(0)\n"
        "sys.exit(1)\n",
    )
    assert probe.returncode == 0 and probe.stdout.strip() == "[(1, 'lo')]", probe.stdout + probe.stderr

    ix = str(tmp_path / "ix")
    summary = _cli("index", "--index", ix, "--json", str(corpus))
    assert summary["briefings"] == 2 and summary["skipped"] == []

    found = _cli("search", "--index", ix, "-k", "3", "--json", QUESTION)
    top = found["results"][0]
    assert (top["file"], top["number"]) == ("briefing-2022-09-15.txt", 2)

    a = _cli("ask", "--index", ix, "-k", "1", "--json", QUESTION)  # one passage: a short prompt
    # The embedded base model reads the passages (query likelihood for the gate and the order).
    assert a["model"]["llm"].endswith(".gguf") and a["timings"]["rerank_ms"] > 0, "the GGUF read the passages"
    assert not a["abstained"] and "Aydos Sarym" in a["answer"]
    c = a["citations"][0]
    assert f"[{c['marker']}]" in a["answer"] and c["file"] == "briefing-2022-09-15.txt"
    assert c["quote"] and c["quote"] in next(p["text"] for p in a["passages"] if p["id"] == c["id"])


# (b) In process, with outside connections and DNS refused.


def _literal(host: object) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False
    return True


class Attempts(list[str]):
    """The attempts recorded, and the guarded connect (re-applied over conftest's per test)."""

    connect: Any = None


@pytest.fixture(scope="module")
def attempts() -> Iterator[Attempts]:
    """Refuse, and record, any attempt to reach something other than this machine."""
    seen = Attempts()
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto

    def refuse(what: str) -> None:
        seen.append(what)
        raise AssertionError(f"tried to reach the network: {what}")

    def host_of(name: object) -> object:
        return name.decode() if isinstance(name, bytes) else name

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # An address literal needs no lookup: connect and sendto judge where it goes.
        if host_of(host) not in LOCAL_HOSTS and not _literal(host_of(host)):
            refuse(f"DNS lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(name: str) -> str:
        if name not in LOCAL_HOSTS:
            refuse(f"DNS lookup of {name!r}")
        return real_gethostbyname(name)

    def gethostbyname_ex(name: str) -> Any:
        if name not in LOCAL_HOSTS:
            refuse(f"DNS lookup of {name!r}")
        return real_gethostbyname_ex(name)

    def outside(sock: socket.socket, address: Any) -> bool:
        return (
            sock.family in (socket.AF_INET, socket.AF_INET6)
            and isinstance(address, tuple)
            and host_of(address[0]) not in LOCAL_HOSTS
        )

    def connect(self: socket.socket, address: Any) -> None:
        if outside(self, address):
            refuse(f"connection to {address}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if outside(self, address):
            refuse(f"connection to {address}")
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        if outside(self, args[-1]):
            refuse(f"datagram to {args[-1]}")
        return real_sendto(self, data, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", getaddrinfo)
        mp.setattr(socket, "gethostbyname", gethostbyname)
        mp.setattr(socket, "gethostbyname_ex", gethostbyname_ex)
        mp.setattr(socket.socket, "connect", connect)
        mp.setattr(socket.socket, "connect_ex", connect_ex)
        mp.setattr(socket.socket, "sendto", sendto)
        seen.connect = connect
        yield seen


@pytest.fixture(autouse=True)
def nothing_attempted(attempts: Attempts, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test on any recorded attempt, even one a library caught and ignored."""
    # conftest's no_network replaces connect for each test; ours must see (and record) the call.
    monkeypatch.setattr(socket.socket, "connect", attempts.connect)
    yield
    recorded = list(attempts)
    attempts.clear()
    assert recorded == [], f"network attempts: {recorded}"


def test_the_guard_refuses_and_records_outside_connections_and_dns(attempts: Attempts) -> None:
    with pytest.raises(AssertionError, match="DNS lookup"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(AssertionError, match="connection"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(AssertionError):
        udp.sendto(b"\0", ("192.0.2.53", 53))
    assert len(attempts) == 3
    attempts.clear()
    with socket.socket() as s:  # this machine stays reachable
        s.bind(("127.0.0.1", 0))
        s.listen()
        socket.create_connection(s.getsockname(), timeout=1).close()
    assert attempts == []


@pytest.fixture(scope="module")
def offline_assistant(attempts: Attempts, tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    """An index built and the GGUF loaded under the guard (the embedder too, unless an earlier
    module loaded it: the command-line test above loads everything in a fresh process)."""
    from assistant.answer.pipeline import AnswerSettings, Assistant
    from assistant.models.llm import LlamaCppGenerator
    from assistant.models.resolve import resolve_llm
    from index.search.hybrid import Searcher
    from index.store.builder import update_index

    root = tmp_path_factory.mktemp("offline")
    report = update_index(root / "ix", [write_briefings(root / "b")], embedder)
    assert report.skipped == []
    generator = LlamaCppGenerator(resolve_llm(None), n_ctx=2048)
    assert attempts == [], f"network attempts while loading: {attempts}"
    return Assistant(Searcher(root / "ix", embedder), generator, AnswerSettings(k=1))


def test_index_search_and_ask_in_process_with_the_network_refused(offline_assistant: Any) -> None:
    hits = offline_assistant.searcher.search("What gas price cap did the European Commission propose?", 3)
    assert (hits[0].file, hits[0].number) == ("energy-2022-11-23.md", 1)
    tokens: list[str] = []
    a = offline_assistant.ask(QUESTION, on_token=tokens.append)
    # The base model scores the passages and writes nothing it would discard.
    assert a.timings["rerank_ms"] > 0 and tokens == [], "the embedded GGUF read the passages"
    assert not a.abstained and "Aydos Sarym" in a.text
    c = a.citations[0]
    assert f"[{c['marker']}]" in a.text and c["quote"] in next(h.text for h in a.passages if h.id == c["id"])


def test_chat_page_answers_in_a_network_namespace(tmp_path: Path) -> None:
    """The page's whole path: first run (samples indexed), server, a question, the GGUF, the answer."""
    if reason := _unshare_reason():
        pytest.skip(reason)
    out = _cut_off(
        sys.executable,
        str(Path(__file__).with_name("offline_chat_probe.py")),
        str(tmp_path / "ix"),
        "Combien UBS a-t-elle payé pour racheter Credit Suisse ?",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    page = json.loads(out.stdout.strip().splitlines()[-1])
    assert 'class="cite"' in page["reply"] and "3 milliards de francs suisses" in page["reply"]
    assert "<mark>" in page["sources"] and "Le Temps" in page["sources"]


def test_chat_page_in_process_with_the_network_refused(tmp_path: Path, embedder: Any) -> None:
    from gradio_client import Client

    from assistant.chat.service import NO_LLM, ChatService
    from assistant.settings import Settings
    from tests.helpers.chat import start

    demo, url = start(ChatService(Settings(index_dir=tmp_path / "ix"), embedder=embedder))
    try:
        chat, sources, _ = Client(url, verbose=False).predict(
            "When did Germany disconnect its last nuclear reactors?",
            [],
            3,
            NO_LLM,
            "auto",
            "",
            "",
            api_name="/respond",
        )
    finally:
        demo.close()
    assert 'class="cite"' in str(chat[-1]["content"]) and "<mark>" in sources
