"""Index a set of files into the index directory, incrementally.

Only new or changed files are parsed and embedded; the passages and vectors of unchanged
files are carried over from the live generation, and files that disappeared are dropped.
Two names with the same content are one briefing. An index written by another version of the
format readers (index.parse.reader.PARSER_VERSION, kept in the manifest) has every file read and
embedded again. Every run writes a complete new
generation (see index.store.generations), so the index on disk is always whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.parse import formats, reader
from index.parse.decode import DEFAULT_MAX_BYTES
from index.records import Briefing, SkippedFile
from index.store import database, generations, vectors
from index.store.embed import Embedder, embedder_spec
from index.store.lexical import LexicalIndex, tokenize, with_bigrams
from index.store.representation import briefing_text, char_grams, passage_texts

# A file whose set-aside characters are over this share of its non-blank ones gets a warning.
MOSTLY_SET_ASIDE = 0.5
# What every briefing sets aside (its title, headings, bullet signs): not worth a line on its own.
_ROUTINE = {"front matter", "title line", "date line", "heading", "markup"}


@dataclass
class IndexReport:
    """What a run did. `files` has one entry per file parsed in this run (new or changed), in
    order: {"file", "indexed_chars", "set_aside_chars", "set_aside": [{"reason", "chars"}]}, the
    non-blank characters inside passages and those set aside by a rule of index/parse (their sum
    is the parsed text's non-blank characters; see index/parse/layout.py). Unchanged files are
    carried over without being read again, so they have no entry."""

    briefings: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The `index --json` summary: the fields in their order."""
        return asdict(self)


def file_entry(path: str, briefing: Briefing) -> dict[str, Any]:
    """The `files` entry of one parsed file: characters indexed and set aside, by reason."""
    return {
        "file": path,
        "indexed_chars": briefing.indexed_chars,
        "set_aside_chars": sum(chars for _, chars in briefing.set_aside),
        "set_aside": [{"reason": reason, "chars": chars} for reason, chars in briefing.set_aside],
    }


def mostly_set_aside(entry: dict[str, Any]) -> bool:
    total = entry["indexed_chars"] + entry["set_aside_chars"]
    return total > 0 and entry["set_aside_chars"] > MOSTLY_SET_ASIDE * total


def set_aside_line(entry: dict[str, Any]) -> str | None:
    """One line on what a file set aside, or None when it is only what every briefing sets aside.

    Notable: most of the file set aside, or any text set aside for a reason beyond the title,
    date, front matter, headings and markup (a duplicate note, a script).
    """
    unusual = any(item["reason"] not in _ROUTINE for item in entry["set_aside"])
    if not (unusual or mostly_set_aside(entry)):
        return None
    reasons = ", ".join(f"{item['reason']} {item['chars']:,}" for item in entry["set_aside"])
    total = entry["indexed_chars"] + entry["set_aside_chars"]
    return f"{entry['set_aside_chars']:,} of {total:,} characters set aside ({reasons})"


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[dict[str, str]]]:
    """Briefing files under the given files and folders, and the paths that do not exist."""
    found: dict[Path, None] = {}
    missing = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    f = Path(root) / name
                    if formats.is_supported(f) and not name.startswith("."):
                        found[f.resolve()] = None
        elif p.is_file():
            found[p.resolve()] = None
        else:
            missing.append({"file": str(p), "reason": "no such file or folder"})
    return list(found), missing


@dataclass
class _Entry:
    briefing: Briefing
    vectors: np.ndarray | None  # None until embedded


_FileRow = tuple[str, str, int, float, str]  # path, content hash, size, mtime, briefing id


def update_index(
    index_dir: Path,
    paths: Iterable[str | Path],
    embedder: Embedder,
    *,
    rebuild: bool = False,
    reembed: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    hnsw_threshold: int = vectors.DEFAULT_HNSW_THRESHOLD,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Bring the index up to date with `paths`; returns what changed.

    Under the writer lock: sweep what a killed run left, open the live generation, carry over or
    parse each file, keep the earlier files still on disk, embed what is new, write and publish
    the new generation. `reembed`: the live generation may have been embedded by another model;
    every passage, carried over as it is, gets new vectors from `embedder` (the live generation
    stays whole until the new one is published).
    """
    index_dir = Path(index_dir)
    report = IndexReport()
    with generations.writer_lock(index_dir):
        _sweep(index_dir)
        live = None if rebuild else _open_live(index_dir, None if reembed else embedder, report)
        run = _Update(live, report, max_bytes)
        for f in run.files_to_read(paths):
            run.read(f)
        if live is not None:
            run.keep_unseen(live)
            run.count_removed(live)
            live.conn.close()
        entries = list(run.entries.values())
        if reembed:
            for entry in entries:
                entry.vectors = None
        _embed(entries, embedder, on_start, on_progress)
        _write_generation(index_dir, entries, run.file_rows, embedder, hnsw_threshold, report)
    return report


def _sweep(index_dir: Path) -> None:
    """Remove what a killed run left, before this run costs disk space."""
    try:
        generations.sweep_unpublished(index_dir)
    except OSError as exc:
        raise generations.write_error(index_dir, exc) from exc


@dataclass
class _Live:
    """The live generation a run starts from."""

    files: dict[str, str]  # path -> content hash, from the manifest
    conn: sqlite3.Connection
    vectors: np.ndarray
    reread: bool  # its passages were parsed by other code: none is carried over


def _open_live(index_dir: Path, embedder: Embedder | None, report: IndexReport) -> _Live | None:
    """The live generation, or None when there is none; IndexMismatch when another embedder than
    `embedder` wrote it (None: any embedder may have)."""
    live = generations.current_generation(index_dir)
    if live is None:
        return None
    manifest = generations.read_manifest(live)
    if embedder is not None:
        generations.check_embedder(index_dir, manifest, embedder_spec(embedder))
    files = manifest["files"]
    conn = database.open_db(live / "meta.sqlite")
    old_vectors = vectors.all_vectors(vectors.load(live / "vectors.faiss"))
    reread = manifest.get("parser") != reader.PARSER_VERSION
    if reread:
        report.warnings.append(
            {
                "file": str(index_dir),
                "warning": "the index was written by another version of the format readers: "
                "every file is read again",
            }
        )
    return _Live(files, conn, old_vectors, reread)


class _Update:
    """One run's decisions, file by file: which briefings it writes, and the files that point at them.

    A file whose content the live generation holds is carried over with its passages and
    vectors; any other file is parsed, and its briefing embedded later. Briefings are keyed by
    id, so two files with the same content are one briefing.
    """

    def __init__(self, live: _Live | None, report: IndexReport, max_bytes: int) -> None:
        self.live = live
        self.old_files: dict[str, str] = live.files if live is not None else {}
        self.report = report
        self.max_bytes = max_bytes
        self.entries: dict[str, _Entry] = {}  # briefing id -> entry
        self.file_rows: list[_FileRow] = []
        self.seen_paths: set[str] = set()
        self.kept_before: set[str] = set()  # indexed by an earlier run, under its own --max-bytes

    def files_to_read(self, paths: Iterable[str | Path]) -> list[Path]:
        """The files given; when the readers changed, the files kept from earlier runs as well."""
        files, missing = collect_files(paths)
        if self.live is not None and self.live.reread:  # kept files are read again, not dropped
            given = set(files)
            self.kept_before = {f for f in self.old_files if Path(f) not in given and Path(f).is_file()}
            files += [Path(f) for f in sorted(self.kept_before)]
        self.report.skipped.extend(missing)
        return files

    def read(self, f: Path) -> None:
        """Carry one file over when its content is unchanged, else parse it."""
        path = str(f)
        self.seen_paths.add(path)
        read = self._read_bytes(f, path)
        if read is None:
            return
        data, st, limit = read
        digest = hashlib.sha256(data).hexdigest()
        if self._carry_over(path, digest, st):
            return
        try:
            briefing = reader.parse_bytes(data, path, max_bytes=limit)
        except SkippedFile as exc:
            self.report.skipped.append({"file": path, "reason": str(exc)})
            return
        self._report_parsed(path, briefing)
        self._keep_parsed(path, digest, briefing)
        self.file_rows.append((path, digest, st.st_size, st.st_mtime, briefing.id))

    def _read_bytes(self, f: Path, path: str) -> tuple[bytes, os.stat_result, int] | None:
        """The file's bytes, its stat and its size limit; None, with the reason, when it is skipped."""
        try:
            st = f.stat()
            limit = max(self.max_bytes, st.st_size) if path in self.kept_before else self.max_bytes
            if st.st_size > limit:
                raise SkippedFile(f"file is {st.st_size:,} bytes, over the {self.max_bytes:,}-byte limit")
            return f.read_bytes(), st, limit
        except OSError as exc:
            self.report.skipped.append({"file": path, "reason": f"cannot read: {exc.strerror or exc}"})
        except SkippedFile as exc:
            self.report.skipped.append({"file": path, "reason": str(exc)})
        return None

    def _carry_over(self, path: str, digest: str, st: os.stat_result) -> bool:
        """Keep an unchanged file's briefing as the live generation (or this run) has it."""
        if self.live is None or self.old_files.get(path) != digest:
            return False
        row = self.live.conn.execute("SELECT briefing_id FROM files WHERE path = ?", (path,)).fetchone()
        carried = self.entries.get(row[0]) or self._reuse(row[0]) if row else None
        if not (row and carried is not None):
            return False
        self.entries[row[0]] = carried
        self.file_rows.append((path, digest, st.st_size, st.st_mtime, row[0]))
        return True

    def _reuse(self, briefing_id: str) -> _Entry | None:
        """A briefing of the live generation with its vectors, unless the readers changed since."""
        if self.live is None or self.live.reread:
            return None
        conn = self.live.conn
        if conn.execute("SELECT 1 FROM briefings WHERE id = ?", (briefing_id,)).fetchone() is None:
            return None
        rows = [
            r[0]
            for r in conn.execute(
                "SELECT row FROM passages WHERE briefing_id = ? ORDER BY row", (briefing_id,)
            )
        ]
        return _Entry(database.read_briefing(conn, briefing_id), self.live.vectors[rows])

    def _report_parsed(self, path: str, briefing: Briefing) -> None:
        """A parsed file's warnings and its characters indexed and set aside."""
        for w in briefing.warnings:
            self.report.warnings.append({"file": path, "warning": w})
        entry_chars = file_entry(path, briefing)
        self.report.files.append(entry_chars)
        if mostly_set_aside(entry_chars):
            total = entry_chars["indexed_chars"] + entry_chars["set_aside_chars"]
            self.report.warnings.append(
                {
                    "file": path,
                    "warning": f"most of the text is set aside, not indexed: "
                    f"{entry_chars['set_aside_chars']:,} of {total:,} characters",
                }
            )

    def _keep_parsed(self, path: str, digest: str, briefing: Briefing) -> None:
        """Count a parsed file as updated or added, and keep its briefing unless one has its id."""
        if path in self.old_files and self.old_files[path] != digest:
            self.report.updated += 1
        if briefing.id not in self.entries:
            entry = self._reuse(briefing.id)  # same content already indexed under another name
            if entry is None and path not in self.old_files:
                self.report.added += 1
            self.entries[briefing.id] = entry or _Entry(briefing, None)

    def keep_unseen(self, live: _Live) -> None:
        """Files indexed before and not seen now are kept if they still exist elsewhere on disk."""
        for path in self.old_files:
            if path in self.seen_paths or not Path(path).is_file():
                continue
            row = live.conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
            if row is None:
                continue
            if row["briefing_id"] not in self.entries and (entry := self._reuse(row["briefing_id"])):
                self.entries[row["briefing_id"]] = entry
            self.file_rows.append((path, row["hash"], row["size"], row["mtime"], row["briefing_id"]))

    def count_removed(self, live: _Live) -> None:
        """The live generation's briefings this run does not write."""
        old_ids = {r[0] for r in live.conn.execute("SELECT id FROM briefings")}
        if live.reread:  # every id may change with the readers: a briefing is gone when its files are
            kept = {path for path, *_ in self.file_rows}
            old_paths = live.conn.execute("SELECT briefing_id, path FROM files").fetchall()
            old_ids -= {briefing_id for briefing_id, path in old_paths if path in kept}
        self.report.removed = len(old_ids - set(self.entries))


def _embed(
    entries: list[_Entry],
    embedder: Embedder,
    on_start: Callable[[int], None] | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Embed, in one batch, the passages of the briefings that have no vectors yet."""
    to_embed = [e for e in entries if e.vectors is None]
    texts = [t for e in to_embed for t in passage_texts(e.briefing)]
    if on_start:
        on_start(len(texts))
    new_vectors = embedder.encode(texts, on_progress=on_progress)
    pos = 0
    for e in to_embed:
        n = len(e.briefing.passages)
        e.vectors = new_vectors[pos : pos + n]
        pos += n


def _write_generation(
    index_dir: Path,
    entries: list[_Entry],
    file_rows: list[_FileRow],
    embedder: Embedder,
    hnsw_threshold: int,
    report: IndexReport,
) -> None:
    """Write and publish a whole generation; a full or read-only disk becomes IndexWriteError.

    Whatever fails, the work folder is removed (it may be large, and the disk may be full) and
    the live generation is left as it was.
    """
    try:
        work = generations.new_workdir(index_dir)
    except OSError as exc:
        raise generations.write_error(index_dir, exc) from exc
    try:
        entries.sort(key=lambda e: (e.briefing.date or "", e.briefing.id))
        passages = _write_metadata(work, entries, file_rows)
        _write_vectors(work, entries, embedder, hnsw_threshold)
        _write_lexical(work, entries)
        report.briefings = len(entries)
        report.passages = passages
        _write_manifest(work, entries, file_rows, embedder, hnsw_threshold, passages)
        generations.publish(index_dir, work)
    except (OSError, sqlite3.Error) as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise generations.write_error(index_dir, exc) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _write_metadata(work: Path, entries: list[_Entry], file_rows: list[_FileRow]) -> int:
    """meta.sqlite: briefings and passages in the order of `entries`, then files; the number of passages."""
    conn = database.open_db(work / "meta.sqlite", create=True)
    row = 0
    for e in entries:
        row = database.write_briefing(conn, e.briefing, row)
    database.write_files(conn, file_rows)
    conn.commit()
    conn.close()
    return row


def _write_vectors(work: Path, entries: list[_Entry], embedder: Embedder, hnsw_threshold: int) -> None:
    """vectors.faiss: row `row` is the vector of passage `row`."""
    all_vecs = (
        np.concatenate([e.vectors for e in entries if e.vectors is not None])
        if entries
        else np.zeros((0, embedder.dim), dtype=np.float32)
    )
    vectors.save(vectors.build(all_vecs, embedder.dim, hnsw_threshold), work / "vectors.faiss")


def _write_lexical(work: Path, entries: list[_Entry]) -> None:
    """The three BM25 indexes: passage words with their pairs, passage character grams, briefings."""
    word_tokens: list[list[str]] = []
    gram_tokens: list[list[str]] = []
    brief_tokens: list[list[str]] = []
    for e in entries:
        texts = passage_texts(e.briefing)
        word_tokens.extend(with_bigrams(tokenize(t, e.briefing.language)) for t in texts)
        gram_tokens.extend(char_grams(t) for t in texts)
        brief_tokens.append(tokenize(briefing_text(e.briefing), e.briefing.language))
    for name, toks in (
        ("bm25_words", word_tokens),
        ("bm25_grams", gram_tokens),
        ("bm25_briefings", brief_tokens),
    ):
        lex = LexicalIndex()
        lex.build(toks)
        if toks:
            lex.save(str(work / name))


def _write_manifest(
    work: Path,
    entries: list[_Entry],
    file_rows: list[_FileRow],
    embedder: Embedder,
    hnsw_threshold: int,
    passages: int,
) -> None:
    manifest = {
        "format": generations.FORMAT_VERSION,
        "embedder": embedder.name,
        "embedder_spec": embedder_spec(embedder),
        "parser": reader.PARSER_VERSION,
        "dim": embedder.dim,
        "faiss": "hnsw" if passages > hnsw_threshold else "flat",
        "briefings": len(entries),
        "passages": passages,
        "languages": sorted({e.briefing.language for e in entries}),
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {path: digest for path, digest, *_ in sorted(file_rows)},
    }
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
