"""Briefings uploaded from the page: allowed types only, size-limited, stored under safe names.

A browser sends whatever name the user's file had; none of it is trusted. The stored name keeps
letters, digits, `.`, `-` and `_` of the last path component, so `../../etc/passwd.txt` becomes
`passwd.txt` inside the uploads folder and nothing can be written outside it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from index.parse import formats

ALLOWED_SUFFIXES = formats.suffixes()
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Stored:
    saved: list[Path] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)  # {"file", "reason"}


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder, hide itself, or surprise a shell."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _UNSAFE.sub("_", base).strip("._-")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.strip("._-")[:80] or "briefing"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def store_uploads(
    files: list[tuple[str, Path]], folder: Path, *, max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
) -> Stored:
    """Copy (original name, temporary path) pairs into `folder`; refuse what may not be indexed.

    A name already taken by other content gets a short content hash, so an upload never
    overwrites a different briefing; the same content uploaded again lands on the same file.
    """
    out = Stored()
    folder.mkdir(parents=True, exist_ok=True)
    for original, temp in files:
        shown = re.split(r"[\\/]", original)[-1] or original
        name = safe_name(shown)
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            allowed = ", ".join(ALLOWED_SUFFIXES)
            out.refused.append({"file": shown, "reason": f"only {allowed} files can be added"})
            continue
        try:
            size = temp.stat().st_size
        except OSError as exc:
            out.refused.append({"file": shown, "reason": f"upload unreadable: {exc.strerror or exc}"})
            continue
        if size > max_bytes:
            out.refused.append(
                {"file": shown, "reason": f"file is {size:,} bytes, over the {max_bytes:,}-byte upload limit"}
            )
            continue
        data = temp.read_bytes()
        target = folder / name
        if target.exists() and target.read_bytes() != data:
            stem, _, suffix = name.rpartition(".")
            target = folder / f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}.{suffix}"
        if not target.exists():
            partial = target.with_name(f".{target.name}.part")
            shutil.copyfile(temp, partial)
            partial.replace(target)
        out.saved.append(target)
    return out
