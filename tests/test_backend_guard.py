"""The guard of tests/conftest.py: a test under tests/store or tests/web that uses
a database runs on both back ends, or ONE_BACKEND says why it cannot."""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import text

from tests import conftest
from weakties.store.engine import open_store

TESTS = Path(__file__).resolve().parent


def _item(path: str, *, backend: str | None = None, name: str = "test_x") -> SimpleNamespace:
    callspec = SimpleNamespace(params={"backend": backend}) if backend else None
    return SimpleNamespace(path=TESTS / path, nodeid=f"tests/{path}::{name}", callspec=callspec)


def test_one_backend_is_told_in_the_folders_that_run_both():
    assert conftest._one_backend(_item("web/test_a.py"))
    assert conftest._one_backend(_item("store/test_a.py"))
    assert not conftest._one_backend(_item("web/test_a.py", backend="sqlite"))
    assert not conftest._one_backend(_item("web/test_a.py", backend="postgresql"))
    assert not conftest._one_backend(_item("service/test_a.py"))  # SQLite only there
    path, name = next(iter(conftest.ONE_BACKEND)).split("::")
    assert not conftest._one_backend(_item(path.removeprefix("tests/"), name=name))


def test_every_exemption_names_a_test_that_exists_and_says_why():
    for nodeid, reason in conftest.ONE_BACKEND.items():
        path, name = nodeid.split("::")
        tree = ast.parse((TESTS.parent / path).read_text())
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert name in names, nodeid
        assert len(reason) > 20, nodeid


def test_a_database_used_is_recorded_but_sqlite_in_memory(tmp_path):
    conftest._DATABASES.urls.clear()
    memory = open_store("sqlite://")
    with memory.engine.connect() as conn:
        conn.execute(text("select 1"))
    memory.close()
    assert conftest._DATABASES.urls == set()
    on_file = open_store(f"sqlite:///{tmp_path / 'x.sqlite'}")
    on_file.close()
    assert conftest._DATABASES.urls == {f"sqlite:///{tmp_path / 'x.sqlite'}"}
    conftest._DATABASES.urls.clear()


def _report_of(item: SimpleNamespace) -> SimpleNamespace:
    """The report the guard's hook leaves for ``item``, which passed."""
    report = SimpleNamespace(passed=True, outcome="passed", longrepr=None)
    hook = conftest.pytest_runtest_makereport(item, SimpleNamespace(when="call"))
    next(hook)
    with contextlib.suppress(StopIteration):
        hook.send(SimpleNamespace(get_result=lambda: report))
    return report


def test_a_postgresql_case_that_opened_only_sqlite_fails(tmp_path):
    conftest._DATABASES.urls.clear()
    try:
        open_store(f"sqlite:///{tmp_path / 'own.sqlite'}").close()  # a file of its own
        failed = _report_of(_item("web/test_a.py", backend="postgresql"))
        assert failed.outcome == "failed"
        assert "opened only SQLite" in failed.longrepr and "own.sqlite" in failed.longrepr
        assert _report_of(_item("web/test_a.py", backend="sqlite")).outcome == "passed"
        assert _report_of(_item("service/test_a.py")).outcome == "passed"
        # with PostgreSQL among the databases it opened, the case is what it says
        conftest._DATABASES.urls.add("postgresql+psycopg://weakties@/t1?host=/tmp")
        assert _report_of(_item("web/test_a.py", backend="postgresql")).outcome == "passed"
    finally:
        conftest._DATABASES.urls.clear()
