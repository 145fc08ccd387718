"""A full disk during an export: one line, no partial output, nothing replaced.

The disk filling up is simulated in the process (the writer of the format
raises ENOSPC after writing part of its file): mounting a small file system
needs privileges a test does not have.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.robustness.conftest import dump, refused, run
from weakties.service import export


def _full_after_a_part(*args: object) -> None:
    """Any format's writer: part of its file (``args`` hold its path), then ENOSPC."""
    path = next(a for a in args if isinstance(a, Path))
    path.write_text("part of a file")
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("fmt", "writer", "dest"),
    [
        ("csv", "_write_csv", "out"),
        ("parquet", "_write_parquet", "out"),
        ("graphml", "_write_graph", "out.graphml"),
    ],
)
def test_a_full_disk_leaves_no_partial_export(seeded, tmp_path, monkeypatch, fmt, writer, dest):
    db, before = seeded
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.setattr(export, writer, _full_after_a_part)
    ran = run(db, "export", fmt, str(folder / dest), "--as", "me")
    refused(ran, 2, str(folder / dest), "cannot write the export", "No space left on device")
    assert list(folder.iterdir()) == []  # no partial file or folder, no temporary one
    assert dump(db) == before


def test_a_full_disk_keeps_the_older_export(seeded, tmp_path, monkeypatch):
    db, _ = seeded
    dest = tmp_path / "net.graphml"
    assert run(db, "export", "graphml", str(dest), "--as", "me").code == 0
    older = dest.read_bytes()
    monkeypatch.setattr(export, "_write_graph", _full_after_a_part)
    ran = run(db, "export", "graphml", str(dest), "--as", "me", "--replace")
    refused(ran, 2, "No space left on device")
    assert dest.read_bytes() == older
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".net")] == []
