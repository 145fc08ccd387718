"""Batch results on disk, switched atomically per run.

An output folder holds::

    runs/<run id>/ties/          Parquet, one folder per result table
    runs/<run id>/suggest/
    runs/<run id>/reach/  runs/<run id>/reach_totals/
    runs/<run id>/RUN.json       written last: the run is complete
    CURRENT.json                 which run serves each result, and when it ran

A run writes into its own folder; only when every table and ``RUN.json`` are
written is ``CURRENT.json`` replaced (a rename, atomic on one file system).
A run that fails or is killed midway leaves ``CURRENT.json`` as it was: the
previous results stay served, and the next run starts afresh under a new id.
Readers (the server) read ``CURRENT.json`` once and then only the folders it
names, which no later run touches; runs older than the previous one are
removed after a switch.

>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> current(out) is None
True
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from weakties.errors import InputError
from weakties.store import clock

__all__ = ["RESULTS", "commit", "current", "new_run", "output_path", "prune", "run_folder"]

CURRENT = "CURRENT.json"
RUN_MANIFEST = "RUN.json"
#: job -> the result tables it writes
RESULTS: dict[str, tuple[str, ...]] = {
    "ties": ("ties",),
    "suggest": ("suggest",),
    "reach": ("reach", "reach_totals"),
}


def output_path(url: str) -> Path:
    """A local folder from a path or a ``file://`` URL."""
    if "://" in url and not url.startswith("file://"):
        raise InputError(
            f"{url}: batch results are written to a local or mounted folder (path or file://)"
        )
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(url).path) if url.startswith("file://") else url)


def new_run(output: Path, now: dt.datetime | None = None) -> str:
    """A fresh run id (sortable by time) and its empty folder."""
    when = now or clock.utcnow().replace(tzinfo=dt.UTC)
    run_id = f"{when:%Y%m%dT%H%M%S.%f}-{uuid.uuid4().hex[:6]}"
    (output / "runs" / run_id).mkdir(parents=True)
    return run_id


def run_folder(output: Path, run_id: str) -> Path:
    return output / "runs" / run_id


def current(output: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The served results: ``{"results": {table: {"run": id, "finished_at": iso,
    "as_of": iso, ...}}, ...}``, or None before the first complete run."""
    path = Path(output) / CURRENT
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return data


def commit(output: Path, run_id: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """Mark a run complete and serve its tables (the other tables keep their runs)."""
    folder = run_folder(output, run_id)
    (folder / RUN_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    state = current(output) or {"results": {}}
    for table in manifest["tables"]:
        state["results"][table] = {
            "run": run_id,
            "finished_at": manifest["finished_at"],
            "as_of": manifest["as_of"],
            "source_viewer": manifest["source_viewer"],
            "source_operator": manifest["source_operator"],
            "exported_at": manifest.get("exported_at"),
            "ranker": manifest.get("ranker"),
        }
    state["updated_at"] = manifest["finished_at"]
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT.", dir=output)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(state, fh, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, output / CURRENT)
    return state


def prune(output: Path, keep: int = 1) -> list[str]:
    """Remove runs no longer served, keeping the ``keep`` newest unserved complete
    ones (a reader may still be reading them) and any run still being written
    by another process (no RUN.json, younger than a day)."""
    state = current(output) or {"results": {}}
    served = {entry["run"] for entry in state["results"].values()}
    runs = sorted((output / "runs").iterdir()) if (output / "runs").exists() else []
    removed = []
    spare = keep
    for folder in reversed(runs):
        if folder.name in served:
            continue
        complete = (folder / RUN_MANIFEST).exists()
        age = dt.datetime.now().timestamp() - folder.stat().st_mtime
        if complete and spare > 0:
            spare -= 1
            continue
        if not complete and age < 86400:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed
