"""Turn the bytes of a file into text, or say clearly why it cannot be read.

Briefings arrive from mail clients, Word exports and old archives: UTF-8 (with or without
a BOM), Windows cp1252 and latin-1 are all common, and a stray binary file in the folder
must be skipped, not crash the run.
"""

from __future__ import annotations

import codecs

from index.models import SkippedFile

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# NUL and control characters other than tab/newline/carriage return/form feed are a sign of binary data.
_CONTROL = {b for b in range(32) if b not in (9, 10, 12, 13)}


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any of the encodings we accept."""
    sample = data[:8192]
    if not sample:
        return False
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls / len(sample) > 0.05


def decode(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Return (text, encoding). Raise SkippedFile with the reason for unusable input."""
    if len(data) > max_bytes:
        raise SkippedFile(f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    if not data.strip():
        raise SkippedFile("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    if looks_binary(data):
        raise SkippedFile("binary file (not text)")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"
