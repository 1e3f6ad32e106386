"""The index directory on disk: generations swapped atomically, a writer lock, the manifest.

Layout: `CURRENT` names the live generation `gen-NNNNNN/`, which holds `meta.sqlite`,
`vectors.faiss`, the BM25 folders and `manifest.json`. A writer builds a new generation in
a temporary folder, fsyncs every file, renames it into place and only then rewrites
`CURRENT` (write, fsync, rename). A run killed at any moment therefore leaves the previous
generation live and whole; leftovers are swept by the next writer.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1


class IndexError_(RuntimeError):
    """A problem with the index directory; the message says what to do."""


class IndexLocked(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


class IndexWriteError(IndexError_):
    """The index directory cannot be written (full, read-only, no permission); the live one is intact."""


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def write_error(index_dir: Path, exc: BaseException) -> IndexWriteError:
    """Say in one line why writing the index failed and what to do; the previous index is kept.

    Disk trouble surfaces as OSError from Python and numpy, as sqlite3 errors from SQLite and
    as RuntimeError from FAISS; all of them become this one message.
    """
    code = getattr(exc, "errno", None)
    if isinstance(exc, sqlite3.Error):
        sqlite_code = getattr(exc, "sqlite_errorcode", None)
        if sqlite_code == sqlite3.SQLITE_FULL:
            code = errno.ENOSPC
        elif sqlite_code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
            code = errno.EROFS
    kept = "the existing index is unchanged"
    if code in _FULL:
        return IndexWriteError(
            f"no space left to write the index in {index_dir}: free some disk space and run "
            f"the command again ({kept})"
        )
    if code in _READ_ONLY:
        reason = os.strerror(code) if code is not None else "read-only"
        return IndexWriteError(
            f"cannot write to the index directory {index_dir} ({reason.lower()}): make it writable "
            f"or choose another with --index DIR ({kept})"
        )
    reason = (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).splitlines()[0]
    return IndexWriteError(f"cannot write the index in {index_dir}: {reason} ({kept})")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    for root, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(Path(root) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if gen.is_dir() else None


def read_manifest(gen: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((gen / "manifest.json").read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatch(
            f"index format {manifest.get('format')} is not {FORMAT_VERSION}: rebuild it with "
            "`briefing-assistant index --rebuild PATH...`"
        )
    return manifest


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Keep two indexing runs apart; the second gets a clear message instead of waiting.

    The lock file is written unbuffered: on a full disk nothing is left pending for close().
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(index_dir, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise IndexLocked(
                f"the index {index_dir} is being written by {holder}; wait for it to finish"
            ) from None
        with contextlib.suppress(OSError):  # the holder's name is a courtesy; the flock is what counts
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"process {os.getpid()}".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def new_workdir(index_dir: Path) -> Path:
    path = index_dir / f"tmp-{os.getpid()}-{os.urandom(4).hex()}"
    path.mkdir()
    return path


def _number(name: str) -> int:
    try:
        return int(name.split("-", 1)[1])
    except (IndexError, ValueError):
        return 0


def sweep_unpublished(index_dir: Path) -> None:
    """Remove what killed or failed runs left: work folders, and generations never made live.

    A run killed between renaming its generation into place and swapping `CURRENT` leaves a
    `gen-N` newer than the live one; it was never visible to readers, so it can go. Call with
    the writer lock held, before writing.
    """
    live = current_generation(index_dir)
    live_number = _number(live.name) if live else 0
    for child in index_dir.iterdir():
        name = child.name
        unpublished = name.startswith("gen-") and _number(name) > live_number
        if child.is_dir() and (name.startswith("tmp-") or unpublished):
            shutil.rmtree(child, ignore_errors=True)
    with contextlib.suppress(OSError):
        (index_dir / "CURRENT.tmp").unlink(missing_ok=True)


def publish(index_dir: Path, workdir: Path) -> Path:
    """Make `workdir` the live generation, atomically. Call with the writer lock held.

    If anything fails before `CURRENT` is swapped, the new generation is removed and the
    error raised: the live generation stays the previous one, and nothing is left behind.
    """
    live = current_generation(index_dir)
    taken = [_number(c.name) for c in index_dir.iterdir() if c.name.startswith("gen-")]
    number = max([_number(live.name) if live else 0, *taken]) + 1
    gen = index_dir / f"gen-{number:06d}"
    tmp = index_dir / "CURRENT.tmp"
    fsync_tree(workdir)
    os.rename(workdir, gen)
    try:
        fsync_dir(index_dir)
        with open(tmp, "w") as fh:
            fh.write(gen.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, index_dir / "CURRENT")
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # `CURRENT` is swapped: the new generation is live whatever follows
        fsync_dir(index_dir)
    sweep(index_dir, keep={gen.name, live.name if live else ""})
    return gen


def sweep(index_dir: Path, keep: set[str]) -> None:
    """Remove unfinished work folders and generations older than the previous one."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith(("tmp-", "gen-")) and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def embedder_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The spec of the embedder that wrote a generation (index/store/embed.py: embedder_spec).
    A generation written before specs were recorded was embedded without prompts, in torch."""
    spec = manifest.get("embedder_spec")
    if spec:
        return dict(spec)
    return {
        "name": manifest["embedder"],
        "backend": "torch",
        "dim": int(manifest.get("dim", 0)),
        "query_prompt": "",
        "document_prompt": "",
    }


def check_embedder(index_dir: Path, manifest: dict[str, Any], spec: dict[str, Any]) -> None:
    """IndexMismatch, saying how to go on, when `spec` is not the embedder that wrote the index:
    its vectors would not be comparable with the questions'."""
    built = embedder_of(manifest)
    if built == spec:
        return
    if built["name"] != spec["name"]:
        what = f"embedder {built['name']!r}, not {spec['name']!r}"
    else:
        differs = ", ".join(
            k for k in ("backend", "dim", "query_prompt", "document_prompt") if built[k] != spec[k]
        )
        what = f"embedder {built['name']!r} with another {differs}"
    raise IndexMismatch(
        f"the index at {index_dir} was built with {what}: use --embedder {built['name']!r}, or embed "
        f"it again with `briefing-assistant index --reembed --embedder {spec['name']}`"
    )
