"""Shared fixtures: the packaged embedder (loaded once) and small briefings written here."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from index.search.hybrid import Searcher
    from index.store.embed import Embedder

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to something other than this machine fails the test."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to reach the network: {address}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from index.store.embed import Embedder

    return Embedder()


def indexed(root: Path, embedder: Embedder, briefings: dict[str, str]) -> Searcher:
    """A Searcher over an index of `briefings` (file name -> text) written under `root`."""
    from index.search.hybrid import Searcher
    from index.store.builder import update_index

    (root / "b").mkdir()
    for name, text in briefings.items():
        (root / "b" / name).write_text(text, encoding="utf-8")
    update_index(root / "ix", [root / "b"], embedder)
    return Searcher(root / "ix", embedder)


KAZAKHSTAN = """\
  • Hier, Xi Jinping s’est rendu au Kazakhstan où il s’est entretenu avec le président kazakh, Kassym-Jomart Tokayev. Les discussions se sont faites en chinois.
  • Une rumeur suggérant que le Kazakhstan s’apprêtait à quitter l’OTSC a été démentie ce matin par Aydos Sarym, membre du Comité de défense du Kazakhstan1.
  • Une étrange déclaration de Xi résonne comme un message adressé à Moscou qui exerce une pression constante sur ses voisins du Sud2.
  • Li Zhanshu aurait proposé de partager avec la Russie son expérience en matière de « juridiction des armes longues »3.
Sources
  1. « Казахстан отказался вступать в армяно-азербайджанский конфликт под эгидой ОДКБ », Mk.RU, 15 septembre 2022.
  2. « Président Tokayev meets Xi Jinping », Présidence du Kazakhstan, 14 septembre 2022.
  3. Jack Lau, « China’s No 3 official Li Zhanshu calls for united front with Russia », South China Morning Post, 12 septembre 2022.
"""

ENERGY = """\
# Energy briefing

- The European Commission proposed a cap on gas prices at 275 euros per megawatt hour [1].
- Norway became the largest supplier of natural gas to the European Union [2].

## Sources
[1] "Commission proposes gas price cap", Reuters, 22 November 2022, https://www.reuters.com/energy/cap
[2] https://www.ft.com/content/norway-gas
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "briefing-2022-09-15.txt").write_text(KAZAKHSTAN, encoding="utf-8")
    (folder / "energy-2022-11-23.md").write_text(ENERGY, encoding="utf-8")
    return folder
