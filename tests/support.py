"""Builders shared by tests: tiny exports, ZIPs, database snapshots."""

from __future__ import annotations

import ast
import codecs
import functools
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path


def write_files(folder: Path, files: dict[str, str | bytes], *, encoding: str = "utf-8") -> Path:
    """Write an export folder; str contents are encoded (``utf-16`` adds the BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif encoding == "utf-16":
            path.write_bytes(codecs.BOM_UTF16_LE + content.encode("utf-16-le"))
        else:
            path.write_bytes(content.encode(encoding))
    return folder


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return path


PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)


def table_snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (for "nothing changed" assertions), less the
    full-text index (``search_*``), which the database keeps from those rows and
    may lay out anew when they are rewritten."""
    with sqlite3.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type='table' and name not like 'sqlite_%'"
                " and name not like 'search_%'"
            )
        ]
        return {n: sorted(conn.execute(f'select * from "{n}"').fetchall(), key=repr) for n in names}


def env_with_db(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["WEAKTIES_DB"] = str(db)
    env.pop("WEAKTIES_MEMBER", None)
    return env


def csv_text(header: list[str], rows: list[list[str]], *, newline: str = "\n") -> str:
    """A CSV in the exports' convention: comma, minimal quoting, LF."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


CONNECTIONS_2024 = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
CONNECTIONS_2018 = [
    "First Name",
    "Last Name",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
MESSAGES_2024 = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "IS MESSAGE DRAFT",
    "IS CONVERSATION DRAFT",
]
MESSAGES_2021 = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
]
INVITATIONS_2024 = [
    "From",
    "To",
    "Sent At",
    "Message",
    "Direction",
    "inviterProfileUrl",
    "inviteeProfileUrl",
]
PROFILE = [
    "First Name",
    "Last Name",
    "Maiden Name",
    "Address",
    "Birth Date",
    "Headline",
    "Summary",
    "Industry",
    "Zip Code",
    "Geo Location",
    "Twitter Handles",
    "Websites",
    "Instant Messengers",
]
POSITIONS = ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"]


def url(slug: str) -> str:
    return f"https://www.linkedin.com/in/{slug}"


def connections(rows: list[list[str]], *, version: str = "2024") -> str:
    header = CONNECTIONS_2024 if version == "2024" else CONNECTIONS_2018
    body = csv_text(header, rows)
    return body if version == "2018" else PREAMBLE + body


def profile(first: str, last: str, headline: str = "") -> str:
    return csv_text(PROFILE, [[first, last, "", "", "", headline, "", "", "", "Paris", "", "", ""]])


def viewer_of(conn, handle: str | None = None, **kwargs):
    """The service's viewer for a member (the only one when ``handle`` is None)."""
    from weakties.service import viewer

    return viewer(conn, handle, **kwargs)


def reader_of(conn, handle: str | None = None, **kwargs):
    """The scoped reader of a member, for the engines' tests."""
    from weakties.service.context import reader, viewer

    return reader(conn, viewer(conn, handle, **kwargs))


def operator_reader(conn, **kwargs):
    """The operator's reader: the whole database (evaluation-style tests)."""
    from weakties.service.context import operator, reader

    return reader(conn, operator(conn, **kwargs))


def set_sharing(conn, handle: str, level: str) -> None:
    """What a member shares with the others: nothing, counts or names."""
    from weakties.service.admin import set_sharing as set_level

    set_level(conn, viewer_of(conn, handle), level)


def copy_sqlite(source: str | Path, target: Path) -> Path:
    """A copy of a SQLite database (what its -wal file holds included), through
    SQLite's backup API: the copy is consistent even while the source is open."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def lock_holders(db: str, name: str) -> list[int]:
    """The processes holding the lock ``name`` of a database
    (:class:`weakties.store.exclusive.Exclusive`), seen from outside them: an
    SQLite file's from ``/proc/locks`` (the ``flock`` beside it), a PostgreSQL
    database's from ``pg_locks`` (the advisory lock; the holding connection's
    ``application_name`` says its process, -1 for one that does not)."""
    import re

    from sqlalchemy import text

    from weakties.store.engine import open_store
    from weakties.store.exclusive import _pg_key

    if "://" not in db or db.startswith("sqlite:///"):
        path = Path(db.removeprefix("sqlite:///"))
        lock = path.with_name(f"{path.name}-{name}.lock")
        if not lock.exists():
            return []
        inode = lock.stat().st_ino
        holders = []
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            if fields[1] == "FLOCK" and int(fields[5].rsplit(":", 1)[1]) == inode:
                holders.append(int(fields[4]))
        return holders
    key = _pg_key(name) & 0xFFFF_FFFF_FFFF_FFFF  # a bigint key: classid, then objid
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            names = conn.execute(
                text(
                    "select a.application_name from pg_locks l "
                    "join pg_stat_activity a on a.pid = l.pid "
                    "where l.locktype = 'advisory' and l.granted and l.objsubid = 1 "
                    "and l.classid::bigint = :high and l.objid::bigint = :low "
                    "and l.database = (select oid from pg_database "
                    "where datname = current_database())"
                ),
                {"high": key >> 32, "low": key & 0xFFFF_FFFF},
            ).scalars()
            named = rf"weakties {name} lock \(process (\d+)\)"
            said = [re.fullmatch(named, n or "") for n in names]
            return [int(m[1]) if m else -1 for m in said]
    finally:
        store.close()


@contextmanager
def fit_on_short_history(ties: int = 10, pymk: int = 5) -> Iterator[None]:
    """Let ``model fit`` fit the tie model and the ranker on a test world's short
    history.

    The demo worlds tests build hold far fewer distinct pairs in touch again, and
    far fewer distinct new pairs, than the measured minimums (``MIN_POSITIVES``,
    ``evaluation/min_history.py``: the 1,500-person demo has 9 distinct new
    pairs); the tests that use this are about what a fit does once made, not
    about when one may be, so they lower the minimums for their module. A test
    of a minimum itself must not."""
    import pytest

    from weakties.ties.learned import MIN_POSITIVES

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(MIN_POSITIVES, "ties", ties)
        patch.setitem(MIN_POSITIVES, "pymk", pymk)
        yield


@functools.cache
def parsed_modules(package: Path) -> tuple[tuple[str, ast.Module], ...]:
    """Every ``.py`` file under ``package`` as (path relative to it, parsed tree),
    in path order, parsed once per test process: the checks on the source
    (tests/test_import_graph.py, tests/test_clock_calls.py) only read the trees."""
    return tuple(
        (
            path.relative_to(package).as_posix(),
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path)),
        )
        for path in sorted(package.rglob("*.py"))
    )
