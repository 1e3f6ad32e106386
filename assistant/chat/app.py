"""The Gradio page: chat with streamed, cited answers; sources panel; uploads; settings.

Layout: the conversation on the left, the sources of every answer on the right (newest first,
quoted words in <mark>, each card the target of the [n] links in the chat), the index status
above, and two accordions below: adding briefings, and answer settings. The page makes no
request outside this machine: analytics are off and the theme uses the system's fonts.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant.answer.rewrite import Turn
from assistant.chat import render
from assistant.chat.service import ChatService, Request
from assistant.chat.uploads import ALLOWED_SUFFIXES, DEFAULT_MAX_UPLOAD_BYTES
from assistant.models.resolve import embedder_advice
from index.parse import formats
from index.search.hybrid import Filters

EXAMPLES = [
    "Combien UBS a-t-elle payé pour racheter Credit Suisse ?",
    "When did Germany disconnect its last nuclear reactors?",
    "Quand a eu lieu le dernier vol d'Ariane 5 ?",
]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CSS = Path(__file__).with_name("style.css").read_text(encoding="utf-8")


def theme() -> Any:
    # Named system fonts: the default theme would fetch Google Fonts, a request off the machine.
    return gr.themes.Soft(
        primary_hue="blue",
        neutral_hue="slate",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def _check_date(value: str | None, label: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not _DATE.match(value):
        raise gr.Error(f"{label} must be a date written YYYY-MM-DD, not {value!r}")
    return value


class Page:
    """The page's event handlers, on one service."""

    def __init__(self, service: ChatService, max_upload_bytes: int) -> None:
        self.service = service
        self.max_upload_bytes = max_upload_bytes

    def status(self) -> str:
        stats = self.service.status()
        advice = embedder_advice(str(stats.get("embedder", "")))
        return render.status_markdown(stats, self.service.samples_indexed, advice)

    def respond(
        self,
        message: str,
        chat: list[dict[str, Any]],
        turns: list[render.TurnSources],
        k: float,
        model: str,
        language: str,
        date_from: str,
        date_to: str,
    ) -> Iterator[tuple[Any, Any, Any, Any]]:
        """The conversation, the sources panel, the turns and the question box, as the answer comes."""
        question = (message or "").strip()
        if not question:
            yield chat, gr.skip(), turns, gr.skip()
            return
        filters = Filters(_check_date(date_from, "From"), _check_date(date_to, "To"))
        request = Request(k=int(k), llm=model or None, language=language, filters=filters)
        history = [Turn(t.question, t.answer.text) for t in turns]
        chat = [*chat, {"role": "user", "content": render.text(question)}]
        yield chat, gr.skip(), turns, ""
        try:
            for step in self.service.ask_stream(question, history, request):
                if step.answer is None:
                    waiting = render.waiting_html(
                        step.stage, step.model, step.tokens, step.draft, step.language
                    )
                    yield [*chat, {"role": "assistant", "content": waiting}], gr.skip(), turns, gr.skip()
                    continue
                turn = len(turns) + 1
                turns = [*turns, render.TurnSources(turn, question, step.answer)]
                done = {"role": "assistant", "content": render.answer_html(step.answer, turn)}
                yield [*chat, done], render.sources_html(turns), turns, gr.skip()
        except Exception as exc:  # a model or index problem: say it in the chat, keep the page alive
            failed = {"role": "assistant", "content": f'<p class="error">{render.text(str(exc))}</p>'}
            yield [*chat, failed], gr.skip(), turns, gr.skip()

    def clear(self) -> tuple[list[Any], str, list[Any], str]:
        return [], render.sources_html([]), [], ""

    def add_briefings(self, files: list[str] | None, progress: Any = gr.Progress()) -> tuple[str, str, Any]:  # noqa: B008
        if not files:
            return self.status(), f"Choose one or more {formats.describe()} files first.", gr.skip()
        progress(0, desc="Indexing")
        pairs = [(Path(f).name, Path(f)) for f in files]
        result = self.service.add_files(
            pairs, lambda share: progress(share, desc="Embedding passages"), max_bytes=self.max_upload_bytes
        )
        return self.status(), _report_markdown(result), None

    def search_api(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        """Passages for a query, without generation: stays fast while answers are being written."""
        return [h.as_json() for h in self.service.search(query, int(k))]


def build_app(service: ChatService, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> Any:
    page = Page(service, max_upload_bytes)
    with gr.Blocks(title="Briefing assistant", analytics_enabled=False) as demo:
        turns = gr.State([])
        with gr.Row(elem_id="header"):
            gr.Markdown("## Briefing assistant\nAnswers quote the briefings verbatim, with their sources.")
            index_status = gr.Markdown(page.status, elem_id="index-status")
        with gr.Row(equal_height=False):
            chatbot, message, send, clear_btn = _conversation(service)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(render.sources_html([]), elem_id="sources")
        uploads, add_btn, upload_report = _uploads(service, max_upload_bytes)
        settings = _settings(service)

        inputs = [message, chatbot, turns, *settings]
        outputs = [chatbot, sources, turns, message]
        # Several answers may be in progress at once: each loaded model generates for one at a
        # time (its lock), while the retrieval part of the others goes on.
        message.submit(page.respond, inputs, outputs, api_name="respond", concurrency_limit=8)
        send.click(page.respond, inputs, outputs, api_visibility="private", concurrency_limit=8)
        cleared = [chatbot, sources, turns, message]
        clear_btn.click(page.clear, None, cleared, api_visibility="private")
        chatbot.clear(page.clear, None, cleared, api_visibility="private")
        report = [index_status, upload_report, uploads]
        add_btn.click(page.add_briefings, [uploads], report, api_name="add", concurrency_limit=1)
        gr.api(page.search_api, api_name="search", concurrency_limit=4)
    return demo


def _conversation(service: ChatService) -> tuple[Any, Any, Any, Any]:
    """The conversation column: the chat, the question box and its buttons, the examples."""
    with gr.Column(scale=3):
        chatbot = gr.Chatbot(
            elem_id="chat",
            height=520,
            show_label=False,
            placeholder="Ask about the indexed briefings. Every answer quotes its source, "
            "or says that the briefings do not tell.",
            feedback_options=None,
            buttons=["copy"],
        )
        with gr.Row():
            message = gr.Textbox(
                elem_id="question",
                show_label=False,
                placeholder="Your question, in French or English…",
                scale=6,
                autofocus=True,
            )
            send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ask")
            clear_btn = gr.Button("Clear", variant="secondary", scale=1, min_width=90, elem_id="clear")
        if _has_samples(service):
            gr.Examples(EXAMPLES, inputs=[message], label="Try a question about the sample briefings")
    return chatbot, message, send, clear_btn


def _uploads(service: ChatService, max_upload_bytes: int) -> tuple[Any, Any, Any]:
    """The accordion that adds briefings: the file picker, its button and its report."""
    with gr.Accordion("Add briefings", open=False, elem_id="add-briefings"):
        gr.Markdown(
            f"{formats.describe()} briefings, several at once, "
            f"up to {max_upload_bytes // (1024 * 1024)} MB each. They are copied to "
            f"`{service.uploads_dir}` and indexed incrementally."
        )
        uploads = gr.File(
            file_count="multiple", file_types=list(ALLOWED_SUFFIXES), label="Briefings", elem_id="upload"
        )
        add_btn = gr.Button("Add to the index", variant="primary", elem_id="add")
        upload_report = gr.Markdown(elem_id="upload-report")
    return uploads, add_btn, upload_report


def _settings(service: ChatService) -> list[Any]:
    """The settings accordion; its inputs in the order `Page.respond` takes them."""
    with gr.Accordion("Settings", open=False, elem_id="settings"):
        with gr.Row():
            k = gr.Slider(1, 10, value=service.settings.k, step=1, label="Passages retrieved")
            choices = service.model_choices()
            model = gr.Dropdown(choices, value=choices[0], label="Model")
            language = gr.Radio(["auto", "fr", "en"], value="auto", label="Answer language")
        gr.Markdown(render.text(service.reader_note()), elem_id="reader-note")
        with gr.Row():
            date_from = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="any date")
            date_to = gr.Textbox(label="To (YYYY-MM-DD)", placeholder="any date")
    return [k, model, language, date_from, date_to]


def _has_samples(service: ChatService) -> bool:
    from index.store import generations

    gen = generations.current_generation(service.index_dir)
    if gen is None:
        return False
    files = generations.read_manifest(gen).get("files", {})
    return any(Path(f).parent.name == "samples" for f in files)


def _report_markdown(result: Any) -> str:
    from index.store.builder import set_aside_line

    lines = []
    r = result.report
    if r is not None:
        lines.append(f"Added {r.added}, updated {r.updated}. The index holds {r.briefings} briefings.")
        if r.added + r.updated == 0 and not r.skipped:
            lines.append("- already indexed: the same content is in the index")
        for item in r.skipped:
            lines.append(
                f"- skipped **{render.text(Path(item['file']).name)}**: {render.text(item['reason'])}"
            )
        for item in r.warnings:
            lines.append(
                f"- warning in {render.text(Path(item['file']).name)}: {render.text(item['warning'])}"
            )
        for entry in getattr(r, "files", []):
            if line := set_aside_line(entry):
                lines.append(f"- set aside in {render.text(Path(entry['file']).name)}: {render.text(line)}")
    for item in result.refused:
        lines.append(f"- refused **{render.text(item['file'])}**: {render.text(item['reason'])}")
    return "\n".join(lines) or "Nothing to add."


def serve(args: argparse.Namespace) -> int:
    """Start the page (blocks until interrupted)."""
    from assistant.chat.auth import AuthError, credentials
    from assistant.errors import UsageError
    from assistant.settings import Settings

    try:
        pairs = credentials(args.host, args.share, args.auth, args.auth_file)
    except AuthError as exc:
        raise UsageError(str(exc)) from exc
    settings = Settings.from_args(args)
    service = ChatService(settings)
    service.generator(None)  # load the configured model now: a damaged file fails here, with its fix
    demo = build_app(service)
    if service.samples_indexed:
        print(f"The index was empty: indexed the sample briefings into {settings.index_dir}")
    shown = "[::1]" if args.host == "::1" else args.host
    print(f"Briefing assistant on http://{shown}:{args.port} (Ctrl+C to stop)", flush=True)
    try:
        launch(demo, args.host, args.port, auth=pairs, share=args.share, inbrowser=args.open)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port} ({exc}): try another --port") from exc
    return 0


def launch(
    demo: Any,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    auth: list[tuple[str, str]] | None = None,
    share: bool = False,
    inbrowser: bool = False,
    block: bool = True,
) -> Any:
    """Start the server with the page's settings; `block=False` returns at once (tests)."""
    demo.queue(max_size=256).launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        inbrowser=inbrowser,
        theme=theme(),
        css=CSS,
        max_file_size=DEFAULT_MAX_UPLOAD_BYTES,
        show_error=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        footer_links=["api"],
        quiet=True,
        prevent_thread_lock=not block,
    )
    return demo
