"""Settings shared by the command line and the chat page, with their sources.

Precedence: command-line flag, then environment variable, then the config file
(`config.toml` in the user config directory, or $BRIEFING_CONFIG), then the default.
Keys (file / environment): index / BRIEFING_INDEX, embedder / BRIEFING_EMBEDDER,
llm / BRIEFING_LLM, llm_url / BRIEFING_LLM_URL, reader / BRIEFING_READER, k / BRIEFING_K.
The reader (the instruct model that writes the short answer, assistant/answer/short.py) is a
models.txt name, a .gguf path, or "none"; unset, it is the main LLM when that follows
instructions, else the first installed of DEFAULT_READERS, else none.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path

from index.parse.decode import DEFAULT_MAX_BYTES
from index.store.embed import DEFAULT_EMBEDDER
from index.store.vectors import DEFAULT_HNSW_THRESHOLD

DEFAULT_LLM = "gemma-3-270m-q4_k_m"
# The readers tried when none is named, best first (short-answer F1 on the PIAF dev set).
DEFAULT_READERS = ("qwen2.5-coder-1.5b-instruct-q4_k_m", "qwen2.5-coder-0.5b-instruct-q4_k_m")
NO_READER = "none"


class SettingsError(ValueError):
    pass


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


@dataclass
class Settings:
    index_dir: Path = field(default_factory=default_index_dir)
    embedder: str = DEFAULT_EMBEDDER
    llm: str = DEFAULT_LLM
    llm_url: str | None = None
    reader: str | None = None  # None: chosen as the module says; NO_READER: no short answer
    k: int = 5
    max_file_bytes: int = DEFAULT_MAX_BYTES
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD

    @classmethod
    def load(cls) -> Settings:
        """Defaults, overridden by the config file, overridden by the environment."""
        values = _file_values()
        env = {
            "index": os.environ.get("BRIEFING_INDEX"),
            "embedder": os.environ.get("BRIEFING_EMBEDDER"),
            "llm": os.environ.get("BRIEFING_LLM"),
            "llm_url": os.environ.get("BRIEFING_LLM_URL"),
            "reader": os.environ.get("BRIEFING_READER"),
            "k": os.environ.get("BRIEFING_K"),
        }
        values.update({k: v for k, v in env.items() if v})
        s = cls()
        if values.get("index"):
            s.index_dir = Path(str(values["index"])).expanduser()
        for key in ("embedder", "llm", "llm_url", "reader"):
            if values.get(key):
                setattr(s, key, str(values[key]))
        if values.get("k") is not None:
            try:
                s.k = int(values["k"])
            except ValueError as exc:
                raise SettingsError(f"k must be a whole number, not {values['k']!r}") from exc
        return s
