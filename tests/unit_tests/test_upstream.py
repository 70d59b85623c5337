"""Private upstream names are used through `langchain_minimax._upstream` only.

Upstream is `openai`, langchain-openai and langchain-core. These tests read
the package's source (`ast`, a grep that knows Python): outside `_upstream.py`
no module imports a private module or name of theirs, or a name the seam
re-exports; no class of ours (the seam's included) overrides or calls one of
their private methods unless `_upstream.HOOKS` lists it; and every listed hook
still exists upstream with the listed parameters (CI runs this at the lowest
and latest versions).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import langchain_minimax
from langchain_minimax import _upstream

UPSTREAM = ("openai", "langchain_openai", "langchain_core")
PACKAGE = Path(langchain_minimax.__file__).parent
SEAM = PACKAGE / "_upstream.py"
SOURCES = sorted(path for path in PACKAGE.rglob("*.py") if path != SEAM)
OURS = ("self", "cls", "super()")


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_upstream(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in UPSTREAM


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def upstream_imports(module: ast.Module) -> Iterator[tuple[int, str, ast.alias]]:
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and is_upstream(node.module):
            for alias in node.names:
                yield node.lineno, str(node.module), alias
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if is_upstream(alias.name):
                    yield node.lineno, alias.name, ast.alias("")


RE_EXPORTED = {
    alias.name
    for _, _, alias in upstream_imports(tree(SEAM))
    if (alias.asname or alias.name) in _upstream.__all__
}
"""Upstream names the seam hands on (private, or public-looking but unexported)."""

SEAM_ATTRIBUTES = {
    node.attr
    for node in ast.walk(tree(SEAM))
    if isinstance(node, ast.Attribute) and is_private(node.attr)
}
"""Private attributes of upstream objects that the seam's functions reach."""


@pytest.mark.parametrize("path", SOURCES, ids=module_name)
def test_private_upstream_names_are_imported_from_the_seam(path: Path) -> None:
    found = [
        f"{path.name}:{line}: {module} {alias.name}".rstrip()
        for line, module, alias in upstream_imports(tree(path))
        if any(is_private(part) for part in module.split("."))
        or is_private(alias.name)
        or alias.name in RE_EXPORTED
    ]
    assert found == [], "import these from langchain_minimax._upstream"


PRIVATE_PARAMETERS = {name for _, name in _upstream.PRIVATE_PARAMETERS}


def reaches_private(node: ast.AST) -> bool:
    """Whether `node` reaches a private upstream attribute or parameter."""
    if isinstance(node, ast.Attribute):
        owner = ast.unparse(node.value)
        if is_upstream(owner) and is_private(node.attr):
            return True  # e.g. `openai._base_client`
        reached = {hook.name for hook in _upstream.HOOKS} | SEAM_ATTRIBUTES
        return node.attr in reached and owner not in OURS
    if isinstance(node, ast.keyword):
        return node.arg is not None and is_private(node.arg)
    return isinstance(node, ast.Constant) and node.value in PRIVATE_PARAMETERS


@pytest.mark.parametrize("path", SOURCES, ids=module_name)
def test_private_upstream_attributes_are_reached_through_the_seam(
    path: Path,
) -> None:
    found = [
        f"{path.name}:{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree(path))
        if reaches_private(node)
    ]
    assert found == []


def our_classes() -> Iterator[tuple[type, ast.ClassDef]]:
    """The package's classes, the seam's included."""
    for path in [*SOURCES, SEAM]:
        module = importlib.import_module(module_name(path))
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ClassDef):
                cls = getattr(module, node.name, None)
                if isinstance(cls, type):
                    yield cls, node


def touched(node: ast.ClassDef) -> set[str]:
    """Private names a class defines, or reaches on `self`, `cls` or `super()`."""
    names = {
        sub.name
        for sub in ast.walk(node)
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef))
    } | {
        sub.attr
        for sub in ast.walk(node)
        if isinstance(sub, ast.Attribute) and ast.unparse(sub.value) in OURS
    }
    return {name for name in names if is_private(name)}


def inherited_from_upstream(cls: type, name: str) -> bool:
    return any(
        is_upstream(base.__module__) and name in vars(base) for base in cls.__mro__[1:]
    )


def test_every_private_upstream_method_we_touch_is_listed() -> None:
    used = {
        (cls, name)
        for cls, node in our_classes()
        for name in touched(node)
        if inherited_from_upstream(cls, name)
    }
    assert len(used) > 10, "ChatMiniMax and the clients use upstream hooks"
    unlisted = [
        f"{cls.__name__}.{name}"
        for cls, name in used
        if not any(
            hook.name == name and issubclass(cls, hook.owners)
            for hook in _upstream.HOOKS
        )
    ]
    assert unlisted == [], "list these in _upstream.HOOKS"


def test_listed_hooks_exist_upstream_with_their_parameters() -> None:
    assert _upstream.changed_hooks() == []


def test_changed_hooks_reports_a_gone_or_changed_method() -> None:
    class Owner:
        def _hook(self, a: int) -> None: ...

    changed = _upstream.changed_hooks(
        [
            _upstream.Hook((Owner,), "_hook", ("a", "b"), "changed"),
            _upstream.Hook((Owner,), "_gone", (), "gone"),
        ]
    )
    assert changed[0].endswith("Owner._hook takes ('a',), not ('a', 'b')")
    assert changed[1].endswith("Owner._gone is gone")
    assert len(changed) == 2
