"""Generic delimited files: interaction logs and tie lists named by their own identifiers.

``weakties import interactions FILE --sender COL --recipient COL --timestamp COL``
reads any log of who messaged whom when (SNAP's ``CollegeMsg.txt``, a chat or ticket
export); ``weakties import ties FILE --a COL --b COL`` reads a list of pairs.

**People** are named by the file's own values. Each distinct value becomes a person
shown under that value, with an identity of kind ``external`` whose value is the
identifier as written (``NS:value`` with ``--namespace NS``, so that two systems'
"17" stay two people) and whose ``raw`` is the identifier without the namespace. A
value already known as an ``external`` identity is that person; a value that is an
e-mail address is also matched to the person with that address (and gains it when
new). Persons are not matched by name. They are recorded as known to the importing
member, who is only the provenance of the data: no tie links the member to them.

**The file** is delimited text, with or without a header. The delimiter is
detected among tab, comma, semicolon (quoted fields allowed) and runs of
whitespace, from the first 20 lines; ``--delimiter`` overrides it (a character,
``tab``, or ``space`` / ``whitespace`` for runs of blanks). Leading lines starting
with ``#`` or ``%`` are comments (SNAP, KONECT). UTF-8 (with or without BOM) and
UTF-16 with BOM are read; ``--encoding`` forces another.

**Columns**: a ``COL`` made of digits is a position, anything else a header name
(case-insensitive), and then the first line must be a header holding it.
Positions are 1-based like ``cut`` and ``awk`` — unless one of the positions given
is 0, in which case all of them are 0-based. With positions only, the first line is
taken as a header when its timestamp (or ``--since``/``--weight``) cell holds no
digit, e.g. ``SRC DST UNIXTS``; ``--no-header`` forces every line to be data.

**Timestamps**: ISO 8601 (``2024-03-01``, ``2024-03-01T09:30:00+01:00``, ``...Z``;
a zone is converted to naive UTC, none means UTC) or a Unix epoch in seconds,
integer or decimal; an epoch above 1e11 is in milliseconds. A number is always an
epoch (``20240301`` is a day of 1970). Anything else stops the import with an
``InputError`` naming the file, line and column.

**Interactions**: each row is one ``message`` from sender to recipient, channel the
``--channel`` column's value or ``log``. Self-messages are skipped and counted.
With ``--message COL``, the rows sharing a message id, sender and timestamp are one
message to several recipients (e-mail corpora list one row per recipient),
wherever they are in the file: each row is then a trace of that message, its
conversation the id, and its group size the number of different recipients —
so that a message to forty people weighs as a group message. The sizes are
counted in a first pass over the file (one entry per message). The same id
with another timestamp or sender is another sending.
Identical rows are as many messages: the n-th copy of a row gets its own key, and
the file's version in the summary says how many repeats there were (``whitespace,
no header, 37 repeats``). Importing the same file again with the same options adds
nothing; the options are part of the file's recorded hash, so the same bytes read
with other columns are a new import. Repeats are counted per timestamp while the
file is in time order, oldest or newest first (memory stays bounded); a file out of
time order is read a second time, remembering a 16-byte digest per distinct row.

**Member**: ``--as NAME``, else ``$WEAKTIES_MEMBER``, else the database's first
member, else a member ``owner`` is created.

**Ties**: each row is a tie between the two persons (source ``manual`` or
``platform``), asserted by the importing member, with ``since`` from ``--since``
and a confidence from ``--weight`` clipped to [0, 1] (default 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO, Any, NoReturn, cast

from sqlalchemy import select

from weakties.ingest import context
from weakties.ingest.batch import CHUNK_ROWS, chunked
from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.csvread import MAX_LINE_CHARS, sniff_encoding
from weakties.ingest.dates import check_plausible
from weakties.ingest.mbox import naive_utc
from weakties.ingest.run import ImportSummary, Job, Progress, SelfInfo, execute
from weakties.ingest.sources import SourceFile, open_sources
from weakties.model.identity import email_key
from weakties.model.tables import Member, utcnow
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = [
    "LogSpec",
    "default_member",
    "import_interactions",
    "import_ties",
    "parse_timestamp",
]

HEAD_LINES = 20  # lines looked at to detect the delimiter
MAX_ID_CHARS = 300
TIE_SOURCES = ("manual", "platform")
_EPOCH = dt.datetime(1970, 1, 1)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_UNDECODED = re.compile("[\udc80-\udcff]")
_DIGIT = re.compile(r"[0-9]")
_POSITION = re.compile(r"[0-9]{1,6}")
_NAMED_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_DELIMITER_NAMES = {None: "whitespace", "\t": "tab", ",": "comma", ";": "semicolon"}


def parse_timestamp(text: str) -> dt.datetime:
    """A naive UTC datetime from ISO 8601 or a Unix epoch (seconds, or milliseconds
    above 1e11).

    >>> parse_timestamp("1082040961"), parse_timestamp("1082040961500")
    (datetime.datetime(2004, 4, 15, 14, 56, 1), datetime.datetime(2004, 4, 15, 14, 56, 1, 500000))
    >>> parse_timestamp("2024-03-01T09:30:00+01:00"), parse_timestamp("2024-03-01")
    (datetime.datetime(2024, 3, 1, 8, 30), datetime.datetime(2024, 3, 1, 0, 0))
    """
    value = text.strip()
    try:
        if _INTEGER.fullmatch(value):
            number = int(value)
            if abs(number) > 10**11:
                when = _EPOCH + dt.timedelta(milliseconds=number)
            else:
                when = _EPOCH + dt.timedelta(seconds=number)
        elif _NUMBER.fullmatch(value):
            seconds = float(value)
            if abs(seconds) > 1e11:
                seconds /= 1000
            when = _EPOCH + dt.timedelta(seconds=seconds)
        else:
            when = naive_utc(dt.datetime.fromisoformat(value))
    except (ValueError, OverflowError) as exc:
        raise ValueError(
            f"unrecognised timestamp {value!r}: expected ISO 8601 (2024-03-01T09:30:00Z) "
            "or Unix epoch seconds or milliseconds"
        ) from exc
    check_plausible(when, value)  # 0001 and 9999 are not data: refused, as in every reader
    return when


def default_member(store: Store) -> str:
    """``$WEAKTIES_MEMBER``, else the database's first member, else ``owner``."""
    named = os.environ.get("WEAKTIES_MEMBER", "").strip()
    if named:
        return named
    with store.engine.connect() as conn:
        first = conn.execute(select(Member.handle).order_by(Member.id).limit(1)).scalar()
    return str(first) if first else "owner"


# -- reading the file ----------------------------------------------------------------


@dataclass(frozen=True)
class LogSpec:
    """How to read a delimited file: which column holds what.

    ``columns`` maps a role (``sender``, ``recipient``, ``timestamp``, ``channel``;
    ``a``, ``b``, ``since``, ``weight``) to what the user gave: a header name or a
    position.
    """

    columns: dict[str, str]
    typed: tuple[str, ...] = ()  # roles whose first-line cell tells a header apart
    namespace: str | None = None
    delimiter: str | None = None  # as given by the user; None: detect
    no_header: bool = False
    encoding: str | None = None

    def fingerprint(self) -> str:
        return json.dumps(
            [
                sorted(self.columns.items()),
                self.namespace,
                self.delimiter,
                self.no_header,
                self.encoding,
            ],
            separators=(",", ":"),
        )


@dataclass
class Layout:
    """What was found: the delimiter, whether a header, each role's index."""

    delimiter: str | None  # None: runs of whitespace
    header: bool
    index: dict[str, int] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)  # role -> column name in messages

    @property
    def version(self) -> str:
        name = _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        return f"{name}, {'header' if self.header else 'no header'}"


def _delimiter_option(value: str | None) -> tuple[bool, str | None]:
    """(given, delimiter) from ``--delimiter`` (None delimiter: whitespace runs)."""
    if value is None or value == "":
        return False, None
    lowered = value.lower()
    if lowered in ("space", "whitespace", " "):
        return True, None
    named = _NAMED_DELIMITERS.get(lowered, value)
    if len(named) != 1:
        raise InputError(
            f"--delimiter {value!r}: one character, tab, comma, semicolon or whitespace"
        )
    return True, named


def _detect(head: list[str], origin: str) -> str | None:
    def widths(delimiter: str | None) -> list[int]:
        if delimiter is None:
            return [len(line.split()) for line in head]
        return [len(next(csv.reader([line], delimiter=delimiter), [])) for line in head]

    candidates: list[str | None] = ["\t", ",", ";"]
    counted = {d: widths(d) for d in candidates}
    for d in candidates:
        if min(counted[d]) >= 2 and len(set(counted[d])) == 1:
            return d
    if min(widths(None)) >= 2:
        return None
    for d in candidates:
        if min(counted[d]) >= 2:
            return d
    raise InputError(
        "cannot tell the delimiter (tab, comma, semicolon or spaces); give --delimiter",
        file=origin,
        line=1,
    )


def _lines(text: io.TextIOBase, origin: str, skipped: list[int]) -> Iterator[str]:
    """Physical lines, capped in length; ``skipped[0]`` counts leading comments."""
    number = 0
    leading = True
    for line in iter(partial(text.readline, MAX_LINE_CHARS), ""):
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise InputError(
                "line longer than 4 MiB: not a delimited text file", file=origin, line=number
            )
        if "\x00" in line:
            raise InputError(
                "a NUL character: this is not a text file (corrupt or binary data); refused",
                file=origin,
                line=number,
            )
        if leading:
            stripped = line.strip()
            if not stripped or stripped.startswith(("#", "%")):
                skipped[0] += 1
                continue
            leading = False
        yield line


def _open_text(source: SourceFile, encoding: str | None) -> tuple[io.TextIOWrapper, str]:
    raw = source.open()
    buffered = cast(
        io.BufferedReader, raw if hasattr(raw, "peek") else io.BufferedReader(cast(Any, raw))
    )
    codec = sniff_encoding(buffered.peek(4)[:4], encoding)
    errors = "surrogateescape" if codec.startswith("utf-8") else "strict"
    return io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline=""), codec


def read_rows(
    source: SourceFile, spec: LogSpec
) -> tuple[Layout, Iterator[tuple[int, list[str]]], IO[str]]:
    """The layout of a delimited file and its data rows as (line, cells)."""
    text, codec = _open_text(source, spec.encoding)
    origin = source.origin
    skipped = [0]
    try:
        lines = _lines(text, origin, skipped)
        head: list[str] = []
        for line in lines:
            head.append(line)
            if len(head) >= HEAD_LINES:
                break
        given, delimiter = _delimiter_option(spec.delimiter)
        if not given and head:
            delimiter = _detect([h for h in head if h.strip()] or head, origin)
        rows = _split(chain(head, lines), delimiter, skipped, origin, codec)
        first = next(rows, None)
        layout = _layout(spec, delimiter, first, origin)
        if first is not None and not layout.header:
            rows = chain([first], rows)
    except UnicodeDecodeError as exc:
        text.close()
        raise InputError(
            f"not valid {codec.upper()} in its first lines: {exc.reason}; give the file's "
            "encoding with --encoding (e.g. cp1252)",
            file=origin,
        ) from exc
    except BaseException:
        text.close()
        raise
    return layout, rows, text


def _split(
    lines: Iterator[str], delimiter: str | None, skipped: list[int], origin: str, codec: str
) -> Iterator[tuple[int, list[str]]]:
    check = codec.startswith("utf-8")
    consumed = 0
    try:
        if delimiter is None:
            for i, line in enumerate(lines, 1):
                cells = line.split()
                if cells:
                    number = skipped[0] + i
                    if check and _UNDECODED.search(line):
                        _undecodable(origin, number, codec)
                    yield number, cells
            return
        reader = csv.reader(lines, delimiter=delimiter)
        for cells in reader:
            number = skipped[0] + consumed + 1
            consumed = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if check and _UNDECODED.search("".join(cells)):
                _undecodable(origin, number, codec)
            yield number, cells
    except csv.Error as exc:
        raise InputError(
            f"malformed delimited text: {exc}", file=origin, line=skipped[0] + consumed + 1
        ) from exc
    except UnicodeDecodeError as exc:
        # decoded a block at a time: the bad bytes are at or after the last whole line
        raise InputError(
            f"not valid {codec.upper()} after line {skipped[0] + consumed}: {exc.reason}; "
            "give the file's encoding with --encoding (e.g. cp1252)",
            file=origin,
            line=skipped[0] + consumed + 1,
        ) from exc


def _undecodable(origin: str, line: int, codec: str) -> NoReturn:
    raise InputError(
        f"not valid {codec.upper()}; give the file's encoding with --encoding (e.g. cp1252)",
        file=origin,
        line=line,
    )


def _layout(
    spec: LogSpec, delimiter: str | None, first: tuple[int, list[str]] | None, origin: str
) -> Layout:
    positions = {r: int(c) for r, c in spec.columns.items() if _POSITION.fullmatch(c)}
    names = {r: c for r, c in spec.columns.items() if r not in positions}
    zero_based = any(p == 0 for p in positions.values())
    layout = Layout(delimiter, header=False)
    for role, position in positions.items():
        layout.index[role] = position if zero_based else position - 1
        layout.label[role] = f"column {position}"
    if names:
        if spec.no_header:
            name = next(iter(names.values()))
            raise InputError(
                f"column {name!r} is a name, but --no-header says there is no header: "
                "give positions (1-based, or 0-based when one of them is 0)"
            )
        cells = [c.strip().lower() for c in first[1]] if first else []
        for role, name in names.items():
            if name.strip().lower() not in cells:
                shown = ", ".join(first[1][:12]) if first else "an empty file"
                raise InputError(
                    f"no column named {name!r} in the first line ({shown}); "
                    "give a header name or a position",
                    file=origin,
                    line=first[0] if first else 1,
                    field=name,
                )
            layout.index[role] = cells.index(name.strip().lower())
            layout.label[role] = first[1][layout.index[role]].strip() if first else name
        layout.header = True
    elif first is not None and not spec.no_header:
        typed = [layout.index[r] for r in spec.typed if r in layout.index]
        layout.header = bool(typed) and all(
            i < len(first[1]) and not _DIGIT.search(first[1][i]) for i in typed
        )
    return layout


def _cell(layout: Layout, cells: list[str], role: str, line: int, origin: str) -> str:
    index = layout.index[role]
    if index >= len(cells):
        raise InputError(
            f"{len(cells)} fields on this line, no {layout.label[role]}",
            file=origin,
            line=line,
            field=layout.label[role],
        )
    return cells[index].strip()


# -- persons ------------------------------------------------------------------------------


class Identifiers:
    """Persons named by a file's identifiers (``external`` identities).

    Its memory of identifiers is a cache, bounded like the import's own
    (:data:`weakties.ingest.context.CACHE_ENTRIES`): past the bound it is
    forgotten, and identifiers are looked up again through the import's people."""

    def __init__(self, ctx: ImportContext, namespace: str | None):
        self.ctx = ctx
        self.prefix = f"{namespace}:" if namespace else ""
        self._pids: dict[str, int] = {}

    def prefetch(self, raws: set[str]) -> None:
        keys: set[tuple[str, str]] = set()
        for raw in raws:
            if raw not in self._pids:
                keys.add(("external", self.prefix + raw))
                if "@" in raw and (mail := email_key(raw)):
                    keys.add(("email", mail))
        if keys:
            self.ctx.people.prefetch(keys)

    def person(self, raw: str, line: int, origin: str, label: str) -> int:
        pid = self._pids.get(raw)
        if pid is not None:
            return pid
        value = self.prefix + raw
        if len(value) > MAX_ID_CHARS:
            raise InputError(
                f"identifier longer than {MAX_ID_CHARS} characters",
                file=origin,
                line=line,
                field=label,
            )
        people = self.ctx.people
        pid = people.lookup("external", value)
        if pid is None:
            mail = email_key(raw) if "@" in raw else None
            pid = people.lookup("email", mail) if mail else None
            if pid is None:
                pid = self._create(raw)
                if mail:
                    people.add_identity(pid, "email", mail, raw)
            people.add_identity(pid, "external", value, raw)
        people.remember(pid)
        if len(self._pids) >= context.CACHE_ENTRIES:
            self._pids.clear()
        self._pids[raw] = pid
        return pid

    def _create(self, raw: str) -> int:
        now = utcnow()
        return self.ctx.writer.new_person(
            {
                "display_name": raw,
                "first_name": None,
                "last_name": None,
                "name_key": "",  # found by identity, never by name
                "headline": None,
                "location": None,
                "industry": None,
                "summary": None,
                "created_at": now,
                "updated_at": now,
            }
        )


# -- interactions ------------------------------------------------------------------------


class _Unsorted(Exception):
    """The log is not in time order: read it again counting repeats over the whole file."""


def _message_sizes(source: SourceFile, spec: LogSpec) -> dict[tuple[str, str, str], int]:
    """With ``--message``: the number of different recipients of each message — the
    rows sharing its id, sender and timestamp (as written), wherever they are in the
    file — read in a first pass over it (one entry per message)."""
    layout, rows, text = read_rows(source, spec)
    origin = source.origin
    first: dict[tuple[str, str, str], str] = {}  # a message's first recipient
    more: dict[tuple[str, str, str], set[str]] = {}  # of messages to several
    with text:
        for line, cells in rows:
            sender = _cell(layout, cells, "sender", line, origin)
            recipient = _cell(layout, cells, "recipient", line, origin)
            if not sender or not recipient or sender == recipient:
                continue  # skipped by the import too
            key = (
                _cell(layout, cells, "message", line, origin),
                sender,
                _cell(layout, cells, "timestamp", line, origin),
            )
            seen = first.setdefault(key, recipient)
            if seen != recipient:
                more.setdefault(key, {seen}).add(recipient)
    return {key: len(more[key]) if key in more else 1 for key in first}


def _log_rows(
    ctx: ImportContext,
    source: SourceFile,
    spec: LogSpec,
    report: FileReport,
    sizes: dict[tuple[str, str, str], int],
    *,
    in_order: bool,
) -> str:
    layout, rows, text = read_rows(source, spec)
    origin = source.origin
    people = Identifiers(ctx, spec.namespace)
    has_channel = "channel" in layout.index
    has_message = "message" in layout.index

    seen: dict[Any, int] = {}
    moment: dt.datetime | None = None
    direction = 0  # +1 oldest first, -1 newest first
    repeats = 0
    with text:
        for chunk in chunked(rows, CHUNK_ROWS):
            ctx.checkpoint()
            parties: list[tuple[int, str, str]] = []
            wanted: set[str] = set()
            for line, cells in chunk:
                sender = _cell(layout, cells, "sender", line, origin)
                recipient = _cell(layout, cells, "recipient", line, origin)
                parties.append((line, sender, recipient))
                wanted.update((sender, recipient))
            wanted.discard("")
            people.prefetch(wanted)
            for (line, cells), (_, sender, recipient) in zip(chunk, parties, strict=True):
                report.rows += 1
                stamp = _cell(layout, cells, "timestamp", line, origin)
                try:
                    when = parse_timestamp(stamp)
                except ValueError as exc:
                    raise InputError(
                        str(exc), file=origin, line=line, field=layout.label["timestamp"]
                    ) from exc
                if not sender or not recipient:
                    report.skipped["missing sender or recipient"] += 1
                    continue
                if sender == recipient:
                    report.skipped["self-message"] += 1
                    continue
                a = people.person(sender, line, origin, layout.label["sender"])
                b = people.person(recipient, line, origin, layout.label["recipient"])
                if a == b:  # two identifiers of one person (an e-mail address)
                    report.skipped["self-message"] += 1
                    continue
                channel = "log"
                if has_channel:
                    channel = _cell(layout, cells, "channel", line, origin)[:20] or "log"
                # the n-th identical row is the n-th message, not the same one again
                if in_order:
                    if when != moment:
                        if moment is not None:
                            step = 1 if when > moment else -1
                            if direction and step != direction:
                                raise _Unsorted
                            direction = step
                        seen.clear()
                        moment = when
                    repeat: Any = (sender, recipient, channel)
                else:
                    repeat = hashlib.blake2b(
                        f"{sender}\x1f{recipient}\x1f{channel}\x1f{when}".encode(
                            "utf-8", "surrogatepass"
                        ),
                        digest_size=16,
                    ).digest()
                if has_message:
                    message = _cell(layout, cells, "message", line, origin)
                    repeat = (repeat, message)
                occurrence = seen.get(repeat, 0)
                seen[repeat] = occurrence + 1
                repeats += occurrence > 0
                key: tuple[object, ...] = (
                    people.prefix + sender,
                    people.prefix + recipient,
                    when,
                    channel,
                    occurrence,
                )
                if has_message:
                    ctx.interaction(
                        "message",
                        a,
                        b,
                        when,
                        key=(*key, message),
                        channel=channel,
                        group_size=sizes.get((message, sender, stamp), 1),
                        conversation=people.prefix + message,
                    )
                else:
                    ctx.interaction("message", a, b, when, key=key, channel=channel)
                report.traces += 1
                ctx.tick()
    # Not a skip: identical rows are kept. Said in the version, the one free text.
    return layout.version + (f", {repeats} repeats" if repeats else "")


def _interactions_job(
    source: SourceFile, spec: LogSpec
) -> Callable[[ImportContext, FileReport], str]:
    def run(ctx: ImportContext, report: FileReport) -> str:
        # with --message: each message's size, from a first pass over the file (once,
        # also when the file is read a second time for being out of time order)
        sizes = _message_sizes(source, spec) if "message" in spec.columns else {}
        try:
            return _log_rows(ctx, source, spec, report, sizes, in_order=True)
        except _Unsorted:
            # What was queued so far has the same keys on the second reading.
            report.rows = report.traces = 0
            report.skipped.clear()
            return _log_rows(ctx, source, spec, report, sizes, in_order=False)

    return run


# -- ties ----------------------------------------------------------------------------------


def _weight(text: str, line: int, origin: str, label: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value:  # NaN
        raise InputError(f"not a number: {text!r}", file=origin, line=line, field=label)
    return min(1.0, max(0.0, value))


def _ties_job(
    source: SourceFile, spec: LogSpec, tie_source: str
) -> Callable[[ImportContext, FileReport], str]:
    def run(ctx: ImportContext, report: FileReport) -> str:
        layout, rows, text = read_rows(source, spec)
        origin = source.origin
        people = Identifiers(ctx, spec.namespace)
        outcomes: Counter[str] = Counter()
        with text:
            for chunk in chunked(rows, CHUNK_ROWS):
                ctx.checkpoint()
                people.prefetch(
                    {
                        cells[layout.index[r]].strip()
                        for _, cells in chunk
                        for r in ("a", "b")
                        if layout.index[r] < len(cells)
                    }
                    - {""}
                )
                for line, cells in chunk:
                    report.rows += 1
                    ctx.tick()
                    first = _cell(layout, cells, "a", line, origin)
                    second = _cell(layout, cells, "b", line, origin)
                    since = None
                    if "since" in layout.index:
                        stamp = _cell(layout, cells, "since", line, origin)
                        try:
                            since = parse_timestamp(stamp) if stamp else None
                        except ValueError as exc:
                            raise InputError(
                                str(exc), file=origin, line=line, field=layout.label["since"]
                            ) from exc
                    confidence = 1.0
                    if "weight" in layout.index:
                        cell = _cell(layout, cells, "weight", line, origin)
                        if cell:
                            confidence = _weight(cell, line, origin, layout.label["weight"])
                    if not first or not second:
                        report.skipped["missing a or b"] += 1
                        continue
                    if first == second:
                        report.skipped["same person twice"] += 1
                        continue
                    a = people.person(first, line, origin, layout.label["a"])
                    b = people.person(second, line, origin, layout.label["b"])
                    if a == b:
                        report.skipped["same person twice"] += 1
                        continue
                    outcomes[ctx.tie(b, tie_source, since, confidence=confidence, owner=a)] += 1
                    report.traces += 1
        if outcomes["known"]:
            report.skipped["pair already listed (kept once)"] += outcomes["known"]
        return layout.version

    return run


# -- entry points --------------------------------------------------------------------------


def _single_source(path: Path, kind: str, spec: LogSpec) -> SourceFile:
    sources = open_sources([path])
    if len(sources) != 1:
        raise InputError(
            f"expected one delimited text file, found {len(sources)} files", file=str(path)
        )
    found = sources[0]
    # The reading options are part of the recorded hash: the same bytes read with
    # other columns are another import; with the same ones, nothing new.
    combined = hashlib.sha256(
        f"{found.sha256()}\0{kind}\0{spec.fingerprint()}".encode()
    ).hexdigest()
    return SourceFile(found.name, found.size, found.origin, _opener=found.open, _sha256=combined)


def _run(
    store: Store,
    path: Path,
    member: str | None,
    kind: str,
    spec: LogSpec,
    job: Callable[[SourceFile], Callable[[ImportContext, FileReport], str]],
    progress: Progress | None,
) -> ImportSummary:
    _delimiter_option(spec.delimiter)  # refuse a bad option before anything is read
    source = _single_source(path, kind, spec)
    return execute(
        store,
        member=member or default_member(store),
        jobs=[Job(source, kind, job(source))],
        other_files=[],
        me=SelfInfo(),
        export_date=None,  # dated by its newest record
        source_kind=kind,
        source_label=str(path),
        progress=progress,
    )


def import_interactions(
    store: Store,
    path: Path,
    *,
    sender: str,
    recipient: str,
    timestamp: str,
    channel: str | None = None,
    message: str | None = None,
    member: str | None = None,
    namespace: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a log of messages (one per row) in one transaction (see the module doc).

    Parameters
    ----------
    store
        The database.
    path
        The delimited text file.
    sender, recipient, timestamp, channel
        Columns: header names, or positions (1-based; 0-based when one is 0).
    message
        A message id column: the rows sharing it, the sender and the timestamp,
        anywhere in the file, are one message to several recipients.
    member
        Whose data it is; default ``$WEAKTIES_MEMBER``, the first member, or ``owner``.
    namespace
        Prefix of the identifiers' ``external`` identities (``NS:value``).
    delimiter, no_header, encoding
        Override the detected delimiter, header and encoding.
    progress
        A callback hearing of rows read.

    Raises
    ------
    InputError
        A bad timestamp, a missing column, an unreadable file: nothing is written.
    """
    columns = {"sender": sender, "recipient": recipient, "timestamp": timestamp}
    if channel:
        columns["channel"] = channel
    if message:
        columns["message"] = message
    spec = LogSpec(
        columns={k: v.strip() for k, v in columns.items()},
        typed=("timestamp",),
        namespace=namespace or None,
        delimiter=delimiter,
        no_header=no_header,
        encoding=encoding,
    )
    return _run(
        store,
        path,
        member,
        "interactions",
        spec,
        lambda source: _interactions_job(source, spec),
        progress,
    )


def import_ties(
    store: Store,
    path: Path,
    *,
    a: str,
    b: str,
    since: str | None = None,
    weight: str | None = None,
    source: str = "manual",
    member: str | None = None,
    namespace: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a list of ties (one pair per row) in one transaction (see the module doc).

    ``source`` is ``manual`` or ``platform``; ``since`` and ``weight`` are optional
    columns (a timestamp; a number clipped to [0, 1] as the tie's confidence). The
    other parameters are those of :func:`import_interactions`.
    """
    if source not in TIE_SOURCES:
        raise InputError(f"--source {source!r}: one of {', '.join(TIE_SOURCES)}")
    columns = {"a": a, "b": b}
    if since:
        columns["since"] = since
    if weight:
        columns["weight"] = weight
    spec = LogSpec(
        columns={k: v.strip() for k, v in columns.items()},
        typed=tuple(r for r in ("since", "weight") if r in columns),
        namespace=namespace or None,
        delimiter=delimiter,
        no_header=no_header,
        encoding=encoding,
    )
    return _run(
        store,
        path,
        member,
        f"ties:{source}",
        spec,
        lambda found: _ties_job(found, spec, source),
        progress,
    )
