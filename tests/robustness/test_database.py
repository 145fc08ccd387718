"""Database conditions a user can meet: one line each, the documented exit
status (3; 6 for a busy database), no traceback, nothing half-written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.robustness.conftest import GOOD_ROWS, dump, refused, run
from tests.support import connections, url, write_files
from weakties.store import engine


def _export(tmp_path: Path, rows: list[list[str]] | None = None) -> Path:
    return write_files(tmp_path / "export", {"Connections.csv": connections(rows or GOOD_ROWS)})


def test_not_an_sqlite_file(tmp_path):
    db = tmp_path / "notes.sqlite"
    db.write_text("these are my notes, not a database\n" * 100)
    before = db.read_bytes()
    line = refused(run(db, "people"), 3, str(db), "not a weakties database")
    assert "sqlalche.me" not in line and "Background on this error" not in line
    assert db.read_bytes() == before


def test_db_in_a_missing_folder_is_refused_not_created(tmp_path):
    db = tmp_path / "no" / "such" / "folder" / "w.sqlite"
    refused(
        run(db, "import", "linkedin", str(_export(tmp_path)), "--as", "me"), 3, "does not exist"
    )
    assert not (tmp_path / "no").exists()


def test_a_failed_import_leaves_no_database_file(tmp_path):
    db = tmp_path / "new.sqlite"
    bad = write_files(
        tmp_path / "bad", {"Connections.csv": connections([["A", "B", "", "", "", "", "soon"]])}
    )
    refused(run(db, "import", "linkedin", str(bad), "--as", "me"), 2, "Connections.csv")
    assert not any(p.name.startswith("new.sqlite") for p in tmp_path.iterdir())


def test_a_failed_import_keeps_an_existing_database(seeded, tmp_path):
    db, before = seeded
    bad = write_files(
        tmp_path / "bad", {"Connections.csv": connections([["A", "B", "", "", "", "", "soon"]])}
    )
    refused(run(db, "import", "linkedin", str(bad), "--as", "me"), 2)
    assert dump(db) == before


def test_a_schema_from_a_newer_weakties(seeded):
    db, _ = seeded
    with sqlite3.connect(db) as conn:
        conn.execute("update alembic_version set version_num = 'f00dcafe'")
    before = dump(db)
    for command in (["people"], ["db", "info"], ["import", "linkedin", "x", "--as", "me"]):
        refused(run(db, *command), 3, "written by a newer weakties (revision f00dcafe)")
    assert dump(db) == before


def test_a_damaged_page(seeded):
    db, _ = seeded
    with sqlite3.connect(db) as conn:
        page = conn.execute("pragma page_size").fetchone()[0]
        conn.execute("pragma wal_checkpoint(truncate)")
    data = bytearray(db.read_bytes())
    for offset in range(page, len(data), 7):  # every page but the schema's
        data[offset] ^= 0x5A
    db.write_bytes(bytes(data))
    line = refused(run(db, "people"), 3, str(db), "PRAGMA integrity_check", "backup")
    assert "Traceback" not in line


def test_disk_full_writes_nothing(seeded, tmp_path, monkeypatch):
    """A full disk, as SQLite sees it (``max_page_count`` reached): one line, and
    the database exactly as before."""
    db, before = seeded
    opened = engine.open_store

    def full_disk(target: str | None = None, **kwargs):
        store = opened(target, **kwargs)
        pages = sqlite3.connect(db).execute("pragma page_count").fetchone()[0]

        @event.listens_for(store.engine, "connect")
        def _cap(dbapi, _record):
            dbapi.execute(f"pragma max_page_count={pages + 1}")

        store.engine.dispose()
        return store

    monkeypatch.setattr(engine, "open_store", full_disk)
    rows = [
        [f"P{i}", f"Q{i}", url(f"p{i}"), "", f"Org {i}", "Dev", "03 Jan 2024"] for i in range(3000)
    ]
    ran = run(db, "import", "linkedin", str(_export(tmp_path, rows)), "--as", "me")
    refused(ran, 3, "is full", "nothing was written")
    assert dump(db) == before


# -- read-only files and folders: root may write anything, so the commands run
# without the capabilities that let it (setpriv), like any other user ------------


@pytest.fixture
def public_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


def _as_user(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``weakties --db DB ARGS`` in a new process that permissions apply to."""
    command = [sys.executable, "-m", "weakties.cli.main", "--db", str(db), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot apply")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    env = {k: v for k, v in os.environ.items() if k not in ("WEAKTIES_DB", "WEAKTIES_MEMBER")}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def _seed(folder: Path) -> Path:
    db = folder / "weakties.sqlite"
    export = write_files(folder / "export", {"Connections.csv": connections(GOOD_ROWS)})
    assert run(db, "import", "linkedin", str(export), "--as", "me").code == 0
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return db


def _one_line(done: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_read_only_file_reads_work_writes_fail_in_one_line(public_dir):
    db = _seed(public_dir)
    db.chmod(0o444)
    before = dump(db)
    listing = _as_user(db, "people", "--json")
    assert listing.returncode == 0, listing.stderr
    assert "Ann Lee" in listing.stdout
    export = public_dir / "export"
    _one_line(_as_user(db, "import", "linkedin", str(export), "--as", "you"), 3, "read-only")
    assert dump(db) == before


def test_read_only_folder_reads_work(public_dir):
    db = _seed(public_dir)
    db.chmod(0o666)  # the file could be written, the folder (its -wal, -shm) cannot
    public_dir.chmod(0o555)
    before = dump(db)
    files = sorted(p.name for p in public_dir.iterdir())
    listing = _as_user(db, "people", "--json")
    assert listing.returncode == 0, listing.stderr
    assert "Ann Lee" in listing.stdout
    export = public_dir / "export"
    _one_line(_as_user(db, "import", "linkedin", str(export), "--as", "you"), 3, "read-only")
    assert dump(db) == before
    assert sorted(p.name for p in public_dir.iterdir()) == files


def test_report_and_export_never_replace_a_device_a_pipe_or_a_link(seeded, tmp_path):
    """``report --html`` and ``export`` write into a temporary file renamed over the
    destination: given a pipe, a folder or a symbolic link (or /dev/full) they
    refused nothing and replaced it with a regular file. Now: one line, exit 2,
    the destination as it was."""
    import os

    db, _ = seeded
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    page = tmp_path / "page.html"
    page.write_text("mine", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(page)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (pipe, link, folder):
        refused(run(db, "report", "--html", str(target), "--as", "me"), 2, str(target))
    refused(run(db, "export", "graphml", str(pipe), "--replace"), 2, "not a regular file")
    refused(run(db, "export", "graphml", str(link), "--replace"), 2, "not a regular file")
    assert pipe.is_fifo() and link.is_symlink() and folder.is_dir()
    assert page.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report"], "Network value report"),
        (["ties"], "Ann Lee"),
        (["ties", "--explain", "Ann Lee"], "Ann Lee"),
        (["suggest"], "suggest"),
    ],
)
def test_read_only_database_reports_and_scores_without_keeping_anything(
    seeded, monkeypatch, args, said
):
    """``report``, ``ties`` (and ``--explain``) and ``suggest`` only read, yet
    failed on a read-only database ("is read-only: reading works, writing does
    not") because they keep the report's headline or a fitted model. Now they
    answer, and one note says what was not kept; ``model fit``, whose work is to
    keep, refuses in one line. The file is opened read-only by SQLite itself
    (``mode=ro``), as for a user without write access."""
    db, before = seeded
    real_access = os.access

    def access(path, mode, *rest, **kwargs):
        if mode == os.W_OK and Path(path) in (db, db.parent):
            return False
        return real_access(path, mode, *rest, **kwargs)

    monkeypatch.setattr(engine.os, "access", access)
    ran = run(db, *args)
    assert ran.code == 0, (args, ran.err)
    assert said in ran.out
    notes = [x for x in ran.err.splitlines() if "read-only" in x]
    assert len(notes) == 1 and "error" not in ran.err, ran.err
    if args == ["report"]:
        assert "not remembered" in notes[0]
    else:
        refused(run(db, "model", "fit"), 3, "read-only")
    assert dump(db) == before
