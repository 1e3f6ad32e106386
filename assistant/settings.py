"""The assistant's settings, one typed object with a section per answering step.

`Settings` says where the index is and which models answer; `Settings.answer` (AnswerSettings)
says how a question is answered, with one section per step whose constants were fitted on the
dev set: `gate` (gate.toml), `reranking` (rerank.toml), `quote` (extract.toml) and `narrow`
(tighten.toml), each file beside the module that reads it and naming the command that refits it.
`Settings.fusion` holds the search's fusion weights (index/search/fusion.toml; None: those fitted
for the embedder that built the index). A test or an
experiment passes other values by building another section (`dataclasses.replace`), never by
patching a module.

Where a setting comes from, first found: a command-line flag (`Settings.load(**flags)`), the
environment, the config file (`config.toml` in the user config directory, or $BRIEFING_CONFIG),
the default. Keys (file / environment): index / BRIEFING_INDEX, embedder / BRIEFING_EMBEDDER,
llm / BRIEFING_LLM, llm_url / BRIEFING_LLM_URL, reader / BRIEFING_READER, k / BRIEFING_K.
The reader (the instruct model that writes the short answer, assistant/answer/short.py) is a
models.txt name, a .gguf path, or "none"; unset, it is the main LLM when that follows
instructions, else the first installed of DEFAULT_READERS, else none.
"""

from __future__ import annotations

import argparse
import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any, Self

from platformdirs import user_config_path, user_data_path

from index.parse.decode import DEFAULT_MAX_BYTES
from index.search.hybrid import FusionWeights
from index.store.vectors import DEFAULT_HNSW_THRESHOLD

DEFAULT_LLM = "gemma-3-270m-q4_k_m"
# The readers tried when none is named, best first (short-answer F1 on the PIAF dev set).
DEFAULT_READERS = ("qwen2.5-coder-1.5b-instruct-q4_k_m", "qwen2.5-coder-0.5b-instruct-q4_k_m")
NO_READER = "none"
ANSWER_DIR = Path(__file__).resolve().parent / "answer"


class SettingsError(ValueError):
    pass


@cache
def _fitted_values(path: Path, embedder: str | None = None) -> dict[str, Any]:
    """A fitted-constants file's values, keys in lower case (the files write them in capitals);
    with `embedder`, its `[embedder."NAME"]` table (if the file has one) over the top values."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tables = {name.lower(): table for name, table in data.pop("embedder", {}).items()}
    if embedder is not None:
        data.update(tables.get(embedder.lower(), {}))
    return {key.lower(): value for key, value in data.items()}


class Fitted:
    """A section whose defaults are the fitted values of its TOML file (FILE, beside its module).

    Constants that depend on the embedder's scale (the gate reads a cosine) are fitted per
    embedder: the top of the file for the default one, a table per other embedder, since an
    index answers with the embedder that built it (`fitted(embedder=…)`)."""

    FILE: Path

    @classmethod
    def fitted(cls, embedder: str | None = None) -> Self:
        values = _fitted_values(cls.FILE, embedder)
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class GateSettings(Fitted):
    """The abstention gate (assistant/answer/gate.py): answer when the weighted sum of the signals
    reaches the threshold. The likelihood rule holds for `likelihood_model`'s scores only."""

    FILE = ANSWER_DIR / "gate.toml"
    w_coverage: float
    w_lexical: float
    w_cosine: float
    threshold: float
    likelihood_model: str
    l_coverage: float
    l_lexical: float
    l_cosine: float
    l_gain: float  # per nat per question token
    l_threshold: float
    # An extra floor on coverage alone, off: coverage is already one of the rule's signals.
    min_coverage: float = 0.0


@dataclass(frozen=True)
class RerankSettings(Fitted):
    """Reranking by the LLM's likelihood of the question (assistant/answer/rerank.py)."""

    FILE = ANSWER_DIR / "rerank.toml"
    weight: float  # per nat of log-likelihood, on the scale of the fused score
    margin: float  # a first passage that leads the second by this much stays first
    depth: int  # passages `search` scores (ask scores its k passages)


@dataclass(frozen=True)
class QuoteSettings(Fitted):
    """The extractive answer (assistant/answer/extract.py): which sentence is quoted, and how much
    of its passage. The retrieval prior of a sentence is score_weight per unit of fused score
    below the top passage, so a close second can win on a better sentence match but a distant one
    cannot; without scores (hand-made contexts), rank_weight / (rank + 1)."""

    FILE = ANSWER_DIR / "extract.toml"
    score_weight: float
    rank_weight: float
    type_bonus: float  # the sentence holds what "how many / when / who" asks
    min_share: float  # of the question's IDF mass, else the context does not answer
    widen_to: int = 1  # > 1: whole neighbours instead of the anaphora rule
    min_sentence_chars: int = 0  # shorter: quoted with a neighbour
    anaphora: frozenset[str] = frozenset()  # first words that point back (accents and case folded)
    second_margin: float = math.inf  # of score, for the bullet's second-best sentence
    max_quote_chars: int = 450
    max_quotes_chars: int = 700
    # Once the gate has passed, the extractive answer quotes the best sentence even on thin overlap.
    fallback_min_share: float = 0.1

    @classmethod
    def fitted(cls, embedder: str | None = None) -> Self:
        found = super().fitted(embedder)
        return replace(found, anaphora=frozenset(found.anaphora))


@dataclass(frozen=True)
class NarrowSettings(Fitted):
    """When the short answer's sentence replaces the wider quote (assistant/answer/tighten.py)."""

    FILE = ANSWER_DIR / "tighten.toml"
    min_confidence: float  # the reader's least token log-probability
    max_chars: int  # the sentence widened by the next ones up to this length


@dataclass(frozen=True)
class AnswerSettings:
    """How a question is answered: what every step reads, and the fitted sections."""

    k: int = 5  # passages given to the model and to the extractive answer
    max_tokens: int = 200
    language: str = "auto"  # or "fr" / "en": the answer's language
    rerank: bool = True  # reorder the top passages by the LLM's likelihood of the question
    generate: bool = True  # False: the LLM only reranks (a base model's text is not used anyway)
    translate: bool = True  # a question not in the archive's language is also searched translated
    gate: GateSettings | None = None  # None: gate.toml's constants for the index's embedder
    reranking: RerankSettings = field(default_factory=RerankSettings.fitted)
    quote: QuoteSettings = field(default_factory=QuoteSettings.fitted)
    narrow: NarrowSettings = field(default_factory=NarrowSettings.fitted)


def default_index_dir() -> Path:
    return user_data_path("briefing-assistant", appauthor=False) / "index"


def config_path() -> Path:
    return Path(
        os.environ.get("BRIEFING_CONFIG")
        or user_config_path("briefing-assistant", appauthor=False) / "config.toml"
    )


def _file_values() -> dict[str, Any]:
    path = config_path()
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read the config file {path}: {exc}") from exc


_ENVIRONMENT = {
    "index": "BRIEFING_INDEX",
    "embedder": "BRIEFING_EMBEDDER",
    "llm": "BRIEFING_LLM",
    "llm_url": "BRIEFING_LLM_URL",
    "reader": "BRIEFING_READER",
    "k": "BRIEFING_K",
}


def _whole_number(value: object) -> int:
    try:
        return int(str(value))
    except ValueError as exc:
        raise SettingsError(f"k must be a whole number, not {value!r}") from exc


def default_embedder() -> str:
    """The embedder of a new index: the one models.txt marks `default`, so that moving the mark is
    all it takes to change it."""
    from assistant.models.registry import default

    return default("embedder").name


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=default_index_dir)
    # None: the embedder that built the index, or models.txt's default for a new one (Settings.embedder_for)
    embedder: str | None = None
    llm: str = DEFAULT_LLM
    llm_url: str | None = None
    reader: str | None = None  # None: chosen as the module says; NO_READER: no short answer
    max_file_bytes: int = DEFAULT_MAX_BYTES
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    fusion: FusionWeights | None = None  # None: the weights fitted for the index's embedder

    @property
    def k(self) -> int:
        return self.answer.k

    def embedder_for(self) -> str:
        """The embedder to open: the one named, else the one that built the index (so an index keeps
        answering with its own), else the default for a new index."""
        from index.store import generations

        if self.embedder:
            return self.embedder
        gen = generations.current_generation(self.index_dir)
        if gen is not None:
            return str(generations.embedder_of(generations.read_manifest(gen))["name"])
        return default_embedder()

    @classmethod
    def load(cls, **flags: Any) -> Settings:
        """Defaults, overridden by the config file, the environment, then `flags` (the keys of
        _ENVIRONMENT, plus the answer's `language`, `rerank`, `translate`, `generate`); a flag of
        None is not given."""
        values = _file_values()
        values.update({k: v for k, name in _ENVIRONMENT.items() if (v := os.environ.get(name))})
        values.update({k: v for k, v in flags.items() if v is not None})
        s = cls()
        if values.get("index"):
            s = replace(s, index_dir=Path(str(values["index"])).expanduser())
        models: dict[str, Any] = {
            key: str(values[key]) for key in ("embedder", "llm", "llm_url", "reader") if values.get(key)
        }
        s = replace(s, **models)
        answer: dict[str, Any] = {
            key: values[key] for key in ("language", "rerank", "translate", "generate") if key in values
        }
        if values.get("k") is not None:
            answer["k"] = _whole_number(values["k"])
            if answer["k"] < 1:
                raise SettingsError("k must be at least 1")
        return replace(s, answer=replace(s.answer, **answer))

    def with_answer(self, **changes: Any) -> Settings:
        """These settings with some of the answer's changed (`k`, `language`, …)."""
        return replace(self, answer=replace(self.answer, **changes))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        """Settings with the command line's flags on top: every flag that is a setting is read
        here, and only here (a command that lacks a flag leaves its setting alone)."""
        given = vars(args)
        return cls.load(
            index=given.get("index"),
            embedder=given.get("embedder"),
            llm=given.get("llm"),
            llm_url=given.get("llm_url"),
            reader=given.get("reader"),
            k=given.get("k"),
            language=given.get("lang"),
            rerank=False if given.get("no_rerank") else None,
            translate=False if given.get("no_translate") else None,
            generate=False if given.get("rerank_only") else None,
        )


def add_flags(p: argparse.ArgumentParser, *, llm: bool = False, reader: bool = False) -> None:
    """The flags that are settings, shared by the commands (read back by Settings.from_args)."""
    p.add_argument("--index", type=Path, help="index directory (default: user data dir, or $BRIEFING_INDEX)")
    p.add_argument(
        "--embedder",
        help="embedder name from models.txt, or a path (default: the index's own; models.txt's default for a new index)",
    )
    if llm:
        p.add_argument("--llm", help=f"LLM name from models.txt, or a .gguf path (default: {DEFAULT_LLM})")
        p.add_argument(
            "--llm-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1, instead of in-process"
        )
    if reader:
        p.add_argument(
            "--reader",
            metavar="NAME|none",
            help="instruct model that writes the short answer before the quote: a name from models.txt, "
            "a .gguf path, or none (default: the --llm when it follows instructions, else the first "
            "installed Qwen2.5-Coder instruct model, else none; $BRIEFING_READER)",
        )
