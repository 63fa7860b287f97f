"""The tree shows the flow (issue 13): data → catalogue → scenario → engine → recommendation →
reports / site / notebooks / CLI, with no import circle between her2guide's own modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "her2guide"


def _module_name(path: Path) -> str:
    parts = ["her2guide", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every her2guide module that ``name`` imports, at any level (functions and
    ``TYPE_CHECKING`` blocks included: a deferred import is still a dependency)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            if subs:  # ``from . import _report``: the submodule itself
                yield from subs
            elif target in known:
                yield target


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {n: set(_imports(n, p, known)) - {n} for n, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_walker_sees_a_known_import() -> None:
    """The walker is not blind: the reports import the output records, and the package's
    ``__init__`` imports the reports (so ``Recommendation.to_markdown`` works)."""
    graph = _graph()
    assert "her2guide._recommendation" in graph["her2guide._report"]
    assert "her2guide._report" in graph["her2guide"]


def test_walker_finds_a_circle() -> None:
    """Tarjan's algorithm reports a circle when there is one (a two-module and a three-module one)."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}) == [
        ["a", "b"],
        ["c", "d", "e"],
    ]


def test_no_import_circle() -> None:
    """No her2guide module imports itself through others (the old ``_model ↔ _report``)."""
    assert _cycles(_graph()) == []


def test_records_import_no_report() -> None:
    """The output records depend on nothing but the standard library."""
    assert set() == _graph()["her2guide._recommendation"]
