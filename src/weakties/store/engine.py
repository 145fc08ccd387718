"""Opening a store: the database URL, the engine, sessions and migrations.

The database is found in this order: an explicit ``--db`` (a path or a
SQLAlchemy URL), the ``WEAKTIES_DB`` environment variable, then
``weakties.sqlite`` in the user's data directory (``platformdirs``). Opening a
store brings its schema to the newest Alembic revision.

Concurrent use (SQLite): the database is in WAL mode, so readers never wait for
a writer. Writers take the database's single write lock when they first write
(``BEGIN IMMEDIATE``); a second writer waits for it, saying once what it waits
for (the other operation, its process and how long it has been writing), for
up to ``WEAKTIES_WAIT`` seconds (default 300), then proceeds — or fails with
:class:`BusyError` (exit status 6) naming the other operation. On PostgreSQL
imports take an advisory lock with the same behaviour.

Database conditions become one-line :class:`~weakties.store.errors.StoreError`
messages instead of driver tracebacks: a file that is not SQLite, a damaged
file, a full disk, a read-only file or folder (opened read-only: reads work,
writes are refused), a schema written by a newer weakties, a missing folder.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from weakties.store.errors import StoreError
from weakties.store.search_ddl import connection_statements

__all__ = [
    "BusyError",
    "Store",
    "database_url",
    "default_db_path",
    "open_store",
]

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_WAIT = 300.0  # seconds a writer waits for another one (WEAKTIES_WAIT)
_POLL = 0.25  # seconds between two tries for the write lock
_BUSY_MS = 30_000  # SQLite busy timeout for everything but the first write
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# A constant of our own for pg_advisory_xact_lock: "wkt" + "imp"
_PG_LOCK = 0x776B74696D70
# Connections per process: a web worker runs up to 40 requests at once (the thread
# pool of its routes and dependencies), each holding one connection at a time, so
# 40 may be open at once; 10 of them stay open between bursts. On PostgreSQL each is
# a server process: WORKERS x 40 (+ a few) must fit in max_connections (100 by
# default, enough for two workers).
POOL_SIZE = 10
POOL_OVERFLOW = 30


class BusyError(StoreError):
    """Another operation holds the database's write lock for longer than we wait."""

    exit_code = 6


def default_db_path() -> Path:
    """``weakties.sqlite`` under the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("weakties", appauthor=False)) / "weakties.sqlite"


def database_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for ``db`` (a path or URL), ``$WEAKTIES_DB`` or the default."""
    value = str(db) if db is not None else os.environ.get("WEAKTIES_DB") or ""
    if not value:
        value = str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return f"sqlite:///{path}"


def _sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite URL (``None`` for memory, URIs and other back ends)."""
    if not url.startswith("sqlite:///"):
        return None
    rest = url.removeprefix("sqlite:///")
    if not rest or rest.startswith((":memory:", "file:")) or "?" in rest:
        return None
    return Path(rest)


def _operation() -> str:
    """What this process is doing, for the messages of the ones waiting for it."""
    program = Path(sys.argv[0]).name if sys.argv else ""
    words = ["weakties" if program in ("", "-c", "main.py", "__main__.py") else program]
    rest = iter(sys.argv[1:])
    for arg in rest:
        if len(words) >= 3:
            break
        if arg.startswith("-"):
            if len(words) > 1:
                break  # the command's own options: its name is known
            # options before the command (``--db FILE -v import …``) are skipped,
            # so that the command is named, not the program alone
            if arg == "--db":
                next(rest, None)
            continue
        words.append(arg)
    return " ".join(words)


def _wait_seconds() -> float:
    value = os.environ.get("WEAKTIES_WAIT", "").strip()
    if not value:
        return DEFAULT_WAIT
    try:
        seconds = float(value)
    except ValueError:
        raise StoreError(f"WEAKTIES_WAIT={value!r} is not a number of seconds") from None
    if not 0 <= seconds <= 86_400:
        raise StoreError(f"WEAKTIES_WAIT={value!r}: give 0 to 86400 seconds")
    return seconds


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@dataclass
class Store:
    """An open database: its engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    path: Path | None = None  # the SQLite file
    read_only: bool = False
    created: bool = False  # the file did not exist before this store was opened
    operation: str = field(default_factory=_operation)
    wait: float = DEFAULT_WAIT
    # Told once when a writer has to wait for another one (default: a log warning).
    notify: Callable[[str], None] | None = None
    _holding: set[int] = field(default_factory=set, repr=False)

    @property
    def name(self) -> str:
        return str(self.path) if self.path else self.engine.url.render_as_string()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.checked(), self.sessions.begin() as session:
            yield session

    @contextmanager
    def checked(self) -> Iterator[None]:
        """Around a transaction: a row the schema requires that is not there (or is
        there twice), read from a file that fails SQLite's own check, is a damaged
        database, said in one line (:func:`_friendly`), not a traceback. A damaged
        page can read as an empty one without any error from SQLite."""
        from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound

        try:
            yield
        except (NoResultFound, MultipleResultsFound, IntegrityError) as exc:
            damaged = self._damage()
            if damaged is None:
                raise
            raise damaged from exc

    def _damage(self) -> StoreError | None:
        """The one-line "damaged" error when the SQLite file fails ``quick_check``."""
        if self.engine.dialect.name != "sqlite":
            return None
        try:
            with self.engine.connect() as conn:
                found = [str(r) for r in conn.exec_driver_sql("PRAGMA quick_check(3)").scalars()]
        except StoreError as exc:  # the check itself met the damage (_friendly)
            return exc
        except SQLAlchemyError as exc:
            found = [str(getattr(exc, "orig", exc))]
        if found == ["ok"]:
            return None
        said = " ".join("; ".join(found).split())[:300]  # SQLite's report, on one line
        return StoreError(
            f"{self.name} is damaged ({said}); check it with "
            f"`sqlite3 {self.name} 'PRAGMA integrity_check'` and restore a backup"
        )

    def close(self) -> None:
        self.engine.dispose()

    def analyze(self) -> None:
        """After a bulk load: PostgreSQL's tables vacuumed and their planner
        statistics brought up to date (``VACUUM ANALYZE``) at once, rather than
        by autovacuum a minute or more later. Nothing on SQLite, whose planner is
        used without statistics here.

        Until then the planner knows nothing of the new rows' spread and may
        choose plans that read a whole index for one person's ties (at 10,000
        members and 1 M ties, 230 to 300 ms for a member's contacts instead of 1),
        and the search indexes still hold the new rows in their pending lists,
        which every search reads through (at 10,000 members, 6 to 15 ms for a
        common first name instead of about 1). A server pays for it on every
        page, which is what an operator who has just loaded a platform sees first.
        """
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")

    # -- schema -------------------------------------------------------------------
    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return _revision(conn)

    def head_revision(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(_alembic_config(self.url)).get_current_head()

    def _known_revisions(self) -> set[str]:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(_alembic_config(self.url))
        return {r.revision for r in script.walk_revisions()}

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (a no-op when already there).

        The "already there" check reads ``alembic_version`` and the head revision
        named in the package's migration files, without loading Alembic: it runs
        on every open.

        Raises
        ------
        StoreError
            A schema from a newer weakties, or a read-only database that needs
            an upgrade.
        """
        if _stored_revision(self.engine) == _packaged_head():
            return
        current = self.current_revision()
        head = self.head_revision()
        if current == head:
            return
        if current is not None and current not in self._known_revisions():
            raise StoreError(
                f"this database was written by a newer weakties (revision {current}); "
                f"upgrade weakties to use {self.name}"
            )
        if self.read_only:
            raise StoreError(
                f"{self.name} is read-only and its schema needs an upgrade "
                f"(revision {current} to {head}): open it once where it can be written"
            )
        from alembic import command

        cfg = _alembic_config(self.url)
        with self.write() as conn:
            # Another process may have migrated it while we waited for the lock.
            if _revision(conn) != head:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                log.info("database %s migrated to %s", self.name, head)

    # -- writing ----------------------------------------------------------------------
    @contextmanager
    def write(self, operation: str | None = None) -> Iterator[Connection]:
        """One write transaction that holds the write lock from its start.

        A long operation (an import) takes the lock before reading anything, so
        that what it read cannot change under it; another writer waits (see the
        module doc). Committed on success, rolled back on error.
        """
        if operation:
            self.operation = operation
        with self.checked(), self.engine.connect() as conn, conn.begin():
            # conn.begin() sends nothing on SQLite (the driver begins implicitly);
            # BEGIN IMMEDIATE is sent here instead, and COMMIT at the end.
            if self.engine.dialect.name == "sqlite":
                dbapi = conn.connection.dbapi_connection
                if dbapi is not None and not dbapi.in_transaction:
                    self._acquire(dbapi)
            elif self.engine.dialect.name == "postgresql":
                self._pg_acquire(conn)
            yield conn

    def _acquire(self, dbapi: Any) -> None:
        """``BEGIN IMMEDIATE``, trying again every 0.25 s for up to ``self.wait`` s."""
        started = time.monotonic()
        told = False
        dbapi.execute(f"PRAGMA busy_timeout={int(_POLL * 1000)}")
        try:
            while True:
                try:
                    dbapi.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                waited = time.monotonic() - started
                if waited >= self.wait:
                    raise BusyError(
                        f"{self.name} is busy: {self._holder()}; gave up after {waited:.0f} s "
                        "(set WEAKTIES_WAIT=SECONDS to wait longer)"
                    )
                if not told:
                    told = True
                    self._tell(f"waiting for the database: {self._holder()}…")
        finally:
            dbapi.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
        self._holding.add(id(dbapi))
        self._mark(True)

    def _pg_acquire(self, conn: Connection) -> None:
        started = time.monotonic()
        told = False
        with contextlib.suppress(SQLAlchemyError):
            conn.execute(
                text("select set_config('application_name', :name, false)"),
                {"name": self._describe()[:60]},
            )
        lock = text("select pg_try_advisory_xact_lock(:k)")
        while not conn.execute(lock, {"k": _PG_LOCK}).scalar():
            waited = time.monotonic() - started
            holder = self._pg_holder(conn)
            if waited >= self.wait:
                raise BusyError(
                    f"{self.name} is busy: {holder}; gave up after {waited:.0f} s "
                    "(set WEAKTIES_WAIT=SECONDS to wait longer)"
                )
            if not told:
                told = True
                self._tell(f"waiting for the database: {holder}…")
            time.sleep(_POLL)

    def _pg_holder(self, conn: Connection) -> str:
        """Who holds the write lock: the holder of this advisory lock only (a
        server's worker holds another, the background tasks' lock, all along).
        pg_locks shows a 64-bit key as its high 32 bits (classid) and its low 32
        bits (objid), objsubid 1."""
        row = conn.execute(
            text(
                "select a.application_name, a.pid, "
                "extract(epoch from now() - a.xact_start) from pg_locks l "
                "join pg_stat_activity a on a.pid = l.pid "
                "where l.locktype = 'advisory' and l.granted and a.pid <> pg_backend_pid() "
                "and l.database = (select oid from pg_database where datname = current_database()) "
                "and l.objsubid = 1 and l.classid::bigint = :high and l.objid::bigint = :low "
                "limit 1"
            ),
            {"high": (_PG_LOCK >> 32) & 0xFFFFFFFF, "low": _PG_LOCK & 0xFFFFFFFF},
        ).first()
        if row is None:
            return "another operation is writing"
        name, pid, seconds = row
        return (
            f"{name or 'another operation'} (server process {pid}) has been writing "
            f"for {float(seconds or 0):.0f} s"
        )

    def _describe(self) -> str:
        return f"'{self.operation}'"

    def _tell(self, message: str) -> None:
        if self.notify is not None:
            self.notify(message)
        else:
            log.warning("%s", message)

    # -- who holds the lock (SQLite): a small file next to the database -------------
    def _writer_file(self) -> Path | None:
        return self.path.with_name(self.path.name + "-writer") if self.path else None

    def _mark(self, holding: bool) -> None:
        marker = self._writer_file()
        if marker is None or self.read_only:
            return
        with contextlib.suppress(OSError):
            if holding:
                marker.write_text(
                    json.dumps(
                        {"operation": self.operation, "pid": os.getpid(), "since": time.time()}
                    )
                )
            elif marker.exists() and json.loads(marker.read_text()).get("pid") == os.getpid():
                marker.unlink()

    def _released(self, dbapi: Any) -> None:
        if id(dbapi) in self._holding:
            self._holding.discard(id(dbapi))
            if not self._holding:
                with contextlib.suppress(ValueError):
                    self._mark(False)

    def _holder(self) -> str:
        marker = self._writer_file()
        info: dict[str, Any] = {}
        if marker is not None:
            with contextlib.suppress(OSError, ValueError):
                info = json.loads(marker.read_text())
        pid = info.get("pid")
        alive = isinstance(pid, int) and pid != os.getpid() and _alive(pid)
        if not alive:
            return "another operation is writing to it"
        seconds = time.time() - float(info.get("since") or time.time())
        return f"'{info.get('operation')}' (process {pid}) has been writing for {seconds:.0f} s"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_REVISION = re.compile(r"^(down_)?revision\b[^=]*=\s*['\"]?([0-9A-Za-z_]+|None)['\"]?", re.M)


@functools.cache
def _packaged_head() -> str | None:
    """The head revision of the migrations shipped with this package, read from
    their files (the revision no other one names as its ``down_revision``): once
    per process, not at every opening of a database (some twenty files read and
    searched, 3 to 4 ms of each)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The database's ``alembic_version``, read directly (None if none or unreadable)."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("select version_num from alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


# -- SQLite connections ------------------------------------------------------------


def _sqlite_pragmas(read_only: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache: imports insert into indexes keyed by random hashes
        cursor.execute("PRAGMA cache_size=-65536")
        for statement in connection_statements():
            cursor.execute(statement)
        cursor.close()

    return on_connect


def _postgres_session(dbapi_connection: Any, _record: Any) -> None:
    """Each new PostgreSQL connection compiles no query to machine code (``jit``).

    The platform's reads are indexed and take a millisecond or a few; the
    planner's cost of some of them (an ``IN`` list of a hundred contacts over
    the tie table) passes ``jit_above_cost`` all the same, and compiling such a
    query took longer than running it: 18 ms of a 28 ms read of the ties
    between a hundred contacts and an organisation's people, at 2,000 members
    and 200,000 ties (and with inlining and optimisation, past
    ``jit_optimize_above_cost`` on a larger platform, far more). The setting is
    the session's, kept for the connection's life in the pool.

    Nor does the driver prepare a statement it has run five times (psycopg's
    ``prepare_threshold``): the server then plans such a statement once for any
    ids (a generic plan), and for the ids of a list sent as one array the
    generic plan of the second degree counted on a job search read every tie of
    the people at hand, 270-380 ms where a plan for the ids at hand takes 20.
    Statements are planned for their parameters each time, as a connection
    through a transaction-pooling bouncer needs anyway."""
    dbapi_connection.prepare_threshold = None
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def _friendly(store: Store, exc: BaseException) -> StoreError | None:
    """A one-line error for the database conditions a user can meet."""
    message = str(exc).lower()
    name = store.name
    if "file is not a database" in message or "file is encrypted" in message:
        return StoreError(f"{name} is not a weakties database (not an SQLite file)")
    if "malformed" in message or "disk image" in message:
        return StoreError(
            f"{name} is damaged ({exc}); check it with "
            f"`sqlite3 {name} 'PRAGMA integrity_check'` and restore a backup"
        )
    if "database or disk is full" in message or "no space left" in message:
        return StoreError(
            f"the disk holding {name} is full: nothing was written (the operation was "
            "rolled back); free some space and try again"
        )
    if "readonly database" in message or "read-only" in message:
        return StoreError(f"{name} is read-only: reading works, writing does not")
    if "database is locked" in message or "database is busy" in message:
        return BusyError(
            f"{name} is busy: {store._holder()} (set WEAKTIES_WAIT=SECONDS to wait longer)"
        )
    if "unable to open database file" in message:
        return StoreError(f"cannot open {name}: the file or its folder cannot be read")
    if "disk i/o error" in message:
        return StoreError(f"input/output error on {name}: nothing was written ({exc})")
    return None


def _install_sqlite_events(store: Store) -> None:
    engine = store.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _take_write_lock(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The first write of a transaction takes the lock here, with the wait and
        # message of Store._acquire, instead of the driver's silent implicit BEGIN.
        if store.read_only or not _WRITE.match(statement):
            return
        dbapi = conn.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            store._acquire(dbapi)

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        store._released(conn.connection.dbapi_connection)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        store._released(conn.connection.dbapi_connection)

    @event.listens_for(engine.pool, "reset")
    def _on_reset(dbapi: Any, _record: Any, _state: Any) -> None:
        store._released(dbapi)


def _install_error_events(store: Store) -> None:
    @event.listens_for(store.engine, "handle_error")
    def _one_line(context: Any) -> None:
        original = context.original_exception
        if isinstance(original, StoreError):
            raise original
        from sqlalchemy.exc import IntegrityError

        if isinstance(context.sqlalchemy_exception, IntegrityError):
            return
        friendly = _friendly(store, original)
        if friendly is not None:
            raise friendly from original


def _sqlite_target(path: Path, explicit: bool) -> tuple[str, bool, bool]:
    """(URL, read-only, created) for a database file, refusing what cannot work."""
    folder = path.parent
    if not path.exists():
        if not folder.is_dir():
            if explicit:
                raise StoreError(
                    f"cannot create {path}: the folder {folder} does not exist "
                    "(create it first, or give another --db)"
                )
            folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise StoreError(f"cannot create {path}: the folder {folder} is read-only")
        return f"sqlite:///{path}", False, True
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    if not os.access(path, os.R_OK):
        raise StoreError(f"cannot read {path}: permission denied")
    file_ok = os.access(path, os.W_OK)
    folder_ok = os.access(folder, os.W_OK)
    if file_ok and folder_ok:
        return f"sqlite:///{path}", False, False
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not folder_ok and not (wal.exists() and wal.stat().st_size):
        # WAL needs its -shm file beside the database, which a read-only folder
        # cannot hold; nothing can write there either, so the file cannot change.
        uri += "&immutable=1"
    return f"sqlite:///{uri}&uri=true", True, False


def open_store(db: str | os.PathLike[str] | None = None, *, upgrade: bool = True) -> Store:
    """Open (and create or migrate) the database named by ``db``.

    A database file that cannot be written (or whose folder cannot) is opened
    read-only: reads work, writes fail with a one-line :class:`StoreError`.

    Raises
    ------
    StoreError
        When the database cannot be created, opened or migrated.
    """
    explicit = db is not None or bool(os.environ.get("WEAKTIES_DB"))
    url = database_url(db)
    path = _sqlite_path(url)
    read_only = created = False
    connect_url = url
    if path is not None:
        path = path.expanduser().absolute()
        connect_url, read_only, created = _sqlite_target(path, explicit)
    if url.startswith(("postgresql", "postgres")):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise StoreError(
                "PostgreSQL needs the driver: pip install 'weakties[postgres]'"
            ) from exc
    try:
        engine = create_engine(connect_url, **_pool_options(connect_url))
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"cannot open database {url}: {exc}") from exc
    store = Store(
        url,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        path=path,
        read_only=read_only,
        created=created,
        wait=_wait_seconds(),
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(read_only))
        _install_sqlite_events(store)
    elif engine.dialect.name == "postgresql":
        from weakties.model.tables import postgres_partial_indexes

        postgres_partial_indexes()
        event.listen(engine, "connect", _postgres_session)
    _install_error_events(store)
    try:
        if upgrade:
            store.upgrade()
    except StoreError:
        store.close()
        raise
    except (SQLAlchemyError, OSError) as exc:
        store.close()
        raise StoreError(f"cannot open database {store.name}: {_first_line(exc)}") from exc
    if not read_only:
        from weakties.store import changes

        # without counters (a schema not upgraded) nothing is ever reused
        with contextlib.suppress(SQLAlchemyError, StoreError):
            changes.install(engine)
    return store


def _pool_options(url: str) -> dict[str, int]:
    """The pool's size where connections are pooled (not for SQLite in memory,
    where every connection is the one database)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import QueuePool

    parsed = make_url(url)
    dialect: Any = parsed.get_dialect()  # get_pool_class: the default dialect's, not typed
    if not issubclass(dialect.get_pool_class(parsed), QueuePool):
        return {}
    return {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}


def _first_line(exc: BaseException) -> str:
    """The driver's own words, without SQLAlchemy's statement dump and link."""
    original = getattr(exc, "orig", None) or exc
    return str(original).splitlines()[0] if str(original) else type(original).__name__


def discard_new(store: Store) -> None:
    """Remove a database file this store created when nothing was kept in it (an
    import that failed on a new database leaves no empty file behind)."""
    if not store.created or store.path is None:
        return
    try:
        with store.engine.connect() as conn:
            tables = [
                r[0]
                for r in conn.exec_driver_sql(
                    "select name from sqlite_master where type='table' "
                    "and name not like 'sqlite_%' and name <> 'alembic_version'"
                    # the change counters' one row is written by the schema itself
                    " and name <> 'change_counter'"
                    # the full-text index's own tables hold its layout even when empty
                    " and name not like 'search_%'"
                )
            ]
            for table in tables:
                if conn.exec_driver_sql(f'select 1 from "{table}" limit 1').first():
                    return
    except (SQLAlchemyError, StoreError):
        return
    store.close()
    for suffix in ("", "-wal", "-shm", "-writer"):
        with contextlib.suppress(OSError):
            store.path.with_name(store.path.name + suffix).unlink()


def rows_array(rows: Any, dtype: Any) -> Any:
    """Result rows as a 2-D numpy array (NULL -> NaN for float dtypes).

    Plain tuples first: numpy probing SQLAlchemy ``Row`` objects for the array
    protocols costs ~2 µs a row, 0.6 s for 300,000 rows.
    """
    import numpy as np

    return np.array([tuple(r) for r in rows], dtype=dtype)


def raw_rows(conn: Any, query: Any) -> list[tuple[Any, ...]]:
    """The rows of a query as the driver returns them (plain tuples, no result
    processing): for bulk numeric reads that go straight into numpy arrays."""
    result = conn.execute(query)
    try:
        cursor = result.cursor
        return list(cursor.fetchall()) if cursor is not None else []
    finally:
        result.close()
