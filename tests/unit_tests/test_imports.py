"""The package's modules import each other in one direction: no circle.

Read from the source (every `import` and `from ... import`, including those
under `if TYPE_CHECKING:` and inside functions), not from what happens to be
loaded at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import langchain_minimax

PACKAGE = Path(langchain_minimax.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package modules `path` imports.

    A name imported from a package counts as its submodule when there is one,
    else as the package.
    """
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {module for module in found if module in modules and module != name}


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    return {_module_name(path): _imports(path, modules) for path in paths}


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(frozenset(group))

    for node in graph:
        if node not in index:
            visit(node)
    return circles


def test_the_reader_sees_the_imports() -> None:
    graph = _graph()
    assert "langchain_minimax.errors" in graph["langchain_minimax._failures"]
    assert "langchain_minimax._failures" in graph["langchain_minimax._raising"]
    # Imports under `if TYPE_CHECKING:` count too.
    assert "langchain_minimax._raising" in graph["langchain_minimax._response_shape"]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        frozenset({"a", "b", "c"})
    ]


def test_no_import_circle() -> None:
    assert _circles(_graph()) == []


def test_the_failure_modules_import_downward() -> None:
    """The exception classes import nothing of the package; the failure format
    imports only them; the raising place imports both, never the reverse."""
    graph = _graph()
    ours = {module for module in graph if module.startswith("langchain_minimax.")}
    assert graph["langchain_minimax.errors"] & ours == set()
    assert graph["langchain_minimax._failures"] & ours == {"langchain_minimax.errors"}
    for module in ("langchain_minimax.errors", "langchain_minimax._failures"):
        assert "langchain_minimax._raising" not in graph[module]
