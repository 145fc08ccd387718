"""Shared fixtures: a fresh database per test, tiny export builders, the real samples.

The ``store`` fixture opens a fresh database on a back end: SQLite everywhere, and
also PostgreSQL for the tests under ``BOTH_BACKENDS`` (a throwaway server per test
session, see ``tests/servers.py``; marked ``postgres``).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import (
    CHROMIUM_ARGS,
    PostgresServer,
    Unavailable,
    ensure_chromium,
    in_ci,
    install_in_background,
    start_postgres,
)
from tests.support import copy_sqlite
from weakties.store.engine import Store, open_store

# No server the suite starts (in process, in a thread or as `weakties serve`) loads
# the graph kernels in the background: each would spend seconds of CPU the tests
# share. tests/web/test_warm_kernels.py turns it on where it checks it.
os.environ.setdefault("WEAKTIES_WARM_KERNELS", "0")


def _one_command_line_per_process() -> None:
    """The command line's click command built once per test process.

    ``typer.testing.CliRunner.invoke(app, …)`` builds the whole click command tree
    from the functions' signatures on every call (some 80 ms of CPU for weakties'
    59 commands), which the suite's thousand-odd invocations paid again each time;
    a process running ``weakties`` builds it once. Only weakties' own app is kept
    (no test changes it); any other Typer app a test builds is built as before."""
    import typer.testing

    from weakties.cli.main import app as weakties_app

    build = typer.testing._get_command
    built: dict[str, Any] = {}

    def get_command(app: Any) -> Any:
        if app is not weakties_app:
            return build(app)
        if "weakties" not in built:
            built["weakties"] = build(app)
        return built["weakties"]

    typer.testing._get_command = get_command  # type: ignore[attr-defined]


_one_command_line_per_process()


# ../shared/data next to the repository (set WEAKTIES_SHARED_DATA to look elsewhere)
SHARED = Path(
    os.environ.get("WEAKTIES_SHARED_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
SAMPLES = SHARED / "linkedin-samples"

# Test folders whose every test that opens a store runs on both back ends.
BOTH_BACKENDS = ("store", "web")
_TESTS = Path(__file__).resolve().parent


# Tests under BOTH_BACKENDS that use a database but run on one back end only, each
# with the reason it cannot run on the other (the guard below fails any other).
ONE_BACKEND: dict[str, str] = {
    "tests/store/test_postgres_reads.py::"
    "test_postgres_connections_compile_no_query_and_analyze_gathers_statistics": (
        "PostgreSQL's own session settings (jit) and planner statistics: SQLite has neither"
    ),
    "tests/store/test_postgres_reads.py::test_analyze_leaves_sqlite_without_statistics": (
        "the SQLite half of the test above: analyze leaves no sqlite_stat1 table"
    ),
    "tests/store/test_postgres_reads.py::"
    "test_postgres_looks_up_each_tie_s_member_rather_than_hashing_them_all": (
        "reads PostgreSQL's query plan (EXPLAIN)"
    ),
    "tests/store/test_postgres_reads.py::"
    "test_the_second_degree_on_a_job_is_read_from_the_index_of_active_ties": (
        "reads PostgreSQL's query plan (EXPLAIN)"
    ),
}


def _folder(item: pytest.Item) -> str:
    try:
        return Path(str(item.path)).resolve().relative_to(_TESTS).parts[0]
    except (ValueError, IndexError):
        return ""


class _Databases:
    """The databases the running test connects to (through any SQLAlchemy engine:
    a store, or an engine of the test's own), for the guard on the test folders
    whose tests run on both back ends. What a child process opens (``weakties
    serve``, a command run in a subprocess) is not seen: such tests also write
    their database in process first, or read it back, which is."""

    def __init__(self) -> None:
        self.urls: set[str] = set()

    def connected(self, conn: Any) -> None:
        url = conn.engine.url
        # SQLite in memory is the process's own scratch database on every
        # installation (the kernels' warm-up builds one), not a back end
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return
        self.urls.add(url.render_as_string())


_DATABASES = _Databases()


class _CompiledAcrossEngines:
    """One cache of compiled SQL for every engine of the test process.

    SQLAlchemy compiles a statement once per engine: its cache is the engine's,
    and its keys hold the engine's dialect. A server has one engine and compiles
    each statement once; the suite opens a new engine for nearly every test (a
    fresh database each), so each compiled again what the test before had
    compiled, a fifth of the time of a test of the web app. Here engines share
    the compiled statements of every dialect equal to theirs: same class, same
    driver module, same settings and server version after it connected (what a
    compiled statement depends on). What a statement computes is unchanged: the
    SQL is the same text for the same dialect, and each execution still binds its
    own parameters on its own connection."""

    _SETTINGS = (bool, int, float, str, tuple, type(None))

    def __init__(self, size: int) -> None:
        from sqlalchemy.util import LRUCache

        self._compiled: Any = LRUCache(size)
        # dialect -> what it compiles by, read once: an engine uses the shared
        # cache from its first connection on, after its dialect was initialised
        self._dialects: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = (
            weakref.WeakKeyDictionary()
        )

    def _same(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        dialect = key[0]
        same = self._dialects.get(dialect)
        if same is None:
            settings = tuple(
                sorted(
                    (name, value)
                    for name, value in vars(dialect).items()
                    if isinstance(value, self._SETTINGS)
                )
            )
            json = (vars(dialect).get("_json_serializer"), vars(dialect).get("_json_deserializer"))
            same = self._dialects[dialect] = (type(dialect), dialect.dbapi, json, settings)
        return (same, *key[1:])

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        return self._compiled.get(self._same(key), default)

    def __getitem__(self, key: tuple[Any, ...]) -> Any:
        return self._compiled[self._same(key)]

    def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
        self._compiled[self._same(key)] = value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self._same(key) in self._compiled

    def __len__(self) -> int:
        return len(self._compiled)

    def clear(self) -> None:
        self._compiled.clear()


_COMPILED = _CompiledAcrossEngines(5000)


def _compile_once_per_process(conn: Any) -> None:
    """Every engine (that caches compiled SQL at all) uses ``_COMPILED``."""
    engine = conn.engine
    if engine._compiled_cache is None:  # caching turned off for that engine
        return
    if engine.get_execution_options().get("compiled_cache") is not _COMPILED:
        engine.update_execution_options(compiled_cache=_COMPILED)
    if conn.get_execution_options().get("compiled_cache") is not _COMPILED:
        conn.execution_options(compiled_cache=_COMPILED)


def pytest_configure(config: pytest.Config) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "engine_connect", _DATABASES.connected):
        event.listen(Engine, "engine_connect", _DATABASES.connected)
    if not event.contains(Engine, "engine_connect", _compile_once_per_process):
        event.listen(Engine, "engine_connect", _compile_once_per_process)
    if not hasattr(config, "workerinput"):  # the session's own process, not a worker
        config.stash[_INSTALLING] = install_in_background()


_INSTALLING = pytest.StashKey["threading.Thread | None"]()


def pytest_unconfigure(config: pytest.Config) -> None:
    thread = config.stash.get(_INSTALLING, None)
    if thread is not None:
        thread.join()


# fixtures that give a test a database (or the server to make one on)
DATABASE_FIXTURES = frozenset(
    {"store", "store_url", "postgres", "postgres_server", "sqlite_template", "demo_worlds"}
)


def _one_backend(item: pytest.Item) -> bool:
    """Whether ``item`` runs on one back end though its folder runs all on both."""
    if _folder(item) not in BOTH_BACKENDS:
        return False
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "backend" in callspec.params:
        return False
    return item.nodeid.split("[", 1)[0] not in ONE_BACKEND


def _one_backend_message(item: pytest.Item, what: str) -> str:
    return (
        f"{item.nodeid} {what} but runs on one back end: take the `store`, `store_url` "
        "or `backend` fixture (a world built once per module and back end: "
        "tests.demo_worlds), or say in tests/conftest.py ONE_BACKEND why it cannot run on both"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _DATABASES.urls.clear()
    asked = DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    if asked and _one_backend(item):
        pytest.fail(_one_backend_message(item, f"asks for {', '.join(sorted(asked))}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test under ``BOTH_BACKENDS`` that used a database (in its setup or its
    body) and is not parametrised by ``backend`` fails, unless ``ONE_BACKEND``
    says why it cannot be; so does a test's PostgreSQL case (``backend``
    "postgresql") that connected to SQLite databases only."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or not report.passed or not _DATABASES.urls:
        return
    used = ", ".join(sorted(_DATABASES.urls))
    if _one_backend(item):
        report.outcome = "failed"
        report.longrepr = _one_backend_message(item, f"used a database ({used})")
    elif _postgresql_unused(item):
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} runs as the PostgreSQL case but opened only SQLite ({used}): "
            "open the database of the `store` or `store_url` fixture (or one made on the "
            "`postgres` server), not a file of the test's own"
        )


def _postgresql_unused(item: pytest.Item) -> bool:
    """Whether ``item``, parametrised with ``backend`` "postgresql", connected to
    databases (recorded in ``_DATABASES``) none of which is PostgreSQL: such a test
    passed as the PostgreSQL case of a test while it ran on SQLite only."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or callspec.params.get("backend") != "postgresql":
        return False
    return not any(url.startswith("postgresql") for url in _DATABASES.urls)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The Spark tests first, in their order: with ``--dist worksteal`` the first
    worker takes the front of the list, so one process (one JVM, compiled once)
    runs them all while the other works through the rest, and the longest tests
    start early instead of ending a run alone."""
    items.sort(key=lambda item: item.get_closest_marker("spark") is None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    try:
        folder = Path(str(metafunc.definition.path)).resolve().relative_to(_TESTS).parts[0]
    except ValueError:
        folder = ""
    params = [pytest.param("sqlite", id="sqlite")]
    if folder in BOTH_BACKENDS:
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    metafunc.parametrize("backend", params, indirect=True)


def _unavailable(reason: str) -> None:
    """In CI a missing server fails the test; locally it is skipped with the reason."""
    if in_ci():
        pytest.fail(f"PostgreSQL needed in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str]:
    """One throwaway PostgreSQL per test session (per xdist worker), or why there is none."""
    try:
        server = start_postgres()
    except Unavailable as exc:
        yield str(exc)
        return
    yield server
    server.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def postgres(postgres_server: PostgresServer | str) -> PostgresServer:
    if isinstance(postgres_server, str):
        _unavailable(postgres_server)
    assert isinstance(postgres_server, PostgresServer)
    return postgres_server


_TEMPLATE: list[Path] = []


def _sqlite_template(factory: pytest.TempPathFactory) -> Path:
    if not _TEMPLATE:
        path = factory.mktemp("template") / "template.sqlite"
        open_store(path).close()
        # the session's, not the test's that happened to ask first (the guard on
        # tests that run on one back end would count it as theirs)
        _DATABASES.urls.discard(f"sqlite:///{path}")
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema, migrated once per test session (per
    xdist worker): a fresh database is a copy of it, as on PostgreSQL (where
    ``new_database`` gives a database holding what a migrated template holds), instead
    of every migration run again for each of the hundreds of tests that open a store."""
    return _sqlite_template(tmp_path_factory)


# the modules that test the migrations themselves: a new database migrates there
REAL_MIGRATIONS = frozenset({"test_migrations.py"})


@pytest.fixture(autouse=True)
def _new_sqlite_files_copy_the_template(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new SQLite file that a test's own process opens (a command run in process,
    ``open_store`` on a new path) starts as a copy of ``sqlite_template`` instead of
    running every migration again: 0.03 s instead of 0.5 s (1.2 s under load), some
    hundred times in a run. The store still sees a database it created (a failed
    first import removes the file); the migrations themselves run for the template,
    in tests/store/test_migrations.py (the schema they build is the models', on both back
    ends), and in every command a test runs in a child process."""
    if request.path.name in REAL_MIGRATIONS:
        return
    from weakties.store import engine

    template = _sqlite_template(request.getfixturevalue("tmp_path_factory"))
    original = engine._sqlite_target

    def copied(path: Path, explicit: bool) -> tuple[str, bool, bool]:
        url, read_only, created = original(path, explicit)
        if created:
            copy_sqlite(template, path)
        return url, read_only, created

    monkeypatch.setattr(engine, "_sqlite_target", copied)


@pytest.fixture
def store_url(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh database at the newest schema on ``backend``."""
    if backend == "sqlite":
        copy_sqlite(request.getfixturevalue("sqlite_template"), db_path)
        yield f"sqlite:///{db_path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.new_database()
    yield url
    server.drop(url)


@pytest.fixture(scope="session")
def demo_worlds(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Demo databases built once per test process and back end (``tests.demo_worlds``)."""
    from tests.demo_worlds import DemoWorlds

    return DemoWorlds(tmp_path_factory.mktemp("demo-worlds"))


@pytest.fixture(scope="module")
def per_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """What a module makes once per back end, closed at its end (``tests.demo_worlds``)."""
    from tests.demo_worlds import PerBackend

    made = PerBackend(tmp_path_factory.mktemp("per-backend"))
    yield made
    made.close()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own database or member setting."""
    monkeypatch.delenv("WEAKTIES_DB", raising=False)
    monkeypatch.delenv("WEAKTIES_MEMBER", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "weakties.sqlite"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


ARTIFACTS = _TESTS / "artifacts"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (headless), one per test session.

    Playwright's own browser download is never used: ``executable_path`` points
    at the system package, installed in CI when missing.
    """
    try:
        executable = ensure_chromium()
        from playwright.sync_api import sync_playwright
    except (Unavailable, ImportError) as exc:
        if in_ci():
            pytest.fail(f"Chromium needed in CI: {exc}")
        pytest.skip(str(exc))
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def artifacts() -> Path:
    """Where browser tests write their screenshots (ignored by git, kept after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def samples() -> Path:
    """The pseudonymised real LinkedIn exports of ../shared/data (skipped if absent)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"real LinkedIn samples not available at {SAMPLES} (a clone without ../shared)")
    return SAMPLES


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data not available at {SHARED}")
    return SHARED
