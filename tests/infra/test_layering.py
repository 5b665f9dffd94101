"""Arrows go one way: local/ (the stand-ins) imports infra/ (the deployment), never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

from infra.stages import ROOT


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code (functions' lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def imports_of(folder: str, package: str) -> dict[str, list[str]]:
    """The modules of ``folder`` that import ``package`` (or one of its modules), with what they import."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names = sorted(n for n in imported_modules(path) if n == package or n.startswith(f"{package}."))
        if names:
            found[str(path.relative_to(ROOT))] = names
    return found


def test_infra_never_imports_the_local_stand_ins() -> None:
    assert imports_of("infra", "local") == {}


def test_the_walk_sees_lazy_and_from_imports(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("import os\n\ndef later():\n    from local.tables import create_table\n", encoding="utf-8")
    assert imported_modules(module) == {"os", "local.tables", "local.tables.create_table"}


def test_the_local_table_comes_from_the_deployed_definition() -> None:
    assert "infra.table" in imports_of("local", "infra")["local/tables.py"]
