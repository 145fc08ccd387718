"""``weakties import linkedin PATH --as MEMBER``: a LinkedIn data export into the store.

PATH is a ZIP (``Complete_LinkedInDataExport_MM-DD-YYYY.zip`` or ``Basic_…``),
an unpacked folder or single CSV files. The whole import is one transaction:
on any bad input the database is left exactly as before. Files already imported
for this member (same content hash) are skipped, so importing the same export
again changes nothing; a newer export is a diff that records events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.csvread import CsvFile
from weakties.ingest.dates import zip_export_date
from weakties.ingest.linkedin import network, profile, traces
from weakties.ingest.linkedin.registry import (
    FileKind,
    classify,
    detect_version,
    kind_for_header,
)
from weakties.ingest.linkedin.selfid import detect_self
from weakties.ingest.run import ImportSummary, Job, execute
from weakties.ingest.sheet import Sheet
from weakties.ingest.sources import Limits, SourceFile, open_sources
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = ["ImportSummary", "import_linkedin"]

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


class _Sheets:
    """Opens the files of an export by kind (re-readable, one stream at a time)."""

    def __init__(self, inputs: list[_Input], encoding: str | None):
        self.inputs = inputs
        self.encoding = encoding
        self._versions: dict[str, str] = {}
        self._open: list[CsvFile] = []

    def open(self, item: _Input) -> Sheet:
        stream = item.source.open()
        csv = CsvFile(stream, item.source.origin, encoding=self.encoding)
        self._open.append(csv)
        version = detect_version(
            item.kind, csv.header, item.source.origin, csv.header_line, csv.raw_header
        )
        return Sheet(csv, version)

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
            with source.open() as stream:
                try:
                    header = CsvFile(stream, source.origin, encoding=encoding).header
                except InputError:
                    header = []
            kind = kind_for_header(header)
            if kind is not None:
                inputs.append(_Input(source, kind))
                continue
        reports.append(FileReport(source.name, None, found.status))
    inputs.sort(key=lambda item: (item.kind.order, item.source.name))
    return inputs, reports


def _export_date(paths: list[Path], sheets: _Sheets) -> tuple[dt.date, str | None]:
    """The export's date, and how it was guessed when no name carries it (None
    when a ZIP or folder name gives it)."""
    for path in paths:
        for part in (path.name, *path.parts):
            if found := zip_export_date(part):
                return found, None
    for item in sheets.inputs:
        if found := zip_export_date(item.source.origin):
            return found, None
    if sheet := sheets.first("connections"):
        if found := network.max_connected_on(sheet):
            return found, "the newest 'Connected On' of its connections"
    return dt.datetime.now(dt.UTC).date(), "today (no date in its name or its files)"


def import_linkedin(
    store: Store,
    paths: list[Path] | Path,
    member: str,
    *,
    keep_content: bool = False,
    encoding: str | None = None,
    limits: Limits | None = None,
    progress: Callable[[str, int], None] | None = None,
    export_date: dt.date | None = None,
) -> ImportSummary:
    """Import a LinkedIn export for ``member`` (created on first use).

    Parameters
    ----------
    store : Store
        The open database.
    paths : Path or list of Path
        A ZIP, a folder, or CSV files.
    member : str
        The handle of the member whose export this is (``--as``).
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
        adds history and would lose this one's changes.

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
    sheets = _Sheets(inputs, encoding)
    try:
        me = detect_self(sheets.first)
        guessed: str | None = None
        if export_date is None:
            export_date, guessed = _export_date(path_list, sheets)
        jobs = [Job(item.source, item.kind.kind, _runner(sheets, item)) for item in inputs]
        return execute(
            store,
            member=member,
            jobs=jobs,
            other_files=others,
            me=me,
            export_date=export_date,
            export_date_guessed=guessed,
            source_kind="linkedin",
            source_label=label,
            keep_content=keep_content,
            progress=progress,
        )
    finally:
        sheets.close()


def _runner(sheets: _Sheets, item: _Input) -> Callable[[ImportContext, FileReport], str | None]:
    def run(ctx: ImportContext, report: FileReport) -> str | None:
        sheet = sheets.open(item)
        HANDLERS[item.kind.kind](ctx, sheet, report)
        return sheet.version

    return run
