"""The index directory on disk: generations swapped atomically, a writer lock, the manifest.

Layout: `CURRENT` names the live generation `gen-NNNNNN/`, which holds `meta.sqlite`,
`vectors.faiss`, the BM25 folders and `manifest.json`. A writer builds a new generation in
a temporary folder, fsyncs every file, renames it into place and only then rewrites
`CURRENT` (write, fsync, rename). A run killed at any moment therefore leaves the previous
generation live and whole; leftovers are swept by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
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
    """Keep two indexing runs apart; the second gets a clear message instead of waiting."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise IndexLocked(
                f"the index {index_dir} is being written by {holder}; wait for it to finish"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_workdir(index_dir: Path) -> Path:
    path = index_dir / f"tmp-{os.getpid()}-{os.urandom(4).hex()}"
    path.mkdir()
    return path


def publish(index_dir: Path, workdir: Path) -> Path:
    """Make `workdir` the live generation, atomically. Call with the writer lock held."""
    live = current_generation(index_dir)
    number = int(live.name.split("-")[1]) + 1 if live else 1
    gen = index_dir / f"gen-{number:06d}"
    fsync_tree(workdir)
    os.rename(workdir, gen)
    fsync_dir(index_dir)
    tmp = index_dir / "CURRENT.tmp"
    with open(tmp, "w") as fh:
        fh.write(gen.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    fsync_dir(index_dir)
    sweep(index_dir, keep={gen.name, live.name if live else ""})
    return gen


def sweep(index_dir: Path, keep: set[str]) -> None:
    """Remove unfinished work folders and generations older than the previous one."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith(("tmp-", "gen-")) and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
