"""Imports go one way: index/ never imports assistant/, and inside index/, text < parse < store < search;
inside assistant/, the answering pipeline and the models know nothing of the front ends, and the
two front ends (cli, chat) know nothing of each other.

text holds the text utilities every layer shares and imports nothing of index/ but records;
parse reads files and knows nothing of the index; store builds the index from parsed briefings;
search reads the index. assistant/ may import any of index/. assistant/main.py, above both front
ends, is the one module that imports them both. Read with ast from the source files, so an
import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

# (package whose modules are checked, packages they must not import)
RULES = [
    ("index", ("assistant",)),
    ("index.text", ("index.parse", "index.store", "index.search", "assistant")),
    ("index.parse", ("index.store", "index.search")),
    ("index.store", ("index.search",)),
    ("assistant.answer", ("assistant.cli", "assistant.chat", "assistant.main")),
    ("assistant.models", ("assistant.cli", "assistant.chat", "assistant.answer", "assistant.main")),
    ("assistant.cli", ("assistant.chat",)),
    ("assistant.chat", ("assistant.cli",)),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, statement, modules it imports) for every import in the file, relative ones made absolute."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.append((node.lineno, ast.unparse(node), [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            # `from index import search` imports the package index.search
            modules = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            found.append((node.lineno, ast.unparse(node), modules))
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations() -> list[str]:
    """One line per forbidden import: the file, the line, the statement and the rule it breaks."""
    out = []
    for path in sorted([*(ROOT / "index").rglob("*.py"), *(ROOT / "assistant").rglob("*.py")]):
        name = module_name(path)
        for line, statement, modules in imported(path):
            for checked, forbidden in RULES:
                bad = [f for f in forbidden if within(name, checked) and any(within(m, f) for m in modules)]
                out += [
                    f"{path.relative_to(ROOT)}:{line}: {statement} ({checked} must not import {f})"
                    for f in bad
                ]
    return out


def test_imports_go_one_way_in_index_and_the_front_ends_stay_apart() -> None:
    # The check reads real files: were they moved, it would pass having read nothing.
    checked = {module_name(p) for p in [*(ROOT / "index").rglob("*.py"), *(ROOT / "assistant").rglob("*.py")]}
    assert {"index.text.fold", "index.parse.reader", "index.store.builder", "index.search.hybrid"} <= checked
    assert {"assistant.answer.pipeline", "assistant.cli.ask", "assistant.chat.app"} <= checked
    found = violations()
    assert not found, "imports against the layout:\n" + "\n".join(found)
