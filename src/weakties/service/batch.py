"""Batch results served to members, or the embedded computation when they may not be.

The nightly batch (:mod:`weakties.scale`) writes everyone's people-you-may-know
into a results folder; the server reads the viewer's rows from the run that
``CURRENT.json`` names and says when that run was made. It computes the
suggestions now instead (embedded, :func:`weakties.service.opportunities.suggest`)
and says why when:

- no folder is configured, or no complete run has written suggestions yet;
- the run was computed from more than the viewer may see: a run is served to a
  member only when its source export was that member's own, or the shared view
  (what every member may see) and the member shares by name (their own data is
  then in it), or the operator's whole database when every member shares by
  name (the whole database is then the shared view);
- the viewer's own network changed since the export the run read (a tie made,
  recorded or ended, an import finished): their suggestions must see it.

Served rows are filtered again through the viewer's reader: a candidate the
viewer may not name, or is already connected to, is left out.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from weakties.service.context import Viewer, person_of
from weakties.service.opportunities import Suggestion, suggest
from weakties.service.social import hidden_people
from weakties.store.read_export import ExportReader

__all__ = ["ServedSuggestions", "batch_suggestions"]


@dataclass(frozen=True, slots=True)
class ServedSuggestions:
    """People the viewer may know, and where the list comes from."""

    viewer: str
    source: str  # "batch" or "embedded"
    computed_at: str  # when the list was computed (the batch run's end, or now)
    run: str | None
    note: str
    suggestions: list[Suggestion]


def _reader(conn: Connection, who: Viewer) -> ExportReader:
    return ExportReader(conn, who.scope, now=who.now, clock=who.clock)


def _why_not(r: ExportReader, who: Viewer, entry: dict[str, Any]) -> str | None:
    """None when the run may be served to ``who``, else why not."""
    levels = r.sharing_levels()
    mine = levels.get(who.member_id or -1)
    source = entry.get("source_viewer")
    if entry.get("source_operator"):
        if any(level != "names" for level in levels.values()):
            return "the batch run read the whole database and some members do not share by name"
    elif source == "every member":
        if mine != "names":
            return "the batch run read what every member may see, and you do not share by name"
    elif source != who.handle:
        return "the batch run was computed for another member"
    exported = entry.get("exported_at")
    if exported:
        since = dt.datetime.fromisoformat(exported).replace(tzinfo=None)
        if r.own_changes_since(since):
            return "your network changed since the batch run"
    return None


def _rows(folder: Path, person: int) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    data = ds.dataset(str(folder), format="parquet")
    table = data.to_table(filter=ds.field("person") == person)
    return sorted(table.to_pylist(), key=lambda row: int(row["rank"]))


def batch_suggestions(
    conn: Connection,
    who: Viewer,
    results: str | os.PathLike[str] | None,
    *,
    top: int = 10,
) -> ServedSuggestions:
    """The viewer's suggestions from the batch run in ``results`` when it may be
    served to them (see the module doc), else computed now."""
    from weakties.scale import runs

    me = person_of(who)
    now = who.clock.isoformat(timespec="seconds")
    entry = None
    why = "no batch results are configured"
    if results is not None:
        state = runs.current(results)
        entry = (state or {}).get("results", {}).get("suggest")
        why = "no batch run has computed suggestions yet"
    r = _reader(conn, who)
    hidden = hidden_people(conn, who)  # a block either way, a suspended member
    if entry is not None:
        refused = _why_not(r, who, entry)
        if refused is None:
            try:
                rows = _rows(runs.run_folder(Path(results or ""), entry["run"]) / "suggest", me)
            except ImportError:
                refused = "reading batch results needs pyarrow: pip install 'weakties[export]'"
            else:
                rows = [row for row in rows if int(row["candidate"]) not in hidden]
                return _served(r, who, entry, rows, top)
        why = refused
    found = suggest(conn, who, top=top + len(hidden))
    embedded = [s for s in found if s.id not in hidden][:top]
    return ServedSuggestions(who.label, "embedded", now, None, f"computed now: {why}", embedded)


# What a batch run ranks with (weakties.scale.batch.MODELS says it in each run's
# manifest): the same words, without loading Spark's modules to serve a page.
_RANKER = (
    "the batch's heuristic (shared contacts and places), less precise than the ranker "
    "fitted on your own history that `weakties suggest` uses when your history allows one"
)
_FITTED = "the ranker fitted on your own history to {date}, as `weakties suggest` ranks"


def _served(
    r: ExportReader, who: Viewer, entry: dict[str, Any], rows: list[dict[str, Any]], top: int
) -> ServedSuggestions:
    known = r.first_degree()
    ids = [int(row["candidate"]) for row in rows if int(row["candidate"]) not in known]
    allowed = set(r.keep_visible(ids))
    kept = [row for row in rows if int(row["candidate"]) in allowed][:top]
    names = r.names([int(row["candidate"]) for row in kept])
    out = []
    for row in kept:
        pid, mutual = int(row["candidate"]), int(row["mutual"])
        why = (
            f"{mutual} mutual contact{'s' if mutual != 1 else ''}"
            if mutual
            else "shared places, or three steps away through your contacts' contacts"
        )
        out.append(Suggestion(pid, names.get(pid), round(float(row["score"]), 4), mutual, why))
    finished = str(entry["finished_at"])
    # a run of the member's own export ranks with their fitted ranker when one served
    ranker = _RANKER if not entry.get("ranker") else _FITTED.format(date=entry["ranker"])
    return ServedSuggestions(
        who.label,
        "batch",
        finished,
        str(entry["run"]),
        f"from the batch run of {finished[:10]} (data as of {str(entry['as_of'])[:10]}), "
        f"ranked by {ranker}",
        out,
    )
