"""What the chat page does, without the page: ask with streaming, add briefings, report status.

Kept apart from Gradio so it can be tested directly. One service per process: the embedder and
each LLM are loaded once and shared by all browser sessions. Searches run concurrently; each
loaded model generates for one question at a time (its own lock, assistant/models/llm.py), so a long
answer never blocks another user's search. After an upload the searcher is swapped for one on
the new index generation, under a lock, so a question in flight finishes on the old one.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.answer.pipeline import Answer, Assistant
from assistant.answer.rewrite import Turn
from assistant.factory import open_assistant, open_searcher
from assistant.models.llm import Generator
from assistant.models.loading import load_embedder
from assistant.settings import Settings
from index.parse import formats
from index.search.hybrid import Filters, Hit, Searcher
from index.store import generations
from index.store.builder import IndexReport, update_index

NO_LLM = "none (quotes only)"  # the model choice that answers extractively, without generation


@dataclass(frozen=True)
class Request:
    """What the page's settings ask of one answer, beside the question."""

    k: int = 5
    llm: str | None = None  # a models.txt name, a path, NO_LLM, or None for the configured one
    language: str = "auto"
    filters: Filters | None = None


@dataclass
class Progress:
    """One step of an answer in the making, for the page to show while the user waits."""

    stage: str  # "searching" | "generating" | "reading" (the short answer) | "done"
    draft: str = ""  # streamed text: an instruct LLM's answer, then the reader's short answer
    tokens: int = 0
    answer: Answer | None = None
    model: str = ""
    language: str = ""  # the answer's, once the question is understood


@dataclass
class UploadResult:
    report: IndexReport | None
    refused: list[dict[str, str]] = field(default_factory=list)


def sample_briefings() -> list[Path]:
    """The briefings shipped with the package for a first run (assistant/samples)."""
    folder = resources.files("assistant") / "samples"
    return sorted(Path(str(p)) for p in folder.iterdir() if formats.is_supported(p.name))


class _SharedSearcher:
    """The live Searcher, swappable after indexing; readers take the current one."""

    def __init__(self, searcher: Searcher) -> None:
        self.current = searcher

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current, name)


class _OneAtATime:
    """A generator that runs one generation at a time, whatever the backend does itself.

    llama.cpp contexts are not re-entrant and a laptop has few cores: answers queue for the
    model while the retrieval of the questions behind them goes on.
    """

    def __init__(self, inner: Generator) -> None:
        self.inner = inner
        self.name = inner.name
        self.follows_instructions = inner.follows_instructions
        self.lock = threading.Lock()

    def stream(self, system: str, user: str, **options: Any) -> Iterator[str]:
        """The model's stream (Generator.stream's options passed on as they are), one at a time."""
        with self.lock:
            yield from self.inner.stream(system, user, **options)

    def __getattr__(self, name: str) -> Any:
        """The rest (e.g. continuation_logprob, for reranking) is the model's own."""
        return getattr(self.inner, name)


class ChatService:
    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Any = None,
        generators: dict[str, Generator | None] | None = None,
        uploads_dir: Path | None = None,
        reader: Generator | None = None,
    ) -> None:
        """`reader`, when given, writes the short answers instead of the one settings name."""
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self.uploads_dir = uploads_dir or self.index_dir.parent / f"{self.index_dir.name}-uploads"
        self.embedder = embedder or load_embedder(settings.embedder_for())
        self._generators: dict[str, Generator | None] = {
            name: _OneAtATime(g) if g is not None else None for name, g in (generators or {}).items()
        }
        self._load_lock = threading.Lock()
        self._reader: Generator | None = reader  # the configured reader, loaded on first use
        self._reader_known = reader is not None
        # One assistant per model choice, kept: a reader that fails is not tried again.
        self._assistants: dict[str, Assistant] = {}
        self._index_lock = threading.Lock()
        self.samples_indexed = False
        if generations.current_generation(self.index_dir) is None:
            self.index_samples()
        self._searcher = _SharedSearcher(open_searcher(settings, self.embedder))

    # -- index ---------------------------------------------------------------------------
    def index_samples(self) -> IndexReport:
        """First run: copy the shipped samples next to the uploads and index them."""
        folder = self.uploads_dir / "samples"
        folder.mkdir(parents=True, exist_ok=True)
        copies = []
        for src in sample_briefings():
            dst = folder / src.name
            shutil.copyfile(src, dst)
            copies.append(dst)
        report = self._index(copies)
        self.samples_indexed = True
        return report

    def _index(
        self, paths: Sequence[Path], on_progress: Callable[[float], None] | None = None
    ) -> IndexReport:
        total = [0]
        done = [0]

        def started(n: int) -> None:
            total[0] = n

        def advanced(n: int) -> None:
            done[0] += n
            if on_progress and total[0]:
                on_progress(done[0] / total[0])

        with self._index_lock:
            report = update_index(
                self.index_dir,
                paths,
                self.embedder,
                max_bytes=self.settings.max_file_bytes,
                hnsw_threshold=self.settings.hnsw_threshold,
                on_start=started,
                on_progress=advanced,
            )
            if hasattr(self, "_searcher"):
                old = self._searcher.current
                self._searcher.current = open_searcher(self.settings, self.embedder)
                old.close()
        return report

    def add_files(
        self,
        files: list[tuple[str, Path]],
        on_progress: Callable[[float], None] | None = None,
        *,
        max_bytes: int | None = None,
    ) -> UploadResult:
        """Store uploads under safe names, then index them incrementally."""
        from assistant.chat.uploads import DEFAULT_MAX_UPLOAD_BYTES, store_uploads

        stored = store_uploads(files, self.uploads_dir, max_bytes=max_bytes or DEFAULT_MAX_UPLOAD_BYTES)
        report = self._index(stored.saved, on_progress) if stored.saved else None
        return UploadResult(report, stored.refused)

    def status(self) -> dict[str, Any]:
        return self._searcher.current.stats()

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        return self._searcher.current.search(query, k, filters)

    # -- models --------------------------------------------------------------------------
    def model_choices(self) -> list[str]:
        """Installed LLMs of models.txt (the configured one first), then the quotes-only choice."""
        from assistant.models.cache import state
        from assistant.models.registry import load_registry

        names = [self.settings.llm]
        try:
            for entry in load_registry():
                if entry.role == "llm" and entry.name not in names and state(entry).status == "installed":
                    names.append(entry.name)
        except Exception:  # a broken registry must not take the page down; the default still works
            pass
        if self.settings.llm_url:
            names.insert(0, self.settings.llm_url)
        if self.settings.llm == "none":
            names.remove("none")
            return [NO_LLM, *dict.fromkeys(names)]
        return [*dict.fromkeys(names), NO_LLM]

    def generator(self, name: str | None) -> Generator | None:
        """Load a model once and keep it; NO_LLM means extractive answers only."""
        from dataclasses import replace

        from assistant.models.loading import load_generator

        name = name or (self.settings.llm_url or self.settings.llm)
        if name in (NO_LLM, "none"):
            return None
        with self._load_lock:
            if name not in self._generators:
                if name == self.settings.llm_url:
                    wanted = replace(self.settings)
                else:
                    wanted = replace(self.settings, llm=name, llm_url=None)
                self._generators[name] = _OneAtATime(load_generator(wanted))
            return self._generators[name]

    def reader(self, generator: Generator | None) -> Generator | None:
        """The short answer's reader beside `generator`: the configured one (loaded on its first
        short answer, once), or `generator` itself when it follows instructions and no other is
        named; None when there is none."""
        from assistant.models.loading import load_reader, reader_name

        if reader_name(self.settings, generator) == "main":
            return generator
        with self._load_lock:
            if not self._reader_known:
                self._reader = load_reader(self.settings)
                self._reader_known = True
            return self._reader

    def reader_note(self) -> str:
        """Which reader writes the short answers, or how to install one."""
        from assistant.models.loading import READER_HINT, reader_name
        from assistant.settings import NO_READER

        name = reader_name(self.settings)
        if name is not None:
            return f"Short answers read by `{name}`."
        if self.settings.reader == NO_READER:
            return "Short answers are off (reader: none)."
        return f"No short answers: {READER_HINT}."

    # -- answers -------------------------------------------------------------------------
    def assistant(self, llm: str | None = None) -> Assistant:
        """The assistant answering with `llm` (a name, a path, NO_LLM, None for the configured
        one), made once by the factory on the shared searcher and kept."""
        choice = llm or (self.settings.llm_url or self.settings.llm)
        name = NO_LLM if choice in (NO_LLM, "none") else choice
        generator = self.generator(name)
        reader = self.reader(generator)
        with self._load_lock:
            if name not in self._assistants:
                searcher: Any = self._searcher  # a Searcher by duck typing, swappable
                self._assistants[name] = open_assistant(
                    self.settings, searcher=searcher, generator=generator, reader=reader
                )
            return self._assistants[name]

    def ask(self, question: str, history: Sequence[Turn] = (), request: Request | None = None) -> Answer:
        last: Answer | None = None
        for step in self.ask_stream(question, history, request):
            last = step.answer or last
        assert last is not None
        return last

    def ask_stream(
        self, question: str, history: Sequence[Turn] = (), request: Request | None = None
    ) -> Iterator[Progress]:
        """Progress while the answer is made, ending with a step that carries the Answer.

        The pipeline runs in a worker thread; its tokens come back through a queue so the page
        can show them as they arrive.
        """
        r = request or Request(k=self.settings.k)
        assistant = self.assistant(r.llm)
        model = assistant.generator.name if assistant.generator else NO_LLM
        settings = replace(assistant.settings, k=r.k, language=r.language)
        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                answer = assistant.ask(
                    question,
                    history,
                    r.filters,
                    on_token=lambda piece: events.put(("token", piece)),
                    on_short=lambda piece: events.put(("short", piece)),
                    settings=settings,
                    on_query=lambda query: events.put(("query", query.answer_language)),
                )
                events.put(("answer", answer))
            except BaseException as exc:  # handed to the page's thread, which re-raises it
                events.put(("error", exc))

        threading.Thread(target=work, name="answer", daemon=True).start()
        yield from self._progress(events, model, assistant.reader)

    @staticmethod
    def _progress(events: queue.Queue[tuple[str, Any]], model: str, reader: Any) -> Iterator[Progress]:
        """The worker's events as the page's progress steps."""
        draft: list[str] = []
        short: list[str] = []
        language = ""
        while True:
            kind, value = events.get()
            if kind == "query":
                language = value
                yield Progress("searching", model=model, language=language)
            elif kind == "token":
                draft.append(value)
                yield Progress("generating", "".join(draft), len(draft), model=model, language=language)
            elif kind == "short":  # "" when the reader starts, then its pieces
                short.append(value)
                reading = reader.name if reader else model
                yield Progress("reading", "".join(short), len(short) - 1, model=reading, language=language)
            elif kind == "answer":
                yield Progress("done", answer=value, tokens=len(draft), model=model, language=language)
                return
            else:
                raise value
