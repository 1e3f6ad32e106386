"""Disk trouble: a full or read-only index directory is a one-line error, and the index survives.

Two layers. Fault injection (an OSError with ENOSPC or EROFS raised at several points of the
write path) runs everywhere. Real file systems (a tiny tmpfs that fills up, a read-only bind
mount) need mount rights: as root they run, elsewhere they skip and say why.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.search.hybrid import Searcher
from index.store import database, generations, vectors
from index.store.builder import update_index
from tests.helpers.cli import assert_one_line_error, run_cli

pytestmark = pytest.mark.slow  # full and read-only disks, each indexing the corpus again

Snapshot = tuple[str, list[tuple[str, str, int, str]]]


def snapshot(ix: Path) -> Snapshot:
    """The live generation's name and every passage it holds (file, kind, number, text)."""
    gen = generations.current_generation(ix)
    assert gen is not None, f"no live generation in {ix}"
    conn = database.open_db(gen / "meta.sqlite")
    rows = conn.execute(
        "SELECT f.path, p.kind, p.number, p.text FROM passages p JOIN files f ON f.briefing_id = p.briefing_id "
        "ORDER BY f.path, p.row"
    ).fetchall()
    conn.close()
    return gen.name, [(Path(r[0]).name, r[1], r[2], r[3]) for r in rows]


def leftovers(ix: Path, live: str) -> list[str]:
    """Anything an indexing run should not leave behind next to the live generation."""
    return sorted(
        p.name
        for p in ix.iterdir()
        if p.name.startswith("tmp-")
        or p.name == "CURRENT.tmp"
        or (p.name.startswith("gen-") and p.name > live)
    )


def change(corpus: Path) -> None:
    """Edit one briefing and add another, so the next run must write a new generation."""
    energy = corpus / "energy-2022-11-23.md"
    energy.write_text(energy.read_text(encoding="utf-8").replace("275 euros", "180 euros"), encoding="utf-8")
    (corpus / "late.txt").write_text(
        "• Le port de Gdansk a rouvert aux méthaniers le 3 mars.\n", encoding="utf-8"
    )


def assert_intact(ix: Path, before: Snapshot, embedder) -> None:  # type: ignore[no-untyped-def]
    """Same live generation, same passages, nothing left behind, and search still answers."""
    assert snapshot(ix) == before
    assert leftovers(ix, before[0]) == []
    hit = Searcher(ix, embedder).search("gas price cap", k=1)[0]
    assert hit.file == "energy-2022-11-23.md" and "275 euros" in hit.text


@pytest.fixture
def indexed(tmp_path: Path, corpus: Path, embedder) -> tuple[Path, Snapshot]:  # type: ignore[no-untyped-def]
    ix = tmp_path / "ix"
    update_index(ix, [corpus], embedder)
    return ix, snapshot(ix)


# ----------------------------------------------------------------------------- fault injection


def _fail_new_workdir(monkeypatch: pytest.MonkeyPatch, exc: OSError) -> None:
    def boom(_index_dir: Path) -> Path:
        raise exc

    monkeypatch.setattr(generations, "new_workdir", boom)


def _fail_vectors(monkeypatch: pytest.MonkeyPatch, exc: OSError) -> None:
    """Half-way: SQLite is written in the work folder, the vectors are not."""

    def boom(_index: object, path: Path) -> None:
        path.write_bytes(b"partial")
        raise exc

    monkeypatch.setattr(vectors, "save", boom)


def _fail_current_swap(monkeypatch: pytest.MonkeyPatch, exc: OSError) -> None:
    """Last moment: the new generation is renamed into place, `CURRENT` cannot be replaced."""
    real = os.replace

    def boom(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "CURRENT":
            raise exc
        real(src, dst)

    monkeypatch.setattr(generations.os, "replace", boom)


FAULTS: dict[str, Callable[[pytest.MonkeyPatch, OSError], None]] = {
    "new-workdir": _fail_new_workdir,
    "vectors": _fail_vectors,
    "current-swap": _fail_current_swap,
}


@pytest.mark.parametrize(
    ("where", "code", "phrase"),
    [
        ("new-workdir", errno.ENOSPC, "no space left"),
        ("vectors", errno.ENOSPC, "no space left"),
        ("current-swap", errno.ENOSPC, "no space left"),
        ("vectors", errno.EROFS, "read-only file system"),
    ],
)
def test_write_fault_is_one_line_and_keeps_the_index(
    indexed: tuple[Path, Snapshot],
    corpus: Path,
    embedder,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    where: str,
    code: int,
    phrase: str,
) -> None:
    ix, before = indexed
    change(corpus)
    FAULTS[where](monkeypatch, OSError(code, os.strerror(code)))
    status, err = run_cli(capfd, "index", "--index", str(ix), "--json", str(corpus))
    assert_one_line_error(status, err, phrase, str(ix), "existing index is unchanged")
    monkeypatch.undo()
    assert_intact(ix, before, embedder)
    update_index(ix, [corpus], embedder)  # once the disk is fine again, the next run goes through
    assert any("180 euros" in text for *_, text in snapshot(ix)[1])


def test_unwritable_lock_file_is_one_line(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A first run into a read-only place fails at the lock, before any work, with the same message."""
    real_open = os.open

    def guarded(path: str | Path, flags: int, *args: int, **kwargs: object) -> int:
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generations.os, "open", guarded)
    status, err = run_cli(capfd, "index", "--index", str(tmp_path / "ix"), str(corpus))
    assert_one_line_error(status, err, "cannot write to the index directory", "--index DIR")


# ----------------------------------------------------------------------------- real file systems


def _mount(*args: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs or a read-only bind needs root and mount(8)")
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mount not permitted here: {done.stderr.strip() or done.returncode}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, so 'disk full' is real: the kernel refuses the write (ENOSPC)."""
    where = tmp_path / "small-disk"
    where.mkdir()
    _mount("-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(where))
    try:
        yield where
    finally:
        _umount(where)


def fill(folder: Path, slack: int) -> Path:
    """Write a file until the disk is full, then give `slack` bytes back."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(block)
        except OSError as exc:
            full = exc
        assert full.errno == errno.ENOSPC
        size = fh.tell()
        try:
            while True:
                fh.write(b"\0" * 512)
        except OSError:
            size = fh.tell()
        fh.truncate(max(0, size - slack))
    return filler


@pytest.mark.parametrize("slack", [0, 48 * 1024, 96 * 1024], ids=["full", "48K-free", "96K-free"])
def test_full_disk_is_one_line_and_keeps_the_index(
    small_tmpfs: Path,
    corpus: Path,
    embedder,  # type: ignore[no-untyped-def]
    capfd: pytest.CaptureFixture[str],
    slack: int,
) -> None:
    """The free space decides where the write fails (work folder, SQLite, vectors, BM25): all alike."""
    ix = small_tmpfs / "ix"
    update_index(ix, [corpus], embedder)
    before = snapshot(ix)
    change(corpus)
    filler = fill(small_tmpfs, slack)
    status, err = run_cli(capfd, "index", "--index", str(ix), "--json", str(corpus))
    assert_one_line_error(status, err, "no space left", "free some disk space")
    assert_intact(ix, before, embedder)
    filler.unlink()
    report = update_index(ix, [corpus], embedder)
    assert (report.added, report.updated) == (1, 1)
    assert leftovers(ix, snapshot(ix)[0]) == []


def test_read_only_index_directory_is_one_line_and_still_searchable(
    indexed: tuple[Path, Snapshot],
    corpus: Path,
    embedder,  # type: ignore[no-untyped-def]
    capfd: pytest.CaptureFixture[str],
) -> None:
    ix, before = indexed
    _mount("--bind", str(ix), str(ix))
    try:
        _mount("-o", "remount,bind,ro", str(ix))
        with pytest.raises(OSError, match=os.strerror(errno.EROFS)) as denied:
            (ix / "probe").write_text("x")
        assert denied.value.errno == errno.EROFS
        change(corpus)
        status, err = run_cli(capfd, "index", "--index", str(ix), "--json", str(corpus))
        assert_one_line_error(status, err, "cannot write to the index directory", "read-only file system")
        assert_intact(ix, before, embedder)
        status, _ = run_cli(capfd, "search", "--index", str(ix), "--json", "Aydos Sarym")
        assert status == 0
    finally:
        _umount(ix)
