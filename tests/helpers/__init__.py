"""What several test modules share: the scripted generator, the small corpus, the command line."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: what `python -m assistant` runs from
