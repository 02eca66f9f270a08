"""Contracts over warroom's import graph, read from the source (every import, at module level or
inside a function): no import cycle anywhere; the core never imports Textual, the TUI or the
CLI; nothing imports the CLI back."""

from __future__ import annotations

import ast
from pathlib import Path

from core_support import REPO

PKG = REPO / "warroom"


def module_name(path: Path, top: Path = REPO) -> str:
    parts = path.relative_to(top).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PKG) -> dict[str, set[str]]:
    """module -> the modules it imports (warroom's own, resolved to modules; others as named)."""
    files = {module_name(p, root.parent): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        out: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in node.names:  # `from warroom.cli import common` names a module
                    out.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base)
        graph[mod] = {m for m in out if m != mod}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module among warroom's own (Tarjan)."""
    own = {m: {d for d in deps if d in graph} for m, deps in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(own[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(own):
        if v not in index:
            visit(v)
    return found


def _is(mod: str, package: str) -> bool:
    return mod == package or mod.startswith(package + ".")


def test_there_is_no_import_cycle_in_warroom() -> None:
    assert cycles(import_graph()) == []


def test_the_core_imports_neither_textual_nor_the_tui_nor_the_cli() -> None:
    graph = import_graph()
    shells = ("warroom.tui", "warroom.cli")
    offenders = {mod: sorted(d for d in deps if any(_is(d, p) for p in ("textual", *shells)))
                 for mod, deps in graph.items() if not any(_is(mod, s) for s in shells) and mod != "warroom.__main__"}
    assert {m: d for m, d in offenders.items() if d} == {}


def test_nothing_imports_the_cli_back() -> None:
    graph = import_graph()
    offenders = sorted(mod for mod, deps in graph.items()
                       if not _is(mod, "warroom.cli") and mod != "warroom.__main__" and any(_is(d, "warroom.cli") for d in deps))
    assert offenders == []


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """A made-up package with a cycle and a core module importing the CLI is caught."""
    pkg = tmp_path / "warroom"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "cli" / "__init__.py").write_text("from warroom import a\n")
    (pkg / "a.py").write_text("def f():\n    from warroom.b import g\n")
    (pkg / "b.py").write_text("from . import a\nimport warroom.cli\n")
    graph = import_graph(pkg)
    assert graph["warroom.b"] == {"warroom.a", "warroom.cli"}
    assert cycles(graph) == [["warroom.a", "warroom.b", "warroom.cli"]]
