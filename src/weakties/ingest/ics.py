"""Meetings from iCalendar files (``.ics``): who met whom, when, in how large a group.

Each event (``VEVENT``) with a start, an ``ORGANIZER`` and at least one other
``ATTENDEE`` becomes one ``meeting`` interaction from the organizer to each
attendee, with ``group_size`` the number of attendees other than the organizer —
a one-to-one meeting weighs most in tie strength, and this field says which ones
were. People are matched by the ``mailto:`` address and named by ``CN``, like
e-mail correspondents (:mod:`weakties.ingest.mbox`).

Skipped and counted:

- ``STATUS:CANCELLED`` events (``cancelled``), and cancelled instances of a series;
- attendees who declined (``PARTSTAT=DECLINED``) and rooms or resources
  (``CUTYPE=ROOM|RESOURCE``);
- an event with an organizer and no other attendee: a personal calendar entry
  (``personal entry``); an event whose every attendee declined (``no attendee left``);
  an event without organizer or start.

Recurring events (``RRULE``, ``RDATE``, ``EXDATE``) are expanded up to the import
date and over the last 10 years only, keeping at most the 500 most recent
occurrences per event (``occurrences over the cap`` counts the others; generating
stops after 100,000 raw occurrences). A modified instance (``RECURRENCE-ID``)
replaces the series' occurrence it names. Single events are kept whatever their
date, one meeting per UID: an event moved to another time and exported again is
the same meeting (it keeps the time it was first imported with), not a second one.
Times are converted to naive UTC: zoned times through their ``VTIMEZONE`` or
IANA name, UTC times as they are, floating times (and unknown zones) taken as UTC;
an all-day event starts at midnight UTC of its date.

The file is streamed: it is cut into events while reading, each event is parsed by
``vobject`` alone, descriptions and attachments are dropped unread, so memory is
bounded by the largest event. Summaries are stored only with ``keep_content``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import vobject

from weakties.ingest.batch import chunked
from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.dates import check_plausible
from weakties.ingest.mbox import AddressBook, digest, naive_utc
from weakties.ingest.run import ImportSummary, Job, Progress, SelfInfo, execute
from weakties.ingest.sources import Limits, SourceFile, open_sources
from weakties.model.identity import email_key
from weakties.store import clock
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = ["MAX_OCCURRENCES", "YEARS_BACK", "Meeting", "import_ics", "read_meetings"]

MAX_OCCURRENCES = 500  # per recurring event, the most recent ones
YEARS_BACK = 10  # occurrences older than this (before the import date) are left out
MAX_STEPS = 100_000  # raw occurrences generated per event at most
MAX_LINE_CHARS = 4 * 1024 * 1024
MAX_BLOCK_CHARS = 4 * 1024 * 1024
CHUNK_EVENTS = 200
_DROPPED = {"DESCRIPTION", "ATTACH", "X-ALT-DESC", "X-MICROSOFT-CDO-ALTDESC"}
_NOT_PEOPLE = {"ROOM", "RESOURCE"}
_PREFIX = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"


# -- cutting the file into blocks ------------------------------------------------------


def _blocks(text: io.TextIOBase, origin: str) -> Iterator[tuple[str, int, str]]:
    """(``VEVENT`` or ``VTIMEZONE``, first line, text) of each top-level component.

    Components nested in an event (alarms) and bulky properties (descriptions,
    attachments) are dropped while reading.
    """
    number = 0
    stack: list[str] = []
    block: list[str] | None = None
    start = size = 0
    dropping = False
    while line := text.readline(MAX_LINE_CHARS):
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise InputError(
                "line longer than 4 MiB: not an iCalendar file", file=origin, line=number
            )
        if "\x00" in line:
            raise InputError(
                "a NUL character: this is not a text iCalendar file (corrupt or binary "
                "data); refused",
                file=origin,
                line=number,
            )
        keep = block is not None and (len(stack) == 2 or stack[1] == "VTIMEZONE")
        if line[:1] in (" ", "\t"):  # a folded continuation line
            if keep and not dropping and block is not None:
                block.append(line)
                size += len(line)
            continue
        stripped = line.strip()
        if not stripped:
            continue
        upper = stripped.upper()
        if not stack and upper != "BEGIN:VCALENDAR":
            raise InputError(
                "not an iCalendar file: BEGIN:VCALENDAR expected", file=origin, line=number
            )
        dropping = False
        if upper.startswith("BEGIN:"):
            stack.append(upper[6:].strip())
            if len(stack) == 2 and stack[1] in ("VEVENT", "VTIMEZONE"):
                block, start, size = [], number, 0
            keep = block is not None and (len(stack) == 2 or stack[1] == "VTIMEZONE")
        elif upper.startswith("END:"):
            name = upper[4:].strip()
            if not stack or stack[-1] != name:
                raise InputError(
                    f"END:{name} does not close BEGIN:{stack[-1] if stack else '-'}",
                    file=origin,
                    line=number,
                )
        else:
            dropping = upper.split(":", 1)[0].split(";", 1)[0] in _DROPPED and (
                len(stack) == 2 and stack[1] == "VEVENT"
            )
        if keep and not dropping and block is not None:
            block.append(line if line.endswith("\n") else line + "\r\n")
            size += len(line)
            if size > MAX_BLOCK_CHARS:
                raise InputError(
                    f"one {stack[1]} exceeds {MAX_BLOCK_CHARS // 2**20} MiB",
                    file=origin,
                    line=start,
                )
        if upper.startswith("END:"):
            kind = stack.pop()
            if len(stack) == 1 and block is not None:
                yield kind, start, "".join(block)
                block = None
    if stack:
        raise InputError(
            f"unexpected end of file: END:{stack[-1]} missing", file=origin, line=number
        )


@contextlib.contextmanager
def _quiet_vobject() -> Iterator[None]:
    """Silence vobject's root-logger errors about unknown time zones (taken as UTC)."""
    root = logging.getLogger()
    added = logging.NullHandler() if not root.handlers else None
    if added is not None:
        root.addHandler(added)

    def drop(record: logging.LogRecord) -> bool:
        return "vobject" not in record.pathname

    root.addFilter(drop)
    try:
        yield
    finally:
        root.removeFilter(drop)
        if added is not None:
            root.removeHandler(added)


def _parse(block: str, origin: str, line: int) -> Any:
    """A VTIMEZONE (registered with vobject as a side effect) or a VEVENT, parsed
    inside a calendar of its own so that vobject gives it its recurrence methods."""
    try:
        calendar = vobject.readOne(_PREFIX + block + "END:VCALENDAR\r\n")
        return calendar.contents.get("vevent", [calendar])[0]
    except (vobject.base.VObjectError, ValueError, TypeError, LookupError) as exc:
        at = getattr(exc, "lineNumber", None)
        where = line + at - 3 if isinstance(at, int) and at >= 3 else line
        raise InputError(f"not a valid iCalendar event: {exc}", file=origin, line=where) from exc


# -- events ---------------------------------------------------------------------------


@dataclass
class Meeting:
    """What one VEVENT says: organizer, attendees and the instances to record."""

    line: int
    uid: str
    organizer: tuple[str, str | None] | None  # (name, address)
    attendees: list[tuple[str, str | None]] = field(default_factory=list)
    # (id, when): a series' instance id is its original start; a single event's id
    # is None, so that the same event moved to another time stays one meeting
    instances: list[tuple[dt.datetime | None, dt.datetime]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reasons, counted by the importer
    subject: str | None = None


def _utc(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return naive_utc(value)
    return dt.datetime(value.year, value.month, value.day)


def _zoned(event: Any, start: dt.date | dt.datetime) -> None:
    """Give a series in a pytz zone a :mod:`zoneinfo` start instead: dateutil builds
    occurrences with ``replace``, which keeps a pytz zone's first UTC offset and
    would put half of them on the wrong side of daylight saving time."""
    zone = getattr(start, "tzinfo", None)
    name = getattr(zone, "zone", None)
    if not isinstance(start, dt.datetime) or not hasattr(zone, "localize") or not name:
        return
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
        event.contents["dtstart"][0].value = start.replace(tzinfo=ZoneInfo(name))


def _param(prop: Any, name: str) -> str:
    values = prop.params.get(name) or [""]
    return str(values[0]).strip().strip('"')


def _party(prop: Any) -> tuple[str, str | None]:
    return _param(prop, "CN"), email_key(str(prop.value or ""))


def _window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    end = dt.datetime(today.year, today.month, today.day) + dt.timedelta(days=1)
    try:
        start = end.replace(year=end.year - YEARS_BACK)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - YEARS_BACK, day=28)
    return start, end


def _expand(
    event: Any, start: dt.date | dt.datetime, window: tuple[dt.datetime, dt.datetime]
) -> tuple[list[dt.datetime], int]:
    """The occurrences of a series in the window (at most the most recent 500), and
    how many in-window occurrences the cap left out."""
    _zoned(event, start)
    rules = event.getrruleset(addRDate=True)
    low, high = window
    kept: deque[dt.datetime] = deque(maxlen=MAX_OCCURRENCES)
    seen = 0
    for step, occurrence in enumerate(rules):
        if step >= MAX_STEPS:
            break
        when = _utc(occurrence)
        if when >= high:
            break
        if when >= low:
            kept.append(when)
            seen += 1
    return list(kept), seen - len(kept)


def meeting(
    event: Any,
    line: int,
    origin: str,
    window: tuple[dt.datetime, dt.datetime],
    overrides: set[tuple[str, dt.datetime]],
) -> Meeting:
    """Read one parsed VEVENT (see the module doc for what is kept)."""
    contents = event.contents
    organizer = _party(contents["organizer"][0]) if "organizer" in contents else None
    start_prop = contents.get("dtstart")
    start = start_prop[0].value if start_prop else None
    summary = str(contents["summary"][0].value).strip() if "summary" in contents else ""
    uid = str(contents["uid"][0].value).strip() if "uid" in contents else ""
    if not uid:
        uid = "digest:" + digest(f"{start}\x1f{summary}\x1f{organizer}")
    found = Meeting(line, uid, organizer, subject=summary or None)
    status = str(contents["status"][0].value).strip().upper() if "status" in contents else ""
    if status == "CANCELLED":
        found.skipped["cancelled"] += 1
        return found
    if not isinstance(start, dt.date):
        found.skipped["no start"] += 1
        return found
    try:  # 0001 or 9999 is not a meeting (the mbox and LinkedIn readers say the same)
        check_plausible(_utc(start), str(start))
    except ValueError:
        found.skipped["implausible date"] += 1
        return found
    if organizer is None:
        found.skipped["no organizer"] += 1
        return found
    others = 0
    for prop in contents.get("attendee", []):
        name, address = _party(prop)
        if (address and address == organizer[1]) or not (address or name):
            continue
        others += 1
        if _param(prop, "CUTYPE").upper() in _NOT_PEOPLE:
            found.skipped["room or resource"] += 1
        elif _param(prop, "PARTSTAT").upper() == "DECLINED":
            found.skipped["declined attendee"] += 1
        else:
            found.attendees.append((name, address))
    if not found.attendees:
        found.skipped["personal entry" if others == 0 else "no attendee left"] += 1
        return found
    try:
        if "recurrence-id" in contents:
            instance = _utc(contents["recurrence-id"][0].value)
            if window[0] <= instance < window[1]:
                found.instances.append((instance, _utc(start)))
        elif "rrule" in contents or "rdate" in contents:
            occurrences, capped = _expand(event, start, window)
            found.instances = [(w, w) for w in occurrences if (uid, w) not in overrides]
            if capped:
                found.skipped["occurrences over the cap"] += capped
        else:
            found.instances.append((None, _utc(start)))
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(
            f"unreadable recurrence: {exc}", file=origin, line=line, field="RRULE"
        ) from exc
    return found


def _text_stream(source: SourceFile) -> io.TextIOWrapper:
    return io.TextIOWrapper(source.open(), encoding="utf-8-sig", errors="replace", newline="")


def _overrides(source: SourceFile) -> set[tuple[str, dt.datetime]]:
    """First pass: register the file's time zones and note its modified instances."""
    found: set[tuple[str, dt.datetime]] = set()
    with _text_stream(source) as text, _quiet_vobject():
        for kind, line, block in _blocks(text, source.origin):
            if kind == "VTIMEZONE":
                _parse(block, source.origin, line)
            elif "RECURRENCE-ID" in block.upper():
                event = _parse(block, source.origin, line)
                if "recurrence-id" in event.contents and "uid" in event.contents:
                    instance = _utc(event.contents["recurrence-id"][0].value)
                    found.add((str(event.contents["uid"][0].value).strip(), instance))
    return found


def read_meetings(source: SourceFile, today: dt.date) -> Iterator[Meeting]:
    """The events of an iCalendar file, streamed (two passes over the file)."""
    overrides = _overrides(source)
    window = _window(today)
    with _text_stream(source) as text, _quiet_vobject():
        for kind, line, block in _blocks(text, source.origin):
            if kind == "VEVENT":
                event = _parse(block, source.origin, line)
                yield meeting(event, line, source.origin, window, overrides)


# -- importing ----------------------------------------------------------------------------


def _record(ctx: ImportContext, book: AddressBook, found: Meeting, report: FileReport) -> None:
    report.rows += 1
    ctx.tick()
    report.skipped.update(found.skipped)
    if not found.instances or found.organizer is None:
        return
    organizer = _person(ctx, book, *found.organizer)
    attendees: list[int] = []
    for name, address in found.attendees:
        pid = _person(ctx, book, name, address)
        if pid is not None and pid != organizer and pid not in attendees:
            attendees.append(pid)
    if organizer is None or not attendees:
        report.skipped["no organizer" if organizer is None else "personal entry"] += 1
        return
    conversation = digest(found.uid)
    for instance, when in found.instances:
        for attendee in attendees:
            ctx.interaction(
                "meeting",
                organizer,
                attendee,
                when,
                key=(found.uid, instance.isoformat() if instance else "one", organizer, attendee),
                group_size=len(attendees),
                conversation=conversation,
                subject=found.subject,
                channel="calendar",
            )
            report.traces += 1


def _person(ctx: ImportContext, book: AddressBook, name: str, address: str | None) -> int | None:
    if address:
        return book.person(name, address)
    return ctx.people.resolve(full_name=name) if name else None


def _ics_job(
    source: SourceFile, me: list[str], today: dt.date
) -> Callable[[ImportContext, FileReport], str]:
    def run(ctx: ImportContext, report: FileReport) -> str:
        book = AddressBook(ctx, me)
        for chunk in chunked(read_meetings(source, today), CHUNK_EVENTS):
            book.prefetch(
                (name, address)
                for found in chunk
                for name, address in ([found.organizer] if found.organizer else [])
                + found.attendees
                if address
            )
            for found in chunk:
                _record(ctx, book, found, report)
        ctx.flush()
        return "icalendar"

    return run


def _looks_like_ics(source: SourceFile) -> bool:
    with source.open() as raw:
        head = raw.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.upper().startswith(b"BEGIN:VCALENDAR")


def import_ics(
    store: Store,
    paths: list[Path] | Path,
    member: str | None,
    *,
    me: Iterable[str] = (),
    keep_content: bool = False,
    today: dt.date | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the meetings of iCalendar files for ``member`` in one transaction.

    Parameters
    ----------
    store
        The database.
    paths
        ``.ics`` files, or folders and ZIPs holding them (a Google Calendar
        export is a ZIP of ``.ics``); there, other files are listed as unknown.
    member
        The member whose calendar this is (created on first import).
    me
        The owner's own addresses, besides the member's e-mail identities.
    keep_content
        Also store event summaries as subjects.
    today
        The import date: recurring events are expanded up to it (default: today).
    limits, progress
        ZIP safety limits; a callback hearing of rows read.

    Raises
    ------
    InputError
        A file that is not iCalendar, or an unreadable event; nothing is written.
    """
    path_list = [paths] if isinstance(paths, Path) else list(paths)
    bad = [v for v in me if not email_key(v)]
    if bad:
        raise InputError(f"--me {bad[0]!r} is not an e-mail address")
    addresses = sorted({m for m in (email_key(v) for v in me) if m})
    day = today or clock.utcnow().date()
    jobs: list[Job] = []
    others: list[FileReport] = []
    for path in path_list:
        single = path.is_file() and path.suffix.lower() != ".zip"
        for source in open_sources([path], limits):
            if _looks_like_ics(source):
                jobs.append(Job(source, "icalendar", _ics_job(source, addresses, day)))
            elif single:
                raise InputError(
                    "not an iCalendar file: BEGIN:VCALENDAR expected", file=source.origin, line=1
                )
            else:
                others.append(FileReport(source.name, None, "unknown"))
    label = ", ".join(str(p) for p in path_list)
    if not jobs:
        raise InputError("no iCalendar file found", file=label)
    return execute(
        store,
        member=member,
        jobs=jobs,
        other_files=others,
        me=SelfInfo(emails=set(addresses)),
        export_date=None,  # dated by its newest meeting
        source_kind="icalendar",
        source_label=label,
        keep_content=keep_content,
        progress=progress,
    )
