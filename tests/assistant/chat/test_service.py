"""The chat service: first run on the samples, streamed and verified answers, quotes only, dates."""

from __future__ import annotations

from assistant.chat.service import NO_LLM, ChatService, Request
from index.search.hybrid import Filters


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
    answer = service.ask("Combien UBS a-t-elle payé pour Credit Suisse ?", request=Request(llm=NO_LLM))
    assert not answer.abstained and answer.model["llm"] == "none"
    assert "3 milliards" in answer.text


def test_date_range_keeps_answers_inside_it(service: ChatService) -> None:
    inside = service.ask(
        "Combien UBS a-t-elle payé pour Credit Suisse ?",
        request=Request(llm=NO_LLM, filters=Filters("2023-03-01", "2023-03-31")),
    )
    assert inside.citations and all(c["briefing_date"].startswith("2023-03") for c in inside.citations)
    before = service.ask(
        "Combien UBS a-t-elle payé pour Credit Suisse ?",
        request=Request(llm=NO_LLM, filters=Filters(date_to="2022-12-31")),
    )
    assert all((h.briefing_date or "") <= "2022-12-31" for h in before.passages)
    assert all(c["briefing_date"] <= "2022-12-31" for c in before.citations)


def test_a_reader_streams_the_short_answer_which_leads_the_reply(service: ChatService) -> None:
    from assistant.chat import render
    from tests.helpers.generators import ScriptedGenerator

    reader = ScriptedGenerator("Aydos Sarym", name="reader")
    with_reader = ChatService(
        service.settings, embedder=service.embedder, generators={"quiet": None}, reader=reader
    )
    steps = list(with_reader.ask_stream("Qui a démenti la rumeur sur l'OTSC ?", request=Request(llm=NO_LLM)))
    reading = [s for s in steps if s.stage == "reading"]
    assert reading and reading[0].model == "reader" and reading[-1].draft == "Aydos Sarym"
    assert "Lecture de la citation avec reader" in render.waiting_html("reading", "reader", 0, "", "fr")
    answer = steps[-1].answer
    assert answer is not None and answer.short_answer == "Aydos Sarym"
    assert render.answer_html(answer, 1).count('<strong class="short">Aydos Sarym</strong>') == 1
    panel = render.sources_html([render.TurnSources(1, answer.question, answer)])
    assert '<strong class="short">Aydos Sarym</strong>' in panel
    assert "reader: none" in service.reader_note()
