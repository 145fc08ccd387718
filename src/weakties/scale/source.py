"""Where the batch reads the store: a Parquet export, or PostgreSQL over JDBC.

- a folder (or ``file://`` URL) written by ``weakties export parquet``: the
  tables a viewer may see (the operator's export for the whole network), with
  the manifest that says whose view and the data's present;
- ``postgresql://user:password@host:port/database`` (or ``jdbc:postgresql://``):
  the database itself, read by Spark's JDBC source with the PostgreSQL driver
  (Debian's ``libpostgresql-jdbc-java``, or ``WEAKTIES_JDBC_JAR``). A database
  read this way is the operator's view: every row.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from weakties.errors import InputError
from weakties.store.read_export import EXPORT_COLUMNS

__all__ = ["Source", "load_source"]


@dataclass
class Source:
    """The store's tables as Spark DataFrames, and whose view they are."""

    tables: dict[str, Any]
    viewer: str
    operator: bool
    now: dt.datetime
    url: str
    members_by_name: list[int]
    exported_at: str | None = None
    #: the model that scores the viewer's ties, as the export chose it
    #: (``{"calibration": ..., "fit": ...}``, :func:`weakties.service.export.tie_model_choice`);
    #: None for the operator's view, the shared view and JDBC: the priors
    tie_model: dict[str, Any] | None = None
    #: the data's present as exported (``now`` is the run's date, which may differ)
    present: dt.datetime | None = None
    #: the member's kept fit whose ranker ``weakties suggest`` ranks with at the
    #: export's present (:func:`weakties.service.export.ranker_choice`); None:
    #: none serves (and for the operator's view, the shared view and JDBC)
    ranker: dict[str, Any] | None = None

    def __getitem__(self, name: str) -> Any:
        return self.tables[name]


def _is_jdbc(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "jdbc:postgresql://"))


def load_source(spark: Any, url: str, *, now: dt.datetime | None = None) -> Source:
    """Open the tables at ``url`` (see the module doc).

    Raises
    ------
    InputError
        When ``url`` is neither an export folder nor a PostgreSQL URL.
    """
    if _is_jdbc(url):
        return _load_jdbc(spark, url, now)
    path = unquote(urlparse(url).path) if url.startswith("file://") else url
    from weakties.service.export import read_manifest

    manifest = read_manifest(path)
    if manifest.get("format") != "weakties-export-parquet":
        raise InputError(
            f"{path}: field 'format': {manifest.get('format')!r} — the batch reads a "
            "Parquet export (weakties export parquet DEST --operator)"
        )
    tables = {}
    for name in EXPORT_COLUMNS:
        file = os.path.join(path, f"{name}.parquet")
        if not os.path.exists(file):
            raise InputError(f"{path}: the export has no {name}.parquet")
        tables[name] = spark.read.parquet(file)
    return Source(
        tables,
        str(manifest.get("viewer")),
        bool(manifest.get("operator")),
        now or dt.datetime.fromisoformat(manifest["now"]),
        url,
        [int(m) for m in manifest.get("members_by_name", [])],
        manifest.get("exported_at"),
        manifest.get("tie_model"),
        dt.datetime.fromisoformat(manifest["now"]),
        manifest.get("ranker"),
    )


def jdbc_parts(url: str) -> tuple[str, dict[str, str]]:
    """A JDBC URL and its connection properties from a PostgreSQL URL."""
    raw = url.removeprefix("jdbc:")
    parsed = urlparse(raw.replace("postgres://", "postgresql://", 1))
    if not parsed.hostname or not parsed.path.strip("/"):
        raise InputError(f"{url}: a PostgreSQL URL names a host and a database")
    port = f":{parsed.port}" if parsed.port else ""
    jdbc = f"jdbc:postgresql://{parsed.hostname}{port}{parsed.path}"
    props = {"driver": "org.postgresql.Driver"}
    if parsed.username:
        props["user"] = unquote(parsed.username)
    if parsed.password:
        props["password"] = unquote(parsed.password)
    return jdbc, props


def _load_jdbc(spark: Any, url: str, now: dt.datetime | None) -> Source:
    from weakties.scale.session import postgres_driver_jar

    if postgres_driver_jar() is None:
        raise InputError(
            "reading PostgreSQL needs its JDBC driver: apt-get install "
            "libpostgresql-jdbc-java (or set WEAKTIES_JDBC_JAR), or export the database "
            "with weakties export parquet DEST --operator and read that"
        )
    jdbc, props = jdbc_parts(url)
    tables = {}
    for name, columns in EXPORT_COLUMNS.items():
        query = f'(select {", ".join(columns)} from "{name}") as t'
        frame = spark.read.jdbc(jdbc, query, properties=props)
        tables[name] = frame
    if now is None:
        from weakties.store.clock import utcnow

        now = utcnow()
    return Source(
        tables,
        "the operator (the whole database)",
        True,
        now,
        jdbc,
        [],
        now.isoformat(timespec="seconds"),
    )
