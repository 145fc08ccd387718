"""Address books: vCard 2.1/3.0/4.0, Google Contacts CSV, Outlook CSV.

Every contact becomes a person (matched by LinkedIn URL, e-mail, phone, then
name) and an ``address_book`` tie with the importing member: holding someone's
details says they are known, not how well (confidence 0.5). Address-book
employers are used to match people but not recorded as positions: they go
stale silently, and a stale employer must not pass for a career move.

Formats, recognised by content whatever the file is called:

- vCard (``.vcf``), parsed by ``vobject`` (quoted-printable 2.1 lines included);
  LinkedIn profile URLs come from ``URL`` or ``X-SOCIALPROFILE``;
- Google CSV, current (``First Name``, ``E-mail 1 - Value``, ``Organization Name``)
  and legacy (``Given Name``, ``Family Name``, ``Organization 1 - Name``); cells
  holding several values join them with `` ::: ``;
- Outlook CSV, desktop and outlook.com (``E-mail Address``, ``Mobile Phone``,
  ``Company``, ``Job Title``; outlook.com writes a UTF-8 BOM). Outlook's
  ``Title`` is an honorific (Mr., Dr.), not a job.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import vobject

from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.csvread import CsvFile, Row
from weakties.ingest.run import ImportSummary, Job, Progress, SelfInfo, execute
from weakties.ingest.sources import Limits, SourceFile, open_sources
from weakties.model.identity import email_key, linkedin_slug, phone_key
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = ["Contact", "import_contacts", "read_csv_contacts", "read_vcards"]

MAX_VCARD_BYTES = 512 * 1024 * 1024
MAX_LINE_CHARS = 4 * 1024 * 1024  # as for CSV, iCalendar and mbox
MAX_CARD_CHARS = 4 * 1024 * 1024  # what is kept of one card
_MULTI = re.compile(r"\s*:::\s*|\s*[;,]\s*")


@dataclass
class Contact:
    line: int
    first: str | None = None
    last: str | None = None
    full: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    company: str | None = None
    title: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.first or self.last or self.full or self.emails or self.phones or self.slugs
        )


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v)
    return str(value or "").strip()


# What a contact is made of; every other property (photos, notes, keys, sounds)
# is dropped while reading, so that a card's size stays that of its names.
_KEPT = {"BEGIN", "END", "VERSION", "N", "FN", "EMAIL", "TEL", "URL", "X-SOCIALPROFILE"}
_KEPT |= {"ORG", "TITLE"}


def _property(line: str) -> tuple[str, str, str]:
    """(name without its group, parameters, value) of a property's first line."""
    head, _, value = line.partition(":")
    name, _, params = head.partition(";")
    return name.rsplit(".", 1)[-1].strip().upper(), params.upper(), value.strip()


def _cards(text: io.TextIOBase, origin: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each card of a vCard file, read line by line.

    A line is read at most :data:`MAX_LINE_CHARS` at a time (a longer one is
    refused, never loaded), the properties weakties does not use are dropped as
    they are read, and a card that still exceeds :data:`MAX_CARD_CHARS` is
    refused: memory stays bounded whatever the file's size.
    """
    number = depth = start = size = 0
    block: list[str] = []
    keep = soft_break = False  # soft_break: a quoted-printable line ending in "="
    while line := text.readline(MAX_LINE_CHARS):
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise InputError(
                f"line longer than {MAX_LINE_CHARS // 2**20} MiB: not a vCard file",
                file=origin,
                line=number,
            )
        if "\x00" in line:
            raise InputError(
                "a NUL character: this is not a text vCard file (corrupt or binary data); refused",
                file=origin,
                line=number,
            )
        if soft_break or line[:1] in (" ", "\t"):  # the property goes on
            soft_break = soft_break and line.rstrip("\r\n").endswith("=")
        else:
            stripped = line.strip()
            if not stripped:
                keep = False
                continue
            name, params, value = _property(stripped)
            soft_break = "QUOTED-PRINTABLE" in params and stripped.endswith("=")
            if name == "BEGIN" and value.upper() == "VCARD":
                depth += 1
                if depth == 1:
                    block, start, size = [], number, 0
            elif depth == 0:
                raise InputError("not a vCard file: BEGIN:VCARD expected", file=origin, line=number)
            keep = depth == 1 and name in _KEPT
            if name == "END" and value.upper() == "VCARD":
                depth -= 1
                if depth == 0:
                    block.append(line)
                    yield start, "".join(block)
                    block = []
                    continue
        if keep:
            block.append(line)
            size += len(line)
            if size > MAX_CARD_CHARS:
                raise InputError(
                    f"one card exceeds {MAX_CARD_CHARS // 2**20} MiB", file=origin, line=start
                )
    if depth:
        raise InputError("unexpected end of file: END:VCARD missing", file=origin, line=number)


def read_vcards(stream: io.TextIOBase, origin: str) -> Iterator[Contact]:
    """Contacts of a vCard file, streamed card by card (vCard 2.1, 3.0 and 4.0)."""
    for start, block in _cards(stream, origin):
        try:
            card = vobject.readOne(block, allowQP=True, ignoreUnreadable=False)
        except vobject.base.VObjectError as exc:
            where = getattr(exc, "lineNumber", None)
            raise InputError(
                f"not a valid vCard: {exc}",
                file=origin,
                line=start + where - 1 if isinstance(where, int) else start,
            ) from exc
        contact = Contact(line=start)
        for child in card.getChildren():
            name = child.name.upper()
            value = child.value
            if name == "N" and hasattr(value, "given"):
                contact.first = _text(value.given) or None
                contact.last = _text(value.family) or None
            elif name == "FN":
                contact.full = _text(value) or None
            elif name == "EMAIL" and (mail := email_key(_text(value))):
                contact.emails.append(mail)
            elif name == "TEL" and (phone := phone_key(_text(value).removeprefix("tel:"))):
                contact.phones.append(phone)
            elif name in ("URL", "X-SOCIALPROFILE") and (slug := linkedin_slug(_text(value))):
                contact.slugs.append(slug)
            elif name == "ORG":
                contact.company = (value[0] if isinstance(value, list) else _text(value)) or None
            elif name == "TITLE":
                contact.title = _text(value) or None
            if "\x00" in str(value):  # decoded from quoted-printable "=00" or base64
                raise InputError(
                    "a NUL character in a decoded value: corrupt data; refused",
                    file=origin,
                    line=start,
                    field=name,
                )
        yield contact


def _columns(header: list[str], pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [h for h in header if rx.fullmatch(h)]


@dataclass(frozen=True)
class CsvLayout:
    """Which columns of an address-book CSV hold what."""

    version: str
    first: list[str]
    last: list[str]
    full: list[str]
    emails: list[str]
    phones: list[str]
    sites: list[str]
    company: list[str]
    title: list[str]


def csv_layout(header: list[str]) -> CsvLayout | None:
    """Recognise Google (current, legacy) or Outlook (desktop, outlook.com) headers."""
    present = set(header)
    if (
        "e_mail_1_value" in present
        or "organization_1_name" in present
        or ("organization_name" in present and "first_name" in present)
    ):
        version = "google-legacy" if "given_name" in present else "google"
        return CsvLayout(
            version,
            first=[c for c in ("first_name", "given_name") if c in present],
            last=[c for c in ("last_name", "family_name") if c in present],
            full=[c for c in ("name", "file_as") if c in present],
            emails=_columns(header, r"e_mail_\d+_value"),
            phones=_columns(header, r"phone_\d+_value"),
            sites=_columns(header, r"website_\d+_value"),
            company=[c for c in ("organization_name", "organization_1_name") if c in present],
            title=[c for c in ("organization_title", "organization_1_title") if c in present],
        )
    if "e_mail_address" in present or "job_title" in present:
        version = "outlook-desktop" if "e_mail_display_name" in present else "outlook"
        return CsvLayout(
            version,
            first=[c for c in ("first_name",) if c in present],
            last=[c for c in ("last_name",) if c in present],
            full=[c for c in ("display_name", "name") if c in present],
            emails=_columns(header, r"e_mail(_\d)?_address"),
            phones=_columns(header, r"(\w+_)?phone(_\d)?"),
            sites=_columns(header, r"web_page|personal_web_page"),
            company=[c for c in ("company",) if c in present],
            title=[c for c in ("job_title",) if c in present],
        )
    return None


def read_csv_contacts(csv: CsvFile, layout: CsvLayout) -> Iterator[Contact]:
    for row in csv.rows():

        def first_of(columns: list[str], row: Row = row) -> str | None:
            return next((row.get(c) for c in columns if row.get(c)), None)

        def all_of(columns: list[str], row: Row = row) -> list[str]:
            return [v for c in columns for v in _MULTI.split(row.get(c)) if v]

        yield Contact(
            line=row.line,
            first=first_of(layout.first),
            last=first_of(layout.last),
            full=first_of(layout.full),
            emails=[m for m in (email_key(v) for v in all_of(layout.emails)) if m],
            phones=[p for p in (phone_key(v) for v in row_values(row, layout.phones)) if p],
            slugs=[s for s in (linkedin_slug(v) for v in all_of(layout.sites)) if s],
            company=first_of(layout.company),
            title=first_of(layout.title),
        )


def row_values(row: Row, columns: list[str]) -> list[str]:
    """Phone cells: split on ' ::: ' only (a comma or semicolon may be part of a number)."""
    return [v for c in columns for v in re.split(r"\s*:::\s*", row.get(c)) if v]


def _record(ctx: ImportContext, contacts: Iterator[Contact], report: FileReport) -> None:
    for contact in contacts:
        report.rows += 1
        ctx.tick()
        if contact.empty:
            report.skipped["empty contact"] += 1
            continue
        pid = ctx.people.resolve(
            contact.first,
            contact.last,
            full_name=contact.full if not (contact.first or contact.last) else None,
            slug=contact.slugs[0] if contact.slugs else None,
            emails=contact.emails,
            phones=contact.phones,
            company=contact.company,
        )
        if pid is None or pid == ctx.self_pid:
            report.skipped["yourself" if pid == ctx.self_pid else "no usable name"] += 1
            continue
        for slug in contact.slugs[1:]:
            ctx.people.add_identity(pid, "linkedin", slug)
        ctx.tie(pid, "address_book", None, confidence=0.5)
        report.traces += 1


def _vcard_job(source: SourceFile) -> Callable[[ImportContext, FileReport], str | None]:
    def run(ctx: ImportContext, report: FileReport) -> str | None:
        if source.size > MAX_VCARD_BYTES:
            raise InputError(
                f"vCard file over {MAX_VCARD_BYTES // (1024 * 1024)} MiB; split it",
                file=source.origin,
            )
        with source.open() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            _record(ctx, read_vcards(text, source.origin), report)
        return "vcard"

    return run


def _csv_job(
    source: SourceFile, encoding: str | None, expected: str
) -> Callable[[ImportContext, FileReport], str | None]:
    def run(ctx: ImportContext, report: FileReport) -> str | None:
        with source.open() as raw:
            csv = CsvFile(raw, source.origin, encoding=encoding)
            layout = csv_layout(csv.header)
            if layout is None or (expected != "auto" and not layout.version.startswith(expected)):
                want = {"google": "a Google Contacts", "outlook": "an Outlook"}.get(
                    expected, "an address-book"
                )
                raise InputError(
                    f"not {want} CSV: the header has none of the expected columns "
                    "(E-mail 1 - Value, E-mail Address, First Name, Company...)",
                    file=source.origin,
                    line=csv.header_line,
                )
            _record(ctx, read_csv_contacts(csv, layout), report)
            return layout.version

    return run


def _is_vcard(source: SourceFile) -> bool:
    if source.name.lower().endswith((".vcf", ".vcard")):
        return True
    with source.open() as raw:
        return b"BEGIN:VCARD" in raw.read(4096).upper()


def import_contacts(
    store: Store,
    paths: list[Path] | Path,
    member: str | None,
    *,
    fmt: str = "auto",
    encoding: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import address-book files for ``member`` in one transaction.

    ``fmt`` is ``vcard``, ``google_csv``, ``outlook_csv`` or ``auto``.
    """
    path_list = [paths] if isinstance(paths, Path) else list(paths)
    jobs: list[Job] = []
    others: list[FileReport] = []
    for source in open_sources(path_list, limits):
        vcard = _is_vcard(source)
        if fmt == "vcard" or (fmt == "auto" and vcard):
            if not vcard:
                raise InputError("not a vCard file (no BEGIN:VCARD)", file=source.origin, line=1)
            jobs.append(Job(source, "vcard", _vcard_job(source)))
        elif source.name.lower().endswith((".csv", ".txt")) or fmt != "auto":
            expected = {"google_csv": "google", "outlook_csv": "outlook"}.get(fmt, "auto")
            jobs.append(Job(source, "contacts_csv", _csv_job(source, encoding, expected)))
        else:
            others.append(FileReport(source.name, None, "unknown"))
    label = ", ".join(str(p) for p in path_list)
    if not jobs:
        raise InputError("no address-book file found (.vcf or contacts .csv)", file=label)
    return execute(
        store,
        member=member,
        jobs=jobs,
        other_files=others,
        me=SelfInfo(),
        export_date=None,  # dated by its newest record
        source_kind=f"contacts:{fmt}",
        source_label=label,
        progress=progress,
    )
