"""Exports of the network a viewer sees: Parquet and CSV tables, GraphML and GEXF graphs.

An export holds what its viewer may list by name and nothing more (see
:mod:`weakties.store.read_export`): a member's export is their own data and
other members' as those share it by name; the operator's export (explicit:
``weakties export ... --operator``) is the whole database, for backups and
the batch pipeline (:mod:`weakties.scale`).

- ``parquet`` / ``csv``: a folder with one file per table (``person``,
  ``member``, ``organization``, ``position``, ``tie``, ``interaction``) and
  ``manifest.json`` (whose view, the data's present, row counts; for a
  member's Parquet export, ``tie_model``: their calibration or the kept fit
  that serves the present, which the batch scores with — see
  :func:`tie_model_choice`; ``ranker``: the kept fit whose ranker ranks their
  suggestions, :func:`ranker_choice`). The batch pipeline reads the Parquet folder.
- ``graphml`` / ``gexf``: one file, people as nodes (name, headline, industry,
  location, current employers) and the active ties as edges (their sources,
  earliest start, largest confidence). NetworkX reads the GraphML; Gephi opens
  the GEXF.

Nothing is half-written: the export goes to a temporary name beside the
destination and is renamed into place when complete.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from weakties.errors import InputError, WeaktiesError
from weakties.service.context import Viewer
from weakties.store.clock import utcnow
from weakties.store.read_export import EXPORT_COLUMNS, ExportReader

__all__ = [
    "FORMATS",
    "MANIFEST",
    "ExportResult",
    "export",
    "ranker_choice",
    "read_manifest",
    "tie_model_choice",
]

FORMATS = ("parquet", "csv", "graphml", "gexf")
MANIFEST = "manifest.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    viewer: str
    operator: bool
    format: str
    path: str
    tables: dict[str, int]


def _reader(conn: Connection, who: Viewer) -> ExportReader:
    return ExportReader(conn, who.scope, now=who.now, clock=who.clock)


def tie_model_choice(reader: ExportReader, who: Viewer) -> dict[str, Any] | None:
    """The model that scores the viewer's ties at the export's present, for the
    batch to score with (:mod:`weakties.scale.fitted`): the kept fit that serves
    the date or their calibration, whichever predicts their labels better — chosen here, by
    :func:`weakties.ties.strength.choose_model`, because the rule reads what an
    export never holds (the member's labels and ask outcomes a fit must have
    been made with). None for the operator and the shared view: no member, the
    priors (as ``choose_model`` decides for them too)."""
    if who.scope.member_id is None:
        return None
    from weakties.ties.strength import choose_model

    choice = choose_model(reader, who.scope.member_id, _present(who))
    calibration = json.loads(choice.prior.to_json()) if choice.calibrated else None
    fit = json.loads(choice.fitted.to_json()) if choice.fitted is not None else None
    if calibration is None and fit is None:
        return None
    return {"calibration": calibration, "fit": fit}


def ranker_choice(reader: ExportReader, who: Viewer) -> dict[str, Any] | None:
    """The member's kept fit that serves the export's present when it has a
    ranker: what ``weakties suggest`` ranks the member's suggestions with
    (:func:`weakties.ties.learned.serving_fit`, the same rule), for the batch
    to rank with (:mod:`weakties.scale.ranker`). None for the operator and the
    shared view (no member), and when no kept ranker serves: suggestions then
    fall back as the embedded engine's do."""
    if who.scope.member_id is None:
        return None
    from weakties.ties.learned import serving_fit

    fitted = serving_fit(reader, who.scope.member_id, _present(who))
    if fitted is None or fitted.pymk is None:
        return None
    found: dict[str, Any] = json.loads(fitted.to_json())
    return found


def _present(who: Viewer) -> dt.datetime:
    """The export's present as the manifest writes it (to the second)."""
    return dt.datetime.fromisoformat(who.when.isoformat(timespec="seconds"))


def _manifest(
    who: Viewer,
    counts: dict[str, int],
    fmt: str,
    tie_model: dict[str, Any] | None = None,
    ranker: dict[str, Any] | None = None,
) -> dict[str, Any]:
    scope = who.scope
    return {
        "format": f"weakties-export-{fmt}",
        "schema_version": SCHEMA_VERSION,
        "viewer": who.label,
        "operator": scope.is_operator,
        "member_id": scope.member_id,
        "members_by_name": sorted(scope.names),
        "now": who.when.isoformat(timespec="seconds"),
        # the real time (not the data's clock): changes recorded later are newer
        "exported_at": utcnow().isoformat(),
        "tables": counts,
        # what scores the viewer's ties (None: the priors): the batch applies it
        "tie_model": tie_model,
        # what ranks the viewer's suggestions (None: no fitted ranker serves)
        "ranker": ranker,
    }


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of an exported folder.

    Raises
    ------
    InputError
        When the folder holds no weakties export.
    """
    path = Path(folder) / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{folder}: not a weakties export (no {MANIFEST})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not str(data.get("format", "")).startswith("weakties-export"):
        raise InputError(f"{path}: field 'format': not a weakties export")
    return data


def export(
    conn: Connection, who: Viewer, fmt: str, dest: str | os.PathLike[str], *, replace: bool = False
) -> ExportResult:
    """Write the network ``who`` sees to ``dest`` in ``fmt`` (see the module doc).

    Raises
    ------
    InputError
        An unknown format, ``dest`` exists and ``replace`` is not given, or it
        cannot be written (a full disk, a read-only folder): nothing is left
        behind, an older export stays as it was.
    WeaktiesError
        The format's library is not installed.
    """
    if fmt not in FORMATS:
        raise InputError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    target = Path(dest)
    if target.is_symlink() or (target.exists() and not (target.is_file() or target.is_dir())):
        # a device (/dev/full), a pipe or a link would be replaced by a file
        raise InputError(
            f"{target} is not a regular file or folder: choose a file name to write",
            file=str(target),
        )
    if target.exists() and not replace:
        raise InputError(f"{target} exists: choose another destination or --replace it")
    reader = _reader(conn, who)
    tables = {name: reader.export_table(name) for name in EXPORT_COLUMNS}
    counts = {name: len(rows) for name, rows in tables.items()}
    try:
        # the batch reads Parquet: it scores with the model the viewer's ties have
        tie_model = tie_model_choice(reader, who) if fmt == "parquet" else None
        ranker = ranker_choice(reader, who) if fmt == "parquet" else None
        _write(tables, counts, who, fmt, target, tie_model, ranker)
    except OSError as exc:
        # a full disk, a folder that cannot be written: one line, and nothing left
        # behind (what was written went to a temporary file or folder, removed)
        raise InputError(
            f"cannot write the export: {exc.strerror or exc}", file=str(target)
        ) from None
    return ExportResult(who.label, who.is_operator, fmt, str(target), counts)


def _write(
    tables: dict[str, list[tuple[Any, ...]]],
    counts: dict[str, int],
    who: Viewer,
    fmt: str,
    target: Path,
    tie_model: dict[str, Any] | None = None,
    ranker: dict[str, Any] | None = None,
) -> None:
    """Write the export beside ``target``, then rename it into place whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("parquet", "csv"):
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            writer = _write_parquet if fmt == "parquet" else _write_csv
            for name, rows in tables.items():
                writer(staging / f"{name}.{fmt}", name, rows)
            (staging / MANIFEST).write_text(
                json.dumps(_manifest(who, counts, fmt, tie_model, ranker), indent=2) + "\n",
                encoding="utf-8",
            )
            _swap_in(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    else:
        graph = _graph(tables, who)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(fd)
        try:
            _write_graph(graph, Path(name), fmt)
            os.replace(name, target)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _swap_in(staging: Path, target: Path) -> None:
    """Rename a complete folder into place (an older export is removed after)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


def _arrow_schema(name: str) -> Any:
    import pyarrow as pa

    types: dict[str, Any] = {
        "id": pa.int64(),
        "person_id": pa.int64(),
        "organization_id": pa.int64(),
        "person_a_id": pa.int64(),
        "person_b_id": pa.int64(),
        "sender_id": pa.int64(),
        "recipient_id": pa.int64(),
        "asserted_by": pa.int64(),
        "group_size": pa.int32(),
        "confidence": pa.float64(),
        "is_current": pa.bool_(),
        "start_date": pa.date32(),
        "end_date": pa.date32(),
        "since": pa.timestamp("us", tz="UTC"),
        "ended_at": pa.timestamp("us", tz="UTC"),
        "occurred_at": pa.timestamp("us", tz="UTC"),
    }
    return pa.schema([(c, types.get(c, pa.string())) for c in EXPORT_COLUMNS[name]])


def _write_parquet(path: Path, name: str, rows: list[tuple[Any, ...]]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise WeaktiesError(
            "Parquet exports need pyarrow: pip install 'weakties[export]'"
        ) from None
    schema = _arrow_schema(name)
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    table = pa.table(
        [pa.array(list(col), type=field.type) for col, field in zip(columns, schema, strict=True)],
        schema=schema,
    )
    pq.write_table(table, path)


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def _write_csv(path: Path, name: str, rows: list[tuple[Any, ...]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(EXPORT_COLUMNS[name])
        for row in rows:
            out.writerow([_csv_value(v) for v in row])


def _graph(tables: dict[str, list[tuple[Any, ...]]], who: Viewer) -> Any:
    try:
        import networkx as nx
    except ImportError:
        raise WeaktiesError(
            "GraphML and GEXF exports need networkx: pip install 'weakties[export]'"
        ) from None
    orgs = {row[0]: row[1] for row in tables["organization"]}
    employers: dict[int, list[str]] = defaultdict(list)
    for _id, pid, oid, kind, _title, _start, _end, current in tables["position"]:
        if kind == "job" and current and oid in orgs and orgs[oid] not in employers[pid]:
            employers[pid].append(orgs[oid])
    graph = nx.Graph(viewer=who.label, as_of=who.when.date().isoformat())
    for pid, name, headline, location, industry in tables["person"]:
        attrs = {
            "label": name or f"#{pid}",
            "headline": headline,
            "location": location,
            "industry": industry,
            "employers": "; ".join(employers.get(pid, [])) or None,
        }
        graph.add_node(int(pid), **{k: v for k, v in attrs.items() if v is not None})
    edges: dict[tuple[int, int], dict[str, Any]] = {}
    for a, b, source, _by, since, ended, confidence in tables["tie"]:
        if ended is not None:
            continue
        edge = edges.setdefault((a, b), {"sources": set(), "since": None, "confidence": 0.0})
        edge["sources"].add(source)
        edge["confidence"] = max(edge["confidence"], float(confidence or 0.0))
        if since is not None and (edge["since"] is None or since < edge["since"]):
            edge["since"] = since
    for (a, b), edge in sorted(edges.items()):
        attrs = {
            "sources": ",".join(sorted(edge["sources"])),
            "confidence": edge["confidence"],
        }
        if edge["since"] is not None:
            attrs["since"] = edge["since"].date().isoformat()
        graph.add_edge(int(a), int(b), **attrs)
    return graph


def _write_graph(graph: Any, path: Path, fmt: str) -> None:
    import networkx as nx

    if fmt == "graphml":
        nx.write_graphml(graph, path)
    else:
        nx.write_gexf(graph, path)
