"""Settings shared by the command line and the chat page, with their defaults.

Precedence: command-line flag, then environment variable (BRIEFING_INDEX, BRIEFING_EMBEDDER),
then the default. The default index lives in the user's data directory (platformdirs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_path

from index.decode import DEFAULT_MAX_BYTES
from index.embed import DEFAULT_EMBEDDER
from index.vectors import DEFAULT_HNSW_THRESHOLD


def default_index_dir() -> Path:
    return user_data_path("briefing-assistant", appauthor=False) / "index"


@dataclass
class Settings:
    index_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BRIEFING_INDEX") or default_index_dir())
    )
    embedder: str = field(default_factory=lambda: os.environ.get("BRIEFING_EMBEDDER") or DEFAULT_EMBEDDER)
    max_file_bytes: int = DEFAULT_MAX_BYTES
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD
