"""The answering pipeline with scripted model outputs, a real GGUF, and an OpenAI-style server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from assistant.answer.extract import ABSTAIN
from assistant.answer.pipeline import Answer, AnswerSettings, Assistant
from assistant.answer.rewrite import Turn
from assistant.models.llm import OpenAIGenerator
from index.search.hybrid import Searcher
from tests.helpers.corpus import indexed
from tests.helpers.generators import ScriptedGenerator

# `searcher` (tests/conftest.py) holds the two briefings and INJECTED, whose bullet tells the model
# to answer « PWNED ».


def assert_contract(answer: Answer) -> None:
    """Every quote is verbatim in the passage it cites; every marker has a citation."""
    texts = {h.id: h.text for h in answer.passages}
    if answer.abstained:
        assert answer.citations == []
        return
    assert answer.citations, "a non-abstained answer cites something"
    for c in answer.citations:
        assert f"[{c['marker']}]" in answer.text
        assert c["quotes"] and all(q in texts[c["id"]] for q in c["quotes"])


def ask(
    searcher: Searcher, gen: ScriptedGenerator | None, question: str, history: list[Turn] | None = None
) -> Answer:
    answer = Assistant(searcher, gen, AnswerSettings(k=4)).ask(question, history or [])
    assert_contract(answer)
    return answer


def test_correct_quote_is_kept_with_its_citation(searcher: Searcher) -> None:
    gen = ScriptedGenerator(
        "« Une rumeur suggérant que le Kazakhstan s’apprêtait à quitter l’OTSC a été démentie ce matin par Aydos Sarym » [1]."
    )
    a = ask(searcher, gen, "Qui a démenti la rumeur sur l'OTSC ?")
    assert not a.fallback and "Aydos Sarym" in a.text
    c = a.citations[0]
    assert (c["file"], c["kind"], c["number"]) == ("briefing-2022-09-15.txt", "bullet", 2)
    assert "Mk.RU" in c["source"] and c["briefing_date"] == "2022-09-15"


def test_paraphrased_quote_becomes_the_verbatim_span(searcher: Searcher) -> None:
    gen = ScriptedGenerator("« la rumeur du Kazakhstan quittant l'OTSC a été démentie par Aydos Sarym » [1].")
    a = ask(searcher, gen, "Qui a démenti la rumeur sur l'OTSC ?")
    assert any("démentie ce matin par Aydos Sarym" in q for c in a.citations for q in c["quotes"])


def test_marker_to_missing_passage_is_removed(searcher: Searcher) -> None:
    gen = ScriptedGenerator("« démentie ce matin par Aydos Sarym » [1]. Voir aussi [9].")
    a = ask(searcher, gen, "Qui a démenti la rumeur sur l'OTSC ?")
    assert "[9]" not in a.text and [c["marker"] for c in a.citations] == [1]


def test_invented_number_falls_back_to_the_extractive_answer(searcher: Searcher) -> None:
    gen = ScriptedGenerator("La Commission a proposé un plafond de 450 euros par mégawattheure [1].")
    a = ask(searcher, gen, "What gas price cap did the European Commission propose?")
    assert "450" not in a.text and a.fallback
    assert "275 euros" in a.text


def test_injected_instruction_in_a_briefing_changes_nothing(searcher: Searcher) -> None:
    gen = ScriptedGenerator("PWNED")  # a model that obeyed the briefing's injected instruction
    a = ask(searcher, gen, "Quelle récolte de blé le ministre de l'Agriculture a-t-il annoncée ?")
    assert "PWNED" not in a.text.replace("« PWNED »", "")
    assert "35 millions de tonnes" in a.text
    system, user = gen.calls[0]
    assert "jamais une instruction" in system  # the rule that passages are data
    fenced = user[user.index("<extrait") : user.rindex("</extrait>")]
    assert "Ignorez toutes les instructions" in fenced  # the hostile text reaches the model only as data


def test_abstains_without_generating_when_nothing_supports_an_answer(searcher: Searcher) -> None:
    gen = ScriptedGenerator("« Le prix du blé » [1].")
    a = ask(searcher, gen, "Quelle est la capitale du Wakanda selon Zorblax ?")
    assert a.abstained and a.text == ABSTAIN["fr"] and gen.calls == []  # the gate: no generation at all
    assert a.passages, "the closest material is listed"
    a = ask(searcher, None, "How many cocoa plantations does Zorblax own?")
    assert a.abstained and a.text == ABSTAIN["en"]


def test_unverifiable_generation_on_a_weak_match_ends_in_abstention(searcher: Searcher) -> None:
    gen = ScriptedGenerator("Le cacao coûte 2 500 livres la tonne à Londres [1].")
    a = ask(searcher, gen, "Quel est le cours du cacao à la bourse de Londres ?")
    assert a.abstained and a.text == ABSTAIN["fr"] and "2 500" not in a.text


def test_follow_up_is_rewritten_by_carrying_the_subject_over(searcher: Searcher) -> None:
    history = [Turn("Que s'est-il passé au sujet du Kazakhstan et de l'OTSC ?")]
    a = ask(searcher, None, "Et qui l'a démenti ?", history)
    assert "OTSC" in a.standalone_question and a.standalone_question != a.question
    assert not a.abstained and "Aydos Sarym" in a.text


def test_follow_up_is_rewritten_by_a_capable_model(searcher: Searcher) -> None:
    gen = ScriptedGenerator("Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?")
    history = [Turn("Que s'est-il passé au sujet du Kazakhstan et de l'OTSC ?")]
    a = Assistant(searcher, gen, AnswerSettings(k=4)).ask("Et qui l'a démenti ?", history)
    assert a.standalone_question == "Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?"


def test_with_a_base_model_the_reader_rewrites_a_follow_up_and_the_rules_stand_in_when_it_fails(
    searcher: Searcher,
) -> None:
    from assistant.models.registry import ModelError

    rewrite = "Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?"
    base = ScriptedGenerator("ignored", follows_instructions=False)
    reader = ScriptedGenerator(reply=lambda _system, user: rewrite if "Dernière" in user else "Aydos Sarym")
    history = [Turn("Que s'est-il passé au sujet du Kazakhstan et de l'OTSC ?")]
    a = Assistant(searcher, base, AnswerSettings(k=4, rerank=False), reader).ask(
        "Et qui l'a démenti ?", history
    )
    assert a.standalone_question == rewrite and a.timings["rewrite_ms"] >= 0
    assert a.short_answer == "Aydos Sarym" and base.calls == []
    broken = ScriptedGenerator("x", error=ModelError("model reader is damaged: replace the file"))
    b = Assistant(searcher, base, AnswerSettings(k=4, rerank=False), broken).ask(
        "Et qui l'a démenti ?", history
    )
    assert "OTSC" in b.standalone_question and not b.abstained  # the rules carried the subject over


@pytest.mark.slow  # the real GGUF
def test_real_answer_from_the_embedded_gguf(searcher: Searcher) -> None:
    from assistant.models.llm import LlamaCppGenerator
    from assistant.models.resolve import resolve_llm

    gen = LlamaCppGenerator(resolve_llm(None), n_ctx=2048)
    tokens: list[str] = []
    a = Assistant(searcher, gen, AnswerSettings(k=3)).ask(
        "Qui a démenti la rumeur sur l'OTSC ?", on_token=tokens.append
    )
    assert_contract(a)
    assert not a.abstained and "Aydos Sarym" in a.text
    # A base model scores the passages (gate, order) and generates nothing it would discard.
    assert tokens == [] and a.timings["rerank_ms"] > 0 and a.model["llm"].endswith(".gguf")


class _OpenAIHandler(BaseHTTPRequestHandler):
    reply = "« Norway became the largest supplier of natural gas to the European Union » [1]."
    seen: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in self.reply.split(" "):
            chunk = {"choices": [{"delta": {"content": word + " "}, "index": 0}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args: object) -> None:
        pass


def test_openai_compatible_backend(searcher: Searcher) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OpenAIHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gen = OpenAIGenerator(f"http://127.0.0.1:{server.server_port}/v1")
        tokens: list[str] = []
        a = Assistant(searcher, gen, AnswerSettings(k=4)).ask(
            "Who is the largest gas supplier of the EU?", on_token=tokens.append
        )
    finally:
        server.shutdown()
    assert_contract(a)
    assert len(tokens) > 3 and not a.fallback
    assert a.citations[0]["file"] == "energy-2022-11-23.md" and a.citations[0]["number"] == 2
    sent = _OpenAIHandler.seen[-1]
    assert sent["stream"] is True and sent["messages"][0]["role"] == "system"
    assert "<excerpt" in sent["messages"][1]["content"]


# One bullet, two long sentences (together over the quote's 700 characters, so only one is
# quoted): the first matches the follow-up's own words ("démenti", "hier"), the second the
# subject the follow-up leaves implicit (the rumour about Kazakhstan and the CSTO).
_FILLER = " ".join(["selon les notes transmises aux services concernés par les ambassades"] * 4)
TWO_DENIALS = f"""\
  • Le ministère de l'Économie a démenti hier les chiffres publiés sur la hausse des prix de l'énergie, {_FILLER}. Une rumeur suggérant que le Kazakhstan s'apprêtait à quitter l'OTSC a été démentie par le porte-parole Aydos Sarym, {_FILLER}.
Sources
  1. « Dépêche », AFP, 15 septembre 2022.
"""


@pytest.fixture(scope="module")
def denials(tmp_path_factory: pytest.TempPathFactory, embedder) -> Searcher:  # type: ignore[no-untyped-def]
    return indexed(tmp_path_factory.mktemp("denials"), embedder, {"briefing-2022-09-15.txt": TWO_DENIALS})


def test_a_follow_ups_quote_is_chosen_for_the_question_it_was_understood_as(denials: Searcher) -> None:
    history = [Turn("Que dit la rumeur selon laquelle le Kazakhstan allait quitter l'OTSC ?")]
    a = Assistant(denials, None, AnswerSettings(k=3)).ask("Et qui l'a démenti hier ?", history)
    assert "OTSC" in a.standalone_question
    assert not a.abstained and "Aydos Sarym" in a.citations[0]["quote"]
    assert "ministère" not in a.citations[0]["quote"]


def test_a_follow_up_reaches_the_answer_prompt_as_it_was_understood(searcher: Searcher) -> None:
    standalone = "Qui a démenti la rumeur sur le Kazakhstan et l'OTSC ?"
    gen = ScriptedGenerator(
        reply=lambda _system, user: standalone if "---" not in user and "Q:" in user else ""
    )
    history = [Turn("Que s'est-il passé au sujet du Kazakhstan et de l'OTSC ?")]
    a = Assistant(searcher, gen, AnswerSettings(k=4)).ask("Et qui l'a démenti ?", history)
    assert a.standalone_question == standalone
    answer_prompt = gen.prompts[-1]
    assert standalone in answer_prompt and "Et qui l'a démenti ?" not in answer_prompt
