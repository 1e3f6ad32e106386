"""Resolving a model name (or a path) to the files to load, offline; a missing or damaged model is an error naming its fix."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.models.assemble import assemble
from assistant.models.cache import (
    ModelState,
    check_path,
    is_packaged_gguf,
    local_path,
    packaged_file_name,
    state,
)
from assistant.models.registry import (
    PULL_HINT,
    ModelEntry,
    ModelError,
    RegistryError,
    Role,
    default,
    find,
    load_registry,
)


def require_installed(st: ModelState) -> Path:
    e = st.entry
    if st.status == "missing":
        if e.kind == "path":
            raise ModelError(f"model {e.name}: {st.path} does not exist (models.txt line {e.line})")
        raise ModelError(f"model {e.name} is not downloaded yet: run `{PULL_HINT} {e.name}`")
    if st.status == "corrupt":
        pulled = e.kind in ("hf", "pypi-zip")
        fix = f"run `{PULL_HINT} {e.name}` to download it again" if pulled else "replace the file"
        raise ModelError(f"model {e.name} is damaged: {st.problem}; {fix}")
    assert st.path is not None
    return st.path


def repair_hint(path: Path) -> str:
    """How to get a good copy of the model file at `path`: what to run, for where it came from."""
    try:
        entries = load_registry()
    except RegistryError:
        entries = []
    for e in entries:
        try:
            known = local_path(e)
        except ModelError:  # a packaged GGUF whose package is gone
            continue
        if known is None or known.resolve() != Path(path).resolve():
            continue
        if e.kind in ("hf", "pypi-zip"):
            return f"run `{PULL_HINT} {e.name}` to download it again"
        if e.kind == "pypi":
            return (
                f"run `{PULL_HINT} {e.name}` to assemble it again, or reinstall its "
                f"{'parts' if e.parts else 'package'} with `pip install --force-reinstall {e.pip_args()}`"
            )
        return f"replace {path} (models.txt line {e.line})"
    return "download or copy it again, or pick a model from `briefing-assistant models list`"


def _looks_like_path(value: str) -> bool:
    return os.sep in value or "/" in value or value.startswith((".", "~")) or Path(value).exists()


def _named_or_default(
    role: Role, name_or_path: str | Path | None, entries: list[ModelEntry]
) -> ModelEntry | None:
    """The registry entry meant: the role's default for None, else the one named (a Path names none)."""
    if name_or_path is None:
        return default(role, entries)
    return find(name_or_path, entries) if isinstance(name_or_path, str) else None


def resolve_llm(name_or_path: str | Path | None = None, registry: list[ModelEntry] | None = None) -> Path:
    """The GGUF file to load for a registry name (default: the packaged Gemma) or a path to a .gguf."""
    entries = load_registry() if registry is None else registry
    entry = _named_or_default("llm", name_or_path, entries)
    if entry is None:
        assert name_or_path is not None
        value = str(name_or_path)
        if not (isinstance(name_or_path, Path) or _looks_like_path(value) or value.endswith(".gguf")):
            known = ", ".join(e.name for e in entries if e.role == "llm")
            raise ModelError(f"unknown LLM {value!r}: give a path to a .gguf file or one of: {known}")
        return _check_gguf_path(Path(value).expanduser(), entries)
    if entry.role != "llm":
        raise ModelError(f"model {entry.name} is an {entry.role}, not an LLM")
    if entry.kind == "pypi":
        return assemble(entry)
    path = require_installed(state(entry))
    if path.is_dir():
        raise ModelError(
            f"model {entry.name} is a directory, not a .gguf file (models.txt line {entry.line})"
        )
    return path


def _check_gguf_path(path: Path, entries: list[ModelEntry]) -> Path:
    """A user's .gguf: it must exist, start like a GGUF, and match the registry if its file name is known."""
    if not path.is_file():
        raise ModelError(f"LLM file {path} does not exist")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file (llama.cpp models are .gguf)")
    for e in entries:
        known_name = e.filename if e.kind == "hf" else (e.path.name if e.path else None)
        if e.kind == "pypi" and is_packaged_gguf(e):
            try:
                known_name = packaged_file_name(e)
            except ModelError:
                known_name = None
        if known_name == path.name and (e.sha256 or e.size is not None):
            st = check_path(path, e.sha256, e.size, e)
            if st.status != "installed":
                raise ModelError(
                    f"{st.problem}; it does not match registry model {e.name} (models.txt line {e.line}): "
                    f"copy it again, or use `{PULL_HINT} {e.name}`"
                )
    return path


def resolve_embedder(name_or_path: str | Path | None = None, registry: list[ModelEntry] | None = None) -> str:
    """What SentenceTransformer should open: the packaged folder, the pulled folder, or a path as is."""
    entries = load_registry() if registry is None else registry
    entry = _named_or_default("embedder", name_or_path, entries)
    if entry is None:
        assert name_or_path is not None
        path = Path(str(name_or_path)).expanduser()
        if path.exists():
            return str(path)
        known = ", ".join(e.name for e in entries if e.role == "embedder")
        raise ModelError(
            f"unknown embedder {str(name_or_path)!r}: give a sentence-transformers folder or one of: {known}"
        )
    if entry.role != "embedder":
        raise ModelError(f"model {entry.name} is an {entry.role}, not an embedder")
    st = state(entry)
    if entry.kind == "pypi":
        if st.status == "missing" or st.path is None:
            raise ModelError(f"embedder {entry.name} is not installed: `pip install {entry.source[5:]}`")
        return str(st.path)
    return str(require_installed(st))


def embedder_advice(index_embedder: str, registry: list[ModelEntry] | None = None) -> str | None:
    """One line telling the user of an index built with another embedder than the registry's
    default how to move to it, or None when the index already uses it (or the name is a path).

    An index keeps answering with the embedder that built it (its vectors are only comparable
    with that model's), so the move is the user's choice: `index --reembed`.
    """
    try:
        entries = load_registry() if registry is None else registry
        best = default("embedder", entries)
    except ModelError:
        return None
    own = find(index_embedder, entries)
    if own is None or own.name == best.name:
        return None
    pull = "" if state(best).status == "installed" else f"`{PULL_HINT} {best.name}`, then "
    return (
        f"this index was built with {own.name}; the default embedder is now {best.name}, which reads "
        f"French and English questions on briefings in either language far better: {pull}"
        f"`briefing-assistant index --reembed` embeds every passage again (the index stays usable meanwhile)"
    )
