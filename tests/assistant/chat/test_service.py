"""The chat service: first run on the samples, streamed and verified answers, quotes only, dates."""

from __future__ import annotations

from assistant.chat.service import NO_LLM, AskOptions, ChatService


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
