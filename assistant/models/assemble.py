"""Assembling a GGUF packaged on PyPI into the models cache, checked by sha256."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from assistant.models.cache import check_path, local_path, packaged_module, write_stamp
from assistant.models.registry import ModelEntry, ModelError


def assemble(entry: ModelEntry) -> Path:
    """Write the packaged GGUF into the cache once; later calls only check the stamp."""
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
