"""E-mail metadata from mbox files: who wrote to whom, when, in which thread.

Only headers are read — ``From``, ``To``, ``Cc``, ``Bcc`` (present in sent mail),
``Date``, ``Message-ID``, ``In-Reply-To``, ``References``, and ``Precedence`` /
``List-Id`` to recognise bulk mail. The file is split into messages by its
``From `` lines while streaming; a message's body is skipped line by line and never
held in memory, so a mailbox of any size is read with bounded memory. Files inside
a ZIP or a folder (a Thunderbird profile, a Google Takeout archive) work too.

Each message becomes one ``email`` interaction per recipient (``To``, ``Cc`` and
``Bcc`` together, each address once, the sender excluded), with ``group_size`` the
number of recipients and ``conversation`` a digest of the thread's root (the first
id of ``References``, else of ``In-Reply-To``, else the message's own id). People are
matched by e-mail address first, then by display name among the member's own
people (so that "Ann Lee <ann@acme.io>" becomes the Ann Lee of the member's LinkedIn
connections and gains that address); display names are decoded from RFC 2047
encoded-words, and "Lee, Ann" is read as Ann Lee.

The owner's addresses — the ``--me`` values and the e-mail identities the member
already has — are the member. Messages involving none of them are imported as
well: they are traces between other people, which later tie inference uses.

Skipped and counted, never fatal, since real mailboxes have them:

- a message without a readable ``Date`` (``no date``), or with a date outside
  1900 – next year (``implausible date``: ``1 Jan 0001`` is not read as 2001);
- mailing-list and bulk mail, recognised by a ``List-Id`` header or
  ``Precedence: bulk | list | junk`` (``mailing list``): a newsletter is no tie;
- a message without a sender address or without any recipient but the sender.

Subjects are stored only with ``keep_content``; bodies are never read. Dates are
converted to naive UTC (a date without a zone is taken as UTC). A file that does
not start with a ``From `` line is refused (``InputError`` naming the file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import IO

from sqlalchemy import select

from weakties.ingest import context
from weakties.ingest.batch import CHUNK_ROWS, chunked
from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.dates import check_plausible
from weakties.ingest.run import ImportSummary, Job, Progress, SelfInfo, execute
from weakties.ingest.sources import Limits, SourceFile, open_sources
from weakties.model.identity import email_key, name_key, split_credentials
from weakties.model.tables import Identity
from weakties.store.engine import Store
from weakties.store.errors import InputError

__all__ = [
    "AddressBook",
    "digest",
    "import_mbox",
    "naive_utc",
    "read_mbox",
    "split_display_name",
]

MAX_LINE_BYTES = 4 * 1024 * 1024  # a body line longer than this is read in pieces
MAX_HEADER_BYTES = 1024 * 1024  # the header block of one message
_BULK = {"bulk", "list", "junk"}
_MSG_ID = re.compile(r"<[^<>\s]+>")
_FROM_LINE = b"From "


def digest(text: str) -> str:
    """A short stable digest (16 hex digits) used for conversations and keys."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def naive_utc(value: dt.datetime) -> dt.datetime:
    """An aware datetime converted to naive UTC; a naive one is taken as UTC already."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def split_display_name(name: str | None) -> tuple[str | None, str | None]:
    """(first, last) of a mail display name; ``"Lee, Ann"`` is Ann Lee.

    >>> split_display_name("Lee, Ann"), split_display_name("Ann Lee, MBA")
    (('Ann', 'Lee'), ('Ann', 'Lee, MBA'))
    >>> split_display_name("'ann@acme.io'"), split_display_name("Cher")
    ((None, None), ('Cher', None))
    """
    text = " ".join((name or "").split()).strip("'\" ")
    if not text or "@" in text:
        return None, None
    _, creds = split_credentials(text)
    if not creds and text.count(",") == 1:
        last, first = (p.strip() for p in text.split(","))
        if first and last:
            return first, last
    first, _, last = text.partition(" ")
    return first or None, last or None


class AddressBook:
    """People by e-mail address for one import; the owner's addresses are the member.

    Its memory of addresses is a cache, bounded like the import's own
    (:data:`weakties.ingest.context.CACHE_ENTRIES`): past the bound it is
    forgotten, and addresses are resolved again through the import's people."""

    def __init__(self, ctx: ImportContext, me: Iterable[str]):
        self.ctx = ctx
        own = ctx.conn.execute(
            select(Identity.value).where(
                Identity.person_id == ctx.self_pid, Identity.kind == "email"
            )
        ).scalars()
        self.mine = {m for m in (email_key(v) for v in me) if m} | set(own)
        self._known: dict[str, int | None] = {}

    def prefetch(self, people: Iterable[tuple[str, str]]) -> None:
        """One look-up for the addresses and names of a chunk of records."""
        keys, names = set(), set()
        for name, address in people:
            if address not in self._known and address not in self.mine:
                keys.add(("email", address))
                first, last = split_display_name(name)
                if first or last:
                    names.add(name_key(first, last))
        if keys:
            self.ctx.people.prefetch(keys, names)

    def person(self, name: str, address: str) -> int | None:
        """The person behind ``address`` (created if new), named ``name`` if unknown."""
        if address in self.mine:
            return self.ctx.self_pid
        if address in self._known:
            return self._known[address]
        first, last = split_display_name(name)
        pid = self.ctx.people.resolve(first, last, emails=[address])
        if len(self._known) >= context.CACHE_ENTRIES:
            self._known.clear()
        self._known[address] = pid
        return pid


# -- reading ------------------------------------------------------------------------


@dataclass
class Mail:
    """The header metadata of one message."""

    line: int  # line of its "From " separator
    sender: tuple[str, str] | None  # (display name, address)
    recipients: list[tuple[str, str]] = field(default_factory=list)
    when: dt.datetime | None = None
    message_id: str | None = None
    root: str | None = None  # first id of References / In-Reply-To
    bulk: bool = False
    subject: str | None = None
    fingerprint: str = ""  # digest of the headers, for messages without an id
    implausible: bool = False  # a date outside 1900 – next year ("1 Jan 0001")
    dropped: list[str] = field(default_factory=list)  # values holding a NUL character


_YEAR = re.compile(r"\b(\d{4})\b")


def _plausible(header: str, written: dt.datetime, when: dt.datetime) -> bool:
    """A date as written, in 1900 – today + 1 year: the mail parser reads the
    year 0001 as 2001, as it reads two-digit years, so the written year decides."""
    year = _YEAR.search(header)
    if year and int(year.group(1)) != written.year:
        return False
    try:
        check_plausible(when, header)
    except ValueError:
        return False
    return True


def _decoded(value: str) -> str:
    """RFC 2047 encoded-words decoded (unknown charsets left as written)."""
    if "=?" not in value:
        return value.strip()
    try:
        return str(make_header(decode_header(value))).strip()
    except (LookupError, ValueError, UnicodeError):
        return value.strip()


def _addresses(msg: Message, dropped: list[str], *names: str) -> list[tuple[str, str]]:
    values: list[str] = []
    for header in names:
        values.extend(str(v) for v in msg.get_all(header, []))
    found = []
    for name, address in getaddresses(values):
        key = email_key(address)
        if key:
            found.append((_kept(_decoded(name), "display name", dropped) or "", key))
    return found


def _kept(value: str, what: str, dropped: list[str]) -> str | None:
    """``value``, or None when it holds a NUL character (written as ``=00`` in an
    encoded word, or raw): mail is messy, so the value is dropped and counted for
    the summary's warnings, and the message kept, on every back end alike."""
    if "\x00" not in value:
        return value
    dropped.append(what)
    return None


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _MSG_ID.search(value)
    if match:
        return match.group()
    return value.split()[0] if value.split() else None


def parse_headers(raw: bytes, line: int) -> Mail:
    """The metadata of one message from its header block (bytes, 8-bit tolerated)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    msg = HeaderParser(policy=compat32).parsestr(text, headersonly=True)
    dropped: list[str] = []
    senders = _addresses(msg, dropped, "from") or _addresses(msg, dropped, "sender")
    mail = Mail(line=line, sender=senders[0] if senders else None, dropped=dropped)
    mail.recipients = _addresses(msg, dropped, "to", "cc", "bcc")
    date = msg.get("date")
    if date:
        try:
            written = parsedate_to_datetime(str(date))
            mail.when = naive_utc(written)
        except (TypeError, ValueError, IndexError, OverflowError):
            mail.when = None
        if mail.when is not None and not _plausible(str(date), written, mail.when):
            mail.when, mail.implausible = None, True
    mail.message_id = _first_id(str(msg.get("message-id") or ""))
    mail.root = _first_id(str(msg.get("references") or "")) or _first_id(
        str(msg.get("in-reply-to") or "")
    )
    precedence = str(msg.get("precedence") or "").strip().lower()
    mail.bulk = msg.get("list-id") is not None or precedence in _BULK
    subject = msg.get("subject")
    mail.subject = (
        _kept(_decoded(str(subject)), "subject", dropped) if subject is not None else None
    )
    mail.fingerprint = digest(
        "\x1f".join(str(msg.get(h) or "") for h in ("from", "to", "cc", "date", "subject"))
    )
    return mail


def read_mbox(stream: IO[bytes], origin: str) -> Iterator[Mail]:
    """The messages of an mbox stream, headers only, in file order.

    Raises
    ------
    InputError
        When the first non-blank line is not a ``From `` line (not an mbox), or a
        header block exceeds 1 MiB.
    """
    number = 0
    at_start = True  # the previous piece ended a line
    started = False
    in_headers = False
    header: list[bytes] = []
    size = 0
    first_line = 0
    while piece := stream.readline(MAX_LINE_BYTES):
        line_start = at_start
        at_start = piece.endswith(b"\n")
        if line_start:
            number += 1
        if line_start and piece.startswith(_FROM_LINE):
            if in_headers:  # a message without a body
                yield parse_headers(b"".join(header), first_line)
            started, in_headers = True, True
            header, size, first_line = [], 0, number
            continue
        if not started:
            if piece.strip():
                raise InputError(
                    "not an mbox file: it must start with a 'From ' line", file=origin, line=number
                )
            continue
        if not in_headers:
            continue  # the body: skipped
        if line_start and piece in (b"\n", b"\r\n"):
            in_headers = False
            yield parse_headers(b"".join(header), first_line)
            continue
        size += len(piece)
        if size > MAX_HEADER_BYTES:
            raise InputError(
                f"the headers of one message exceed {MAX_HEADER_BYTES // 1024} KiB: "
                "a corrupt mbox?",
                file=origin,
                line=first_line,
            )
        header.append(piece)
    if in_headers:
        yield parse_headers(b"".join(header), first_line)


def _looks_like_mbox(source: SourceFile) -> bool:
    """Empty, or the first non-blank line is a ``From `` line."""
    with source.open() as raw:
        for _ in range(64):
            piece = raw.readline(4096)
            if not piece:
                return True
            if piece.strip():
                return piece.startswith(_FROM_LINE)
    return False


# -- importing ----------------------------------------------------------------------


def _record(ctx: ImportContext, book: AddressBook, mail: Mail, report: FileReport) -> None:
    report.rows += 1
    ctx.tick()
    for what in mail.dropped:
        ctx.clipped[f"mail {what} holding a NUL character: not kept"] += 1
    if mail.bulk:
        report.skipped["mailing list"] += 1
        return
    if mail.when is None:
        report.skipped["implausible date" if mail.implausible else "no date"] += 1
        return
    if mail.sender is None:
        report.skipped["no sender"] += 1
        return
    sender = book.person(*mail.sender)
    targets: list[int] = []
    for name, address in mail.recipients:
        pid = book.person(name, address)
        if pid is not None and pid != sender and pid not in targets:
            targets.append(pid)
    if sender is None or not targets:
        report.skipped["no recipient" if sender is not None else "no sender"] += 1
        return
    ident = mail.message_id or f"headers:{mail.fingerprint}"
    conversation = digest(mail.root or ident)
    for recipient in targets:
        ctx.interaction(
            "email",
            sender,
            recipient,
            mail.when,
            key=(ident, sender, recipient),
            group_size=len(targets),
            conversation=conversation,
            subject=mail.subject or None,
            channel="email",
        )
        report.traces += 1


def _mbox_job(source: SourceFile, me: list[str]) -> Callable[[ImportContext, FileReport], str]:
    def run(ctx: ImportContext, report: FileReport) -> str:
        book = AddressBook(ctx, me)
        with source.open() as raw:
            for chunk in chunked(read_mbox(raw, source.origin), CHUNK_ROWS):
                ctx.checkpoint()
                book.prefetch(
                    person
                    for mail in chunk
                    for person in ([mail.sender] if mail.sender else []) + mail.recipients
                )
                for mail in chunk:
                    _record(ctx, book, mail, report)
        ctx.flush()
        return "mbox"

    return run


def import_mbox(
    store: Store,
    paths: list[Path] | Path,
    member: str | None,
    *,
    me: Iterable[str] = (),
    keep_content: bool = False,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the e-mail metadata of mbox files for ``member`` in one transaction.

    Parameters
    ----------
    store
        The database.
    paths
        mbox files, folders or ZIPs holding them. A file named on its own must be an
        mbox; in a folder or ZIP, files that are not are listed as unknown.
    member
        The member whose mail this is (created on first import).
    me
        The owner's own addresses, besides the e-mail identities the member has.
    keep_content
        Also store subjects (bodies are never read).
    limits, progress
        ZIP safety limits; a callback hearing of rows read.

    Returns
    -------
    ImportSummary
        What each file gave; ``skipped`` counts ``no date``, ``mailing list``,
        ``no sender`` and ``no recipient`` messages.

    Raises
    ------
    InputError
        A file that is not an mbox; nothing is written.
    """
    path_list = [paths] if isinstance(paths, Path) else list(paths)
    addresses = sorted({m for m in (email_key(v) for v in me) if m})
    bad = [v for v in me if not email_key(v)]
    if bad:
        raise InputError(f"--me {bad[0]!r} is not an e-mail address")
    jobs: list[Job] = []
    others: list[FileReport] = []
    for path in path_list:
        single = path.is_file() and path.suffix.lower() != ".zip"
        for source in open_sources([path], limits):
            if _looks_like_mbox(source):
                jobs.append(Job(source, "mbox", _mbox_job(source, addresses)))
            elif single:
                raise InputError(
                    "not an mbox file: it must start with a 'From ' line", file=source.origin
                )
            else:
                others.append(FileReport(source.name, None, "unknown"))
    label = ", ".join(str(p) for p in path_list)
    if not jobs:
        raise InputError("no mbox file found", file=label)
    return execute(
        store,
        member=member,
        jobs=jobs,
        other_files=others,
        me=SelfInfo(emails=set(addresses)),
        export_date=None,  # dated by its newest record
        source_kind="mbox",
        source_label=label,
        keep_content=keep_content,
        progress=progress,
    )
