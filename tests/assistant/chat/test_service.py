"""The chat page's pieces and the running app, through gradio_client (no browser here)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assistant.chat import render
from assistant.chat.auth import AuthError, credentials, read_auth_file
from assistant.chat.service import NO_LLM, AskOptions, ChatService
from assistant.chat.uploads import safe_name, store_uploads
from assistant.settings import Settings
from tests.helpers.chat import start
from tests.helpers.corpus import ENERGY, KAZAKHSTAN
from tests.helpers.generators import ScriptedGenerator

QUOTE = "« Une rumeur suggérant que le Kazakhstan s’apprêtait à quitter l’OTSC a été démentie ce matin par Aydos Sarym » [1]."


# -- uploads --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("Note de synthèse (2).HTML", "Note_de_synthese_2.html"),
        (".hidden.txt", "hidden.txt"),
        ("/abs/path/brief.txt", "brief.txt"),
    ],
)
def test_upload_names_cannot_leave_the_uploads_folder(given: str, stored: str) -> None:
    assert safe_name(given) == stored


def test_uploads_keep_allowed_types_within_the_size_limit(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    files = []
    for name, body in [
        ("a.txt", "x" * 10),
        ("b.exe", "MZ"),
        ("big.md", "y" * 5000),
        ("../c.html", "<li>z</li>"),
    ]:
        (temp / Path(name).name).write_text(body)
        files.append((name, temp / Path(name).name))
    out = store_uploads(files, tmp_path / "up", max_bytes=1000)
    assert sorted(p.name for p in out.saved) == ["a.txt", "c.html"]
    assert all(p.parent == tmp_path / "up" for p in out.saved)
    refused = {r["file"]: r["reason"] for r in out.refused}
    assert "only" in refused["b.exe"] and "upload limit" in refused["big.md"]


def test_an_upload_never_overwrites_another_briefing_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "one").write_text("first")
    (tmp_path / "two").write_text("second")
    first = store_uploads([("brief.txt", tmp_path / "one")], tmp_path / "up").saved[0]
    second = store_uploads([("brief.txt", tmp_path / "two")], tmp_path / "up").saved[0]
    again = store_uploads([("brief.txt", tmp_path / "one")], tmp_path / "up").saved[0]
    assert first != second and again == first
    assert first.read_text() == "first" and second.read_text() == "second"


# -- auth -----------------------------------------------------------------------------------
def test_local_page_needs_no_password_but_an_exposed_one_does(tmp_path: Path) -> None:
    assert credentials("127.0.0.1", False, None, None) is None
    with pytest.raises(AuthError, match="--auth"):
        credentials("0.0.0.0", False, None, None)
    with pytest.raises(AuthError, match="share"):
        credentials("127.0.0.1", True, None, None)
    assert credentials("0.0.0.0", False, "ana:s3cret", None) == [("ana", "s3cret")]
    with pytest.raises(AuthError, match="USER:PASS"):
        credentials("0.0.0.0", False, "ana", None)
    f = tmp_path / "users"
    f.write_text("# analysts\nana:one\n\nbob:two\n")
    assert read_auth_file(f) == [("ana", "one"), ("bob", "two")]


def test_chat_refuses_to_listen_beyond_this_machine_without_auth(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "chat", "--index", str(tmp_path / "ix"), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "--auth" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "ix").exists()  # refused before touching anything


# -- rendering ------------------------------------------------------------------------------
def test_briefing_text_is_shown_as_text_never_as_html_or_markdown() -> None:
    shown = render.text('<script>alert(1)</script> **gras** [1] # titre & "q"')
    assert "<" not in shown and ">" not in shown and "&lt;script" in shown
    assert "**" not in shown and "[1]" not in shown and "#" not in shown.replace("&#", "")


def test_quotes_are_highlighted_in_the_passage() -> None:
    passage = "Une rumeur <b>a été</b> démentie ce matin par Aydos Sarym."
    out = render.highlight(passage, ["démentie ce matin par Aydos Sarym"])
    assert "<mark>démentie ce matin par Aydos Sarym</mark>" in out
    assert "&lt;b&gt;" in out


# -- the service ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> ChatService:
    root = tmp_path_factory.mktemp("chat")
    gen = ScriptedGenerator(QUOTE, name="slow-scripted", word_seconds=0.04)
    settings = Settings(index_dir=root / "ix", llm="slow-scripted")
    service = ChatService(settings, embedder=embedder, generators={"slow-scripted": gen})
    (root / "briefing-2022-09-15.txt").write_text(KAZAKHSTAN, encoding="utf-8")
    result = service.add_files([("briefing-2022-09-15.txt", root / "briefing-2022-09-15.txt")])
    assert result.report is not None and result.report.added == 1
    return service


def test_first_run_indexes_the_shipped_sample_briefings(service: ChatService) -> None:
    assert service.samples_indexed
    stats = service.status()
    assert stats["briefings"] == 3 + 1 and stats["passages"] > 0  # the samples, then one upload
    assert (service.uploads_dir / "briefing-2022-09-15.txt").is_file()
    hits = service.search("Credit Suisse UBS rachat", k=3)
    assert hits and "Credit Suisse" in hits[0].text


def test_answers_stream_then_arrive_verified(service: ChatService) -> None:
    steps = list(service.ask_stream("Qui a démenti la rumeur sur l'OTSC ?"))
    assert steps[0].stage == "searching" and steps[-1].stage == "done"
    assert any(s.draft for s in steps[1:-1]), "an instruction-following model's words stream in"
    answer = steps[-1].answer
    assert answer is not None and not answer.abstained
    assert answer.citations[0]["file"] == "briefing-2022-09-15.txt"
    assert "Aydos Sarym" in answer.citations[0]["quote"]


def test_quotes_only_choice_answers_without_the_model(service: ChatService) -> None:
    assert service.model_choices()[-1] == NO_LLM
    answer = service.ask("Combien UBS a-t-elle payé pour Credit Suisse ?", options=AskOptions(llm=NO_LLM))
    assert not answer.abstained and answer.model["llm"] == "none"
    assert "3 milliards" in answer.text


# -- the running app ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app(service: ChatService) -> Any:
    demo, url = start(service)
    yield url
    demo.close()


def _ask(client: Any, question: str, history: list[Any] | None = None) -> tuple[list[Any], str]:
    chat, sources, _msg = client.predict(
        question, history or [], 5, "slow-scripted", "auto", "", "", api_name="/respond"
    )
    return chat, sources


def test_gradio_client_gets_a_cited_answer_with_highlighted_quote(app: str) -> None:
    from gradio_client import Client

    client = Client(app, verbose=False)
    chat, sources = _ask(client, "Qui a démenti la rumeur sur l'OTSC ?")
    reply = chat[-1]["content"]
    reply = reply if isinstance(reply, str) else str(reply)
    link = re.search(r'<a class="cite" href="#(src-\d+-1)"', reply)
    assert link, reply
    assert f'id="{link.group(1)}"' in sources
    marked = re.findall(r"<mark>(.*?)</mark>", sources)
    assert any("Aydos Sarym" in m for m in marked)
    assert "Mk.RU" in sources  # the bullet's footnote source is listed


def test_eight_questions_at_once_all_complete_one_generation_at_a_time(
    app: str, service: ChatService
) -> None:
    from gradio_client import Client

    gen = service.generator("slow-scripted")
    inner = gen.inner  # type: ignore[union-attr]
    inner.max_running = 0
    client = Client(app, verbose=False)
    questions = ["Qui a démenti la rumeur sur l'OTSC ?"] * 8
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(_ask, client, q) for q in questions]
        time.sleep(0.5)  # answers are queued behind the model now
        started = time.perf_counter()
        hits = client.predict("Credit Suisse", 3, api_name="/search")
        search_done = time.perf_counter()
        results = [f.result(timeout=300) for f in futures]
        all_done = time.perf_counter()
    assert len(results) == 8
    for chat, sources in results:
        assert 'class="cite"' in str(chat[-1]["content"]) and "<mark>" in sources
    assert inner.max_running == 1, "the model generated for two questions at once"
    assert hits and "Credit Suisse" in hits[0]["text"]
    assert search_done - started < all_done - started, "search waited for the answers"


def test_an_unsupported_question_abstains_and_lists_closest_material(app: str) -> None:
    from gradio_client import Client

    chat, sources = _ask(Client(app, verbose=False), "What is the population of Mongolia in 1950?")
    reply = str(chat[-1]["content"])
    assert 'class="abstain"' in reply and "do not contain" in reply
    assert 'class="cite"' not in reply
    assert 'class="no-source"' in sources and "<mark>" not in sources.split("What is the population")[1]


def test_upload_through_the_page_indexes_and_reports_skipped(
    app: str, tmp_path: Path, service: ChatService
) -> None:
    from gradio_client import Client, handle_file

    before = service.status()["briefings"]
    good = tmp_path / "energy-2022-11-23.md"
    good.write_text(ENERGY, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    status, report, _files = Client(app, verbose=False).predict(
        [handle_file(str(good)), handle_file(str(empty))], api_name="/add"
    )
    assert service.status()["briefings"] == before + 1
    assert f"**{before + 1}** briefings" in status
    assert "empty.txt" in report and "skipped" in report


def test_date_range_keeps_answers_inside_it(service: ChatService) -> None:
    inside = service.ask(
        "Combien UBS a-t-elle payé pour Credit Suisse ?",
        options=AskOptions(llm=NO_LLM, date_from="2023-03-01", date_to="2023-03-31"),
    )
    assert inside.citations and all(c["briefing_date"].startswith("2023-03") for c in inside.citations)
    before = service.ask(
        "Combien UBS a-t-elle payé pour Credit Suisse ?",
        options=AskOptions(llm=NO_LLM, date_to="2022-12-31"),
    )
    assert all((h.briefing_date or "") <= "2022-12-31" for h in before.passages)
    assert all(c["briefing_date"] <= "2022-12-31" for c in before.citations)


def test_a_badly_written_date_is_refused_with_a_clear_message(app: str) -> None:
    from gradio_client import Client

    with pytest.raises(Exception, match="YYYY-MM-DD"):
        Client(app, verbose=False).predict(
            "Credit Suisse ?", [], 5, NO_LLM, "auto", "15/03/2023", "", api_name="/respond"
        )


def test_a_huge_passage_shows_the_surroundings_of_its_quote() -> None:
    passage = (
        "début " + "x " * 5000 + "Le port du Pirée a accueilli 5,4 millions de conteneurs." + " y" * 5000
    )
    out = render.highlight(passage, ["Le port du Pirée a accueilli 5,4 millions de conteneurs"])
    assert "<mark>Le port du Pirée a accueilli 5,4 millions de conteneurs</mark>" in out
    assert len(out) < 2000 and out.startswith(" … ") and out.endswith(" …")
    assert "début" not in out


def test_with_auth_the_page_and_its_api_need_the_password(service: ChatService) -> None:
    import httpx
    from gradio_client import Client

    demo, url = start(service, auth=[("ana", "s3cret")])
    try:
        assert httpx.post(f"{url}gradio_api/call/search", json={"data": ["UBS", 3]}).status_code in (401, 403)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own types
            Client(url, verbose=False, auth=("ana", "wrong"))
        hits = Client(url, verbose=False, auth=("ana", "s3cret")).predict(
            "Credit Suisse", 3, api_name="/search"
        )
        assert hits and "Credit Suisse" in hits[0]["text"]
    finally:
        demo.close()
