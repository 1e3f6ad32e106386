"""Turn the bytes of a file into text, or say clearly why it cannot be read.

Briefings arrive from mail clients, Word exports and old archives: UTF-8 (with or without
a BOM), Windows cp1252 and latin-1 are all common, and a stray binary file in the folder
must be skipped, not crash the run.
"""

from __future__ import annotations

import codecs
import re

from index.records import SkippedFile

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
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors=_FALLBACK), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    if looks_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise SkippedFile("binary file (not text)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _has_utf8_sequences(data):
        # Mostly UTF-8 with stray Windows bytes (pasted text, concatenated files): keep both right.
        return data.decode("utf-8", errors=_FALLBACK), "utf-8+cp1252"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined (0x81, 0x8D, …) are read as latin-1.
        return data.decode("cp1252", errors=_FALLBACK), "latin-1"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM (some Windows exports): every other byte is NUL, on one side.

    Such a file looks binary by its NULs; read as UTF-16 when nearly all NULs sit on the odd
    (little-endian) or even (big-endian) bytes and the result is text, not more control codes.
    """
    sample = data[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if len(data) % 2 or half == 0:
        return None
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.5 * half and other <= 0.02 * half:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            if looks_binary(text.encode("utf-8", "surrogatepass")):
                return None
            return text, codec
    return None


def _single_byte(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: read undecodable bytes as cp1252, or latin-1 where cp1252 has none."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(bytes([b]).decode("cp1252") if b not in _CP1252_UNDEFINED else chr(b) for b in bad)
    return text, error.end


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_FALLBACK = "briefing-single-byte"
codecs.register_error(_FALLBACK, _single_byte)


def _has_utf8_sequences(data: bytes) -> bool:
    """Whether the data holds at least one well-formed multi-byte UTF-8 character."""
    return _UTF8_SEQUENCE.search(data) is not None
