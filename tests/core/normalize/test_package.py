"""The normalize package stays pure: it imports no framework and no other crmhub folder."""

from __future__ import annotations

import ast
from pathlib import Path

import core.normalize

PACKAGE = Path(core.normalize.__file__).parent
FORBIDDEN_ROOTS = {
    "flask",
    "celery",
    "kombu",
    "sqlalchemy",
    "alembic",
    "web",
    "worker",
    "mapping",
    "connectors",
    "webhooks",
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_modules_import_only_libraries_and_their_own_package() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for name in _imported_modules(path):
            root = name.split(".")[0]
            assert root not in FORBIDDEN_ROOTS, f"{path.name} imports {name}"
            if root == "core":
                assert name.startswith("core.normalize"), f"{path.name} imports {name}"


def test_every_exported_name_exists() -> None:
    for name in core.normalize.__all__:
        assert callable(getattr(core.normalize, name)), name


def test_the_data_file_ships_inside_the_package() -> None:
    assert (PACKAGE / "data" / "freemail_domains.txt").is_file()
