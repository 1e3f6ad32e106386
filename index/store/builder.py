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
from index.store.embed import Embedder
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


def update_index(
    index_dir: Path,
    paths: Iterable[str | Path],
    embedder: Embedder,
    *,
    rebuild: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    hnsw_threshold: int = vectors.DEFAULT_HNSW_THRESHOLD,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Bring the index up to date with `paths`; returns what changed."""
    index_dir = Path(index_dir)
    report = IndexReport()
    with generations.writer_lock(index_dir):
        try:
            generations.sweep_unpublished(index_dir)  # what a killed run left, before it costs disk space
        except OSError as exc:
            raise generations.write_error(index_dir, exc) from exc
        live = None if rebuild else generations.current_generation(index_dir)
        old_files: dict[str, str] = {}
        old_conn = None
        old_vectors = np.zeros((0, embedder.dim), dtype=np.float32)
        reread = False  # the live index's passages were parsed by other code: none is carried over
        if live is not None:
            manifest = generations.read_manifest(live)
            if manifest["embedder"] != embedder.name:
                raise generations.IndexMismatch(
                    f"the index at {index_dir} was built with embedder {manifest['embedder']!r}, "
                    f"not {embedder.name!r}: use --embedder {manifest['embedder']!r}, or rebuild with "
                    "`briefing-assistant index --rebuild PATH...`"
                )
            old_files = manifest["files"]
            old_conn = database.open_db(live / "meta.sqlite")
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

        files, missing = collect_files(paths)
        kept_before: set[str] = set()  # indexed by an earlier run, under its own --max-bytes
        if reread:  # the files kept from earlier runs are read again as well, not dropped
            given = set(files)
            kept_before = {f for f in old_files if Path(f) not in given and Path(f).is_file()}
            files += [Path(f) for f in sorted(kept_before)]
        report.skipped.extend(missing)
        entries: dict[str, _Entry] = {}  # briefing id -> entry
        file_rows: list[tuple[str, str, int, float, str]] = []
        seen_paths: set[str] = set()

        def reuse(briefing_id: str) -> _Entry | None:
            if old_conn is None or reread:
                return None
            if old_conn.execute("SELECT 1 FROM briefings WHERE id = ?", (briefing_id,)).fetchone() is None:
                return None
            rows = [
                r[0]
                for r in old_conn.execute(
                    "SELECT row FROM passages WHERE briefing_id = ? ORDER BY row", (briefing_id,)
                )
            ]
            return _Entry(database.read_briefing(old_conn, briefing_id), old_vectors[rows])

        for f in files:
            path = str(f)
            seen_paths.add(path)
            try:
                st = f.stat()
                limit = max(max_bytes, st.st_size) if path in kept_before else max_bytes
                if st.st_size > limit:
                    raise SkippedFile(f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit")
                data = f.read_bytes()
            except OSError as exc:
                report.skipped.append({"file": path, "reason": f"cannot read: {exc.strerror or exc}"})
                continue
            except SkippedFile as exc:
                report.skipped.append({"file": path, "reason": str(exc)})
                continue
            digest = hashlib.sha256(data).hexdigest()
            if path in old_files and old_files[path] == digest and old_conn is not None:
                row = old_conn.execute("SELECT briefing_id FROM files WHERE path = ?", (path,)).fetchone()
                carried = entries.get(row[0]) or reuse(row[0]) if row else None
                if row and carried is not None:
                    entries[row[0]] = carried
                    file_rows.append((path, digest, st.st_size, st.st_mtime, row[0]))
                    continue
            try:
                briefing = reader.parse_bytes(data, path, max_bytes=limit)
            except SkippedFile as exc:
                report.skipped.append({"file": path, "reason": str(exc)})
                continue
            for w in briefing.warnings:
                report.warnings.append({"file": path, "warning": w})
            entry_chars = file_entry(path, briefing)
            report.files.append(entry_chars)
            if mostly_set_aside(entry_chars):
                total = entry_chars["indexed_chars"] + entry_chars["set_aside_chars"]
                report.warnings.append(
                    {
                        "file": path,
                        "warning": f"most of the text is set aside, not indexed: "
                        f"{entry_chars['set_aside_chars']:,} of {total:,} characters",
                    }
                )
            if path in old_files and old_files[path] != digest:
                report.updated += 1
            if briefing.id not in entries:
                entry = reuse(briefing.id)  # same content already indexed under another name
                if entry is None and path not in old_files:
                    report.added += 1
                entries[briefing.id] = entry or _Entry(briefing, None)
            file_rows.append((path, digest, st.st_size, st.st_mtime, briefing.id))

        # Files indexed before and not seen now are kept if they still exist elsewhere on disk.
        if old_conn is not None:
            for path in old_files:
                if path in seen_paths or not Path(path).is_file():
                    continue
                row = old_conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
                if row is None:
                    continue
                if row["briefing_id"] not in entries and (entry := reuse(row["briefing_id"])):
                    entries[row["briefing_id"]] = entry
                file_rows.append((path, row["hash"], row["size"], row["mtime"], row["briefing_id"]))
            old_ids = {r[0] for r in old_conn.execute("SELECT id FROM briefings")}
            if reread:  # every id may change with the readers: a briefing is gone when its files are
                kept = {path for path, *_ in file_rows}
                old_paths = old_conn.execute("SELECT briefing_id, path FROM files").fetchall()
                old_ids -= {briefing_id for briefing_id, path in old_paths if path in kept}
            report.removed = len(old_ids - set(entries))
            old_conn.close()

        to_embed = [e for e in entries.values() if e.vectors is None]
        texts = [t for e in to_embed for t in passage_texts(e.briefing)]
        if on_start:
            on_start(len(texts))
        new_vectors = embedder.encode(texts, on_progress=on_progress)
        pos = 0
        for e in to_embed:
            n = len(e.briefing.passages)
            e.vectors = new_vectors[pos : pos + n]
            pos += n

        _write_generation(index_dir, list(entries.values()), file_rows, embedder, hnsw_threshold, report)
    return report


def _write_generation(
    index_dir: Path,
    entries: list[_Entry],
    file_rows: list[tuple[str, str, int, float, str]],
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
        conn = database.open_db(work / "meta.sqlite", create=True)
        row = 0
        word_tokens: list[list[str]] = []
        gram_tokens: list[list[str]] = []
        brief_tokens: list[list[str]] = []
        for e in entries:
            row = database.write_briefing(conn, e.briefing, row)
            texts = passage_texts(e.briefing)
            word_tokens.extend(with_bigrams(tokenize(t, e.briefing.language)) for t in texts)
            gram_tokens.extend(char_grams(t) for t in texts)
            brief_tokens.append(tokenize(briefing_text(e.briefing), e.briefing.language))
        database.write_files(conn, file_rows)
        conn.commit()
        conn.close()
        all_vecs = (
            np.concatenate([e.vectors for e in entries if e.vectors is not None])
            if entries
            else np.zeros((0, embedder.dim), dtype=np.float32)
        )
        vectors.save(vectors.build(all_vecs, embedder.dim, hnsw_threshold), work / "vectors.faiss")
        for name, toks in (
            ("bm25_words", word_tokens),
            ("bm25_grams", gram_tokens),
            ("bm25_briefings", brief_tokens),
        ):
            lex = LexicalIndex()
            lex.build(toks)
            if toks:
                lex.save(str(work / name))
        report.briefings = len(entries)
        report.passages = row
        manifest = {
            "format": generations.FORMAT_VERSION,
            "embedder": embedder.name,
            "parser": reader.PARSER_VERSION,
            "dim": embedder.dim,
            "faiss": "hnsw" if row > hnsw_threshold else "flat",
            "briefings": len(entries),
            "passages": row,
            "languages": sorted({e.briefing.language for e in entries}),
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {path: digest for path, digest, *_ in sorted(file_rows)},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        generations.publish(index_dir, work)
    except (OSError, sqlite3.Error) as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise generations.write_error(index_dir, exc) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
