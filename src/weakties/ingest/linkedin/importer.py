"""``weakties import linkedin PATH --as MEMBER``: a LinkedIn data export into the store.

PATH is a ZIP (``Complete_LinkedInDataExport_MM-DD-YYYY.zip`` or ``Basic_…``),
an unpacked folder or single CSV files. The whole import is one transaction:
on any bad input the database is left exactly as before. Files already imported
for this member (same content hash) are skipped, so importing the same export
again changes nothing; a newer export is a diff that records events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.csvread import CsvFile, Row
from weakties.ingest.dates import zip_export_date
from weakties.ingest.linkedin import network, profile, traces
from weakties.ingest.linkedin.registry import (
    FileKind,
    classify,
    detect_version,
    kind_for_header,
)
from weakties.ingest.linkedin.selfid import detect_self
from weakties.ingest.run import ImportSummary, Job, Progress, check_owner, execute
from weakties.ingest.sheet import DATE_COLUMNS, Sheet
from weakties.ingest.sources import Limits, SourceFile, open_sources
from weakties.model.tables import Member
from weakties.store import clock
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = ["ImportSummary", "check_linkedin", "import_linkedin"]

Handler = Callable[[ImportContext, Sheet, FileReport], None]

HANDLERS: dict[str, Handler] = {
    "profile": profile.profile,
    "email_addresses": profile.email_addresses,
    "phone_numbers": profile.phone_numbers,
    "positions": profile.positions,
    "education": profile.education,
    "skills": profile.skills,
    "connections": network.connections,
    "contacts": network.contacts,
    "invitations": traces.invitations,
    "messages": traces.messages,
    "endorsements_received": lambda c, s, r: traces.endorsements(c, s, r, received=True),
    "endorsements_given": lambda c, s, r: traces.endorsements(c, s, r, received=False),
    "recommendations_received": lambda c, s, r: traces.recommendations(c, s, r, received=True),
    "recommendations_given": lambda c, s, r: traces.recommendations(c, s, r, received=False),
    "company_follows": network.company_follows,
    "member_follows": network.member_follows,
    "reactions": lambda c, s, r: traces.activity(c, s, r, kind="reaction"),
    "comments": lambda c, s, r: traces.activity(c, s, r, kind="comment"),
    "shares": lambda c, s, r: traces.activity(c, s, r, kind="share"),
}


@dataclass
class _Input:
    source: SourceFile
    kind: FileKind


def _csv(source: SourceFile, encoding: str | None) -> CsvFile:
    """A file of the export opened as CSV, its encoding given or detected."""
    if encoding is None:
        with source.open() as head:
            encoding = source.text_encoding(head.read(4))
    return CsvFile(source.open(), source.origin, encoding=encoding)


class _Sheets:
    """Opens the files of an export by kind (re-readable, one stream at a time)."""

    def __init__(self, inputs: list[_Input], encoding: str | None, date_order: str | None):
        self.inputs = inputs
        self.encoding = encoding
        self.date_order = date_order
        self._open: list[CsvFile] = []

    def open(self, item: _Input) -> Sheet:
        csv = _csv(item.source, self.encoding)
        self._open.append(csv)
        version = detect_version(
            item.kind, csv.header, item.source.origin, csv.header_line, csv.raw_header
        )

        def reread() -> Iterator[Row]:
            again = _csv(item.source, self.encoding)
            try:
                yield from again.rows()
            finally:
                again.close()

        return Sheet(csv, version, date_order=self.date_order, reread=reread)

    def first(self, kind: str) -> Sheet | None:
        for item in self.inputs:
            if item.kind.kind == kind:
                return self.open(item)
        return None

    def close(self) -> None:
        for csv in self._open:
            csv.close()
        self._open.clear()


def _classify(
    sources: list[SourceFile], encoding: str | None
) -> tuple[list[_Input], list[FileReport]]:
    inputs: list[_Input] = []
    reports: list[FileReport] = []
    for source in sources:
        found = classify(source.name)
        if found.status == "kind" and found.kind is not None:
            inputs.append(_Input(source, found.kind))
            continue
        if found.status == "unknown" and source.name.lower().endswith(".csv"):
            # A renamed file is still recognised by its header.
            try:
                with _csv(source, encoding) as csv:
                    header = csv.header
            except InputError:
                header = []
            kind = kind_for_header(header)
            if kind is not None:
                inputs.append(_Input(source, kind))
                continue
        reports.append(FileReport(source.name, None, found.status))
    _refuse_twins(inputs)
    inputs.sort(key=lambda item: (item.kind.order, item.source.name))
    return inputs, reports


def _refuse_twins(inputs: list[_Input]) -> None:
    """Two files of one export under the same name (``Connections.csv`` and
    ``sub/Connections.csv``, or a ZIP and its unpacked folder given together)
    would be merged silently: refused, naming both. Differently named files of
    one kind (the 2022 export's UTF-16 twin of the endorsements) are read both."""
    seen: dict[tuple[str, str], _Input] = {}
    for item in inputs:
        key = (item.kind.kind, PurePosixPath(item.source.name).name.lower())
        if key in seen:
            first = seen[key].source.origin
            if first == item.source.origin:  # one ZIP with two entries of one name
                raise InputError(
                    f"the archive holds {PurePosixPath(item.source.name).name} twice (two "
                    "entries of the same name), which would be merged silently; keep one",
                    file=first,
                )
            raise InputError(
                f"two {PurePosixPath(item.source.name).name} files in one import: {first!r} "
                f"and {item.source.origin!r}; import one of them (or each as its own export)",
                file=item.source.origin,
            )
        seen[key] = item


def _newest_date(sheets: _Sheets) -> tuple[dt.date, str] | None:
    """The newest date in any file of the export, and the file it is in."""
    newest: tuple[dt.date, str] | None = None
    for item in sheets.inputs:
        if item.kind.kind in ("positions", "education"):
            continue  # "Jun 2018": months of a career, not days of the export
        sheet = sheets.open(item)
        columns = sorted(DATE_COLUMNS & sheet.columns)
        for row in sheet.rows() if columns else ():
            for column in columns:
                day = sheet.date(row, column)
                if day is not None and (newest is None or day > newest[0]):
                    newest = (day, item.source.basename)
        sheets.close()
    return newest


#: how an export's date was found (the code an import's summary carries, which
#: pages word in their language) and how the record of the import says it
DATE_FOUND = {
    "given": "given when importing",
    "name": "from the name {!r}",
    "newest": "guessed from {} (its newest date)",
    "today": "today: no date in its name or its files",
}


#: rows of a file weakties does not import read for its newest date, at most
IGNORED_ROWS = 20_000


def _is_date_column(name: str) -> bool:
    return "date" in name or name in ("time", "timestamp") or name.endswith(("_on", "_at"))


def _newest_ignored(sources: list[SourceFile], encoding: str | None) -> tuple[dt.date, str] | None:
    """The newest date in the files of the export weakties does not import
    (Logins.csv, SearchQueries.csv, Learning.csv, ...), and the file it is in:
    they often hold the dates closest to the day of the export — the export
    itself is asked for after a sign-in. Their rows are read for dates only,
    and a file or a cell that cannot be read is passed over: they import
    nothing, so they refuse nothing."""
    from weakties.ingest.dates import parse_datetime

    latest = clock.utcnow().date() + dt.timedelta(days=1)
    newest: tuple[dt.date, str] | None = None
    for source in sources:
        if not source.name.lower().endswith(".csv"):
            continue
        try:
            csv = _csv(source, encoding)
        except (InputError, OSError, UnicodeError):
            continue
        try:
            columns = [c for c in csv.header if _is_date_column(c)]
            for n, row in enumerate(csv.rows() if columns else ()):
                if n >= IGNORED_ROWS:
                    break
                for column in columns:
                    text = row.get(column)
                    if not text:
                        continue
                    try:
                        day = parse_datetime(text).date()
                    except ValueError:
                        continue
                    if day <= latest and (newest is None or day > newest[0]):
                        newest = (day, source.basename)
        except (InputError, OSError, UnicodeError, ValueError):
            pass
        finally:
            csv.close()
    return newest


def _export_date(
    paths: list[Path],
    sheets: _Sheets,
    ignored: list[SourceFile] | None = None,
) -> tuple[dt.date, str, str | None]:
    """The export's date, how it was found (a key of :data:`DATE_FOUND`) and from
    what (the name, or the file whose newest date it is: a file imported, or one
    of the ``ignored`` files of the export)."""
    for path in paths:
        for part in (path.name, *path.parts):
            if found := zip_export_date(part):
                return found, "name", part
    for item in sheets.inputs:
        if found := zip_export_date(item.source.origin):
            return found, "name", item.source.origin
    newest = _newest_date(sheets)
    sheets.close()
    other = _newest_ignored(ignored or [], sheets.encoding)
    if other is not None and (newest is None or other[0] > newest[0]):
        newest = other
    if newest is not None:
        return newest[0], "newest", newest[1]
    return clock.utcnow().date(), "today", None


def check_linkedin(
    store: Store,
    paths: list[Path] | Path,
    member: str | None,
    *,
    encoding: str | None = None,
    limits: Limits | None = None,
    force: bool = False,
) -> list[str]:
    """What :func:`import_linkedin` refuses before it reads any row, checked
    without writing anything: an unsafe or corrupt ZIP (traversal, zip bomb,
    encryption), no LinkedIn file in it, a file whose header is no known version,
    an export of someone else than ``member``. Quick even for a large export (the
    headers and the few files that say whose the export is); the rows are read
    by the import. Returns the names of the files the import will read.

    Raises
    ------
    InputError
        The import's refusal, naming the file (and line) at fault.
    OwnerMismatch
        The export is someone else's (see :func:`weakties.ingest.run.check_owner`).
    """
    path_list = [paths] if isinstance(paths, Path) else list(paths)
    sources = open_sources(path_list, limits)
    inputs, _others = _classify(sources, encoding)
    if not inputs:
        raise InputError(
            "no LinkedIn export file found (expected Connections.csv, messages.csv, ...)",
            file=", ".join(str(p) for p in path_list),
        )
    sheets = _Sheets(inputs, encoding, None)
    try:
        for item in inputs:  # each header is a known version of its file
            sheets.open(item)
            sheets.close()
        me = detect_self(sheets.first)
    finally:
        sheets.close()
    if member is not None and not force:
        with store.engine.connect() as conn:
            pid = conn.execute(select(Member.person_id).where(Member.handle == member)).scalar()
            if pid is not None:
                check_owner(conn, member, pid, me)
    return [item.source.name for item in inputs]


def import_linkedin(
    store: Store,
    paths: list[Path] | Path,
    member: str | None,
    *,
    keep_content: bool = False,
    encoding: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    export_date: dt.date | None = None,
    date_order: str | None = None,
    force: bool = False,
) -> ImportSummary:
    """Import a LinkedIn export for ``member`` (created on first use).

    Parameters
    ----------
    store : Store
        The open database.
    paths : Path or list of Path
        A ZIP, a folder, or CSV files.
    member : str or None
        The handle of the member whose export this is (``--as``); ``None``:
        the database's only member.
    keep_content : bool
        Store message bodies, subjects and invitation texts (off by default).
    encoding : str, optional
        Force a text encoding (e.g. ``cp1252`` for a file re-saved by Excel).
    progress : callable, optional
        Called with ``(file name, rows done since last call)``.
    export_date : date, optional
        The day the export was made. By default it is read from the ZIP's or
        folder's name (``..._LinkedInDataExport_MM-DD-YYYY``), else guessed
        (the newest connection); a guessed date that would make this export
        older than one already imported is refused, since an older export only
        adds history and would lose this one's changes. Without a name, the
        date is the newest date found in any of its files.
    date_order : {"dmy", "mdy"}, optional
        How to read numeric dates (``04/07/2023``); by default decided per
        file from its values (see :class:`~weakties.ingest.sheet.Sheet`).
    force : bool
        Import an export whose owner differs from the member's identity.

    Raises
    ------
    InputError
        Bad input; nothing was written.
    """
    path_list = [paths] if isinstance(paths, Path) else list(paths)
    sources = open_sources(path_list, limits)
    inputs, others = _classify(sources, encoding)
    label = ", ".join(str(p) for p in path_list)
    if not inputs:
        raise InputError(
            "no LinkedIn export file found (expected Connections.csv, messages.csv, ...)",
            file=label,
        )
    if date_order not in (None, "dmy", "mdy"):
        raise InputError(f"--date-order {date_order!r}: give dmy or mdy")
    sheets = _Sheets(inputs, encoding, date_order)
    try:
        me = detect_self(sheets.first)
        sheets.close()
        how, found_in = "given", None
        if export_date is None:
            used = {id(item.source) for item in inputs}
            ignored = [s for s in sources if id(s) not in used]
            export_date, how, found_in = _export_date(path_list, sheets, ignored)
        said = DATE_FOUND[how].format(found_in)
        jobs = [Job(item.source, item.kind.kind, _runner(sheets, item)) for item in inputs]
        return execute(
            store,
            member=member,
            jobs=jobs,
            other_files=others,
            me=me,
            export_date=export_date,
            export_date_guessed=said if how in ("newest", "today") else None,
            export_date_source=said,
            export_date_how=how,
            export_date_from=found_in,
            source_kind="linkedin",
            source_label=label,
            keep_content=keep_content,
            progress=progress,
            force=force,
        )
    finally:
        sheets.close()


def _runner(sheets: _Sheets, item: _Input) -> Callable[[ImportContext, FileReport], str | None]:
    def run(ctx: ImportContext, report: FileReport) -> str | None:
        sheet = sheets.open(item)
        HANDLERS[item.kind.kind](ctx, sheet, report)
        report.read_as = sheet.detected
        sheets.close()
        return sheet.version

    return run
