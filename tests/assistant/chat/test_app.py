"""The running app, through gradio_client (no browser here): answers, the queue, uploads, auth."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assistant.chat.service import NO_LLM, ChatService
from tests.helpers.chat import start
from tests.helpers.corpus import ENERGY


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


@pytest.mark.slow  # a flood: eight questions queued behind a slow model
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


def test_a_badly_written_date_is_refused_with_a_clear_message(app: str) -> None:
    from gradio_client import Client

    with pytest.raises(Exception, match="YYYY-MM-DD"):
        Client(app, verbose=False).predict(
            "Credit Suisse ?", [], 5, NO_LLM, "auto", "15/03/2023", "", api_name="/respond"
        )


def test_with_auth_the_page_and_its_api_need_the_password(service: ChatService) -> None:
    import httpx
    from gradio_client import Client

    demo, url = start(service, auth=[("ana", "s3cret")])
    try:
        assert httpx.post(f"{url}gradio_api/call/search", json={"data": ["UBS", 3]}).status_code in (401, 403)
        with pytest.raises(Exception, match="Could not login"):  # gradio_client's own types
            Client(url, verbose=False, auth=("ana", "wrong"))
        hits = Client(url, verbose=False, auth=("ana", "s3cret")).predict(
            "Credit Suisse", 3, api_name="/search"
        )
        assert hits and "Credit Suisse" in hits[0]["text"]
    finally:
        demo.close()
