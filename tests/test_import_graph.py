"""One door to the data, checked on the source: only the service layer and the store
(and the import pipeline, which writes a member's own data) touch the tables.

Every module of the package is parsed; code under ``if TYPE_CHECKING:`` is left
out (it never runs). A module outside the allowed places may not import the ORM
tables, may not import sqlalchemy's statement builders, and may not execute
statements; the graph engine may not import the store at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import parsed_modules

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "weakties"

# Where the tables may be read and written (docs/data-model.md, "Who touches the
# tables"): the store and the service layer; the model that declares them; the
# import pipeline and the synthetic world's loader, which write a member's own
# data (or a generated platform) and read nothing for a viewer.
ALLOWED = ("store/", "service/", "model/", "ingest/", "synth/load.py")
# sqlalchemy names that build or run SQL (types such as Connection are fine)
SQL_NAMES = {
    "select",
    "insert",
    "update",
    "delete",
    "text",
    "func",
    "and_",
    "or_",
    "not_",
    "exists",
    "case",
    "union",
    "literal",
    "column",
    "table",
    "Table",
    "MetaData",
    "bindparam",
    "values",
}
EXECUTE = {"execute", "exec_driver_sql", "executescript", "executemany"}
# the modules that declare the mapped tables (the web platform's own in a module of
# their own, declared when first named)
TABLE_NAMES = ("tables", "site_tables")
TABLE_MODULES = tuple(f"weakties.model.{name}" for name in TABLE_NAMES)


def _modules() -> list[tuple[str, ast.Module]]:
    """Every module of the package but its migrations, parsed (once per process)."""
    return [
        (rel, tree)
        for rel, tree in parsed_modules(PACKAGE)
        if not rel.startswith("store/migrations/")
    ]


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports(tree: ast.AST) -> Iterator[tuple[str, str | None]]:
    """(module, name) of every import that runs; name None for ``import module``."""
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def _violations(rel: str, tree: ast.Module) -> list[str]:
    found = []
    for module, name in _imports(tree):
        if module in TABLE_MODULES or (module == "weakties.model" and name in TABLE_NAMES):
            found.append(f"{rel} imports the ORM tables")
        if module.split(".")[0] == "sqlalchemy" and (name is None or name in SQL_NAMES):
            found.append(f"{rel} imports sqlalchemy's {name or module}")
    for node in _runtime_nodes(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in EXECUTE
        ):
            found.append(f"{rel} line {node.lineno} executes SQL ({node.func.attr})")
    return found


def test_only_the_service_layer_and_the_store_touch_the_tables():
    problems = []
    checked = 0
    for rel, tree in _modules():
        if rel.startswith(ALLOWED):
            continue
        checked += 1
        problems += _violations(rel, tree)
    assert checked > 50  # the engines and the faces were all looked at
    assert problems == []


@pytest.mark.parametrize("package", ["graph", "ties", "opportunity", "report", "cli", "web"])
def test_engines_and_faces_never_do(package):
    trees = [(rel, tree) for rel, tree in _modules() if rel.startswith(package + "/")]
    assert trees
    for rel, tree in trees:
        assert _violations(rel, tree) == [], rel


def test_the_graph_engine_does_not_depend_on_the_store():
    for rel, tree in _modules():
        if rel.startswith("graph/"):
            assert not [m for m, _ in _imports(tree) if m.startswith("weakties.store")], rel


def test_the_check_sees_what_it_forbids():
    bad = ast.parse(
        "from sqlalchemy import select\n"
        "from weakties.model.tables import Tie\n"
        "def f(conn):\n    return conn.execute(select(Tie))\n"
    )
    assert len(_violations("x.py", bad)) == 3
    site = ast.parse(
        "from weakties.model.site_tables import Post\nfrom weakties.model import site_tables\n"
    )
    assert len(_violations("x.py", site)) == 2
    typed_only = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from weakties.model.tables import Tie\n"
    )
    assert _violations("x.py", typed_only) == []
