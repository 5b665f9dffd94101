"""The directory plugin's layout (plugins/directory/): register() in __init__.py, one module per concern, imports
that go one way, and no module too long to read in one sitting without saying why."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.site.sitebuild import ROOT

PLUGINS = ROOT / "plugins"
PACKAGE = PLUGINS / "directory"
LONG = 400  # lines: a module longer than this says in its docstring why it is one module


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def plugin_imports(path: Path) -> set[str]:
    """The plugin's modules that ``path`` imports (``plugins.directory.x`` -> ``x``), at any depth of its code."""
    found = set()
    for node in ast.walk(tree(path)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found.update(name.split(".")[2] for name in names if name.startswith("plugins.directory."))
    return {name for name in found if (PACKAGE / f"{name}.py").is_file()}


def graph() -> dict[str, set[str]]:
    return {path.stem: plugin_imports(path) for path in sorted(PACKAGE.glob("*.py"))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import path that comes back to where it started (depth first)."""
    found: list[list[str]] = []

    def walk(path: list[str]) -> None:
        for after in sorted(edges.get(path[-1], ())):
            if after == path[0]:
                found.append([*path, after])
            elif after not in path and after > path[0]:  # each cycle once, from its smallest module
                walk([*path, after])

    for start in sorted(edges):
        walk([start])
    return found


def test_the_plugin_s_imports_make_no_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_only_register_imports_the_generator() -> None:
    """generator.py wires the modules (the composition root); the modules never reach back into it."""
    assert [name for name, imports in graph().items() if "generator" in imports] == ["__init__"]


def test_init_holds_register_only() -> None:
    body = tree(PACKAGE / "__init__.py").body
    kinds = [type(node) for node in body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    assert set(kinds) <= {ast.ImportFrom, ast.Import, ast.FunctionDef}
    assert [node.name for node in body if isinstance(node, ast.FunctionDef)] == ["register"]


def test_long_modules_say_why_they_are_one() -> None:
    unexplained = []
    for path in sorted(PLUGINS.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        docstring = ast.get_docstring(tree(path)) or ""
        if lines > LONG and "one module" not in " ".join(docstring.split()):
            unexplained.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert unexplained == []
