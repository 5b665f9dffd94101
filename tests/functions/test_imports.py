"""The imports of functions/ go one way: no module imports app.py, and no two modules import each other, directly or
around a loop, except for type annotations only (under ``if TYPE_CHECKING:``). Imports inside functions count: they
run, later."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that runs, at import time or later; those under ``if TYPE_CHECKING:`` never do."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and is_type_checking(node.test):
            for child in node.orelse:
                yield from runtime_imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from runtime_imports(node)


def imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` an import statement of ``module`` loads: each named module, and the packages above
    it that are not above ``module`` too (those are loaded already, or being loaded, before ``module`` runs). A name
    a package's ``__init__`` defines (``from . import Store``) is an import of that package."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, *([node.module] if node.module else [])])
        names = [f"{base}.{alias.name}" for alias in node.names]
        targets = [name if name in known else base for name in names]
    above_module = {".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 2)}
    found = set()
    for target in targets:
        parts = target.split(".")
        found |= ({".".join(parts[:n]) for n in range(1, len(parts))} - above_module) | {target}
    return (found & known) - {module}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``root`` it imports at run time."""
    paths = {module_name(path, root): path for path in root.rglob("*.py") if ".chalice" not in path.parts}
    known = set(paths)
    graph = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[module] = {m for node in runtime_imports(tree) for m in imported(node, module, is_package, known)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import loops of ``graph`` (one path around each strongly connected group of modules; Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_in_functions() -> None:
    graph = import_graph(FUNCTIONS)
    assert len(graph) >= 40 and "chalicelib.core.store.transactions" in graph
    assert cycles(graph) == []


def test_nothing_imports_the_app() -> None:
    graph = import_graph(FUNCTIONS)
    assert [module for module, targets in graph.items() if "app" in targets] == []


def test_the_walk_finds_a_loop_and_lets_a_type_only_one_be(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "b.py").write_text("def later():\n    from .. import a\n")  # a loop, through a late import
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import d\n")
    (package / "d.py").write_text("from . import c\n")  # c needs d for its annotations only
    (package / "e").mkdir()
    (package / "e" / "__init__.py").write_text("from .f import F\nX = 1\n")
    (package / "e" / "f.py").write_text("from . import X\nF = X\n")  # a name of the package that imports it
    (package / "h").mkdir()
    (package / "h" / "__init__.py").write_text("from .i import I\n")  # a package made of its modules: no loop
    (package / "h" / "i.py").write_text("from .j import J\nI = J\n")
    (package / "h" / "j.py").write_text("J = 1\n")
    assert cycles(import_graph(tmp_path)) == [["pkg.a", "pkg.sub.b"], ["pkg.e", "pkg.e.f"]]
