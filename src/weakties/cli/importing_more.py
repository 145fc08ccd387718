"""``weakties import mbox|ics|interactions|ties``: mail, calendars and generic files.

:func:`register` adds these commands to the ``import`` Typer app of
:mod:`weakties.cli.importing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from weakties.cli.importing import AsMember, Json, _run, _summary

__all__ = ["register"]

KeepContent = Annotated[
    bool,
    typer.Option("--keep-content", help="Also store subjects (off: metadata only)."),
]
Me = Annotated[
    list[str] | None,
    typer.Option(
        "--me",
        metavar="ADDRESS",
        help="One of your own e-mail addresses (repeatable); the member's known "
        "addresses count too.",
    ),
]
OptionalMember = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        help="The member whose data this is (default: $WEAKTIES_MEMBER, else the first "
        "member, else 'owner').",
    ),
]
Namespace = Annotated[
    str | None,
    typer.Option(
        metavar="NS",
        help="Store identifiers as NS:value, so that two systems' ids stay apart.",
    ),
]
Delimiter = Annotated[
    str | None,
    typer.Option(
        metavar="D",
        help="Field delimiter: a character, 'tab', or 'space' for runs of blanks "
        "(default: detected among tab, comma, semicolon and spaces).",
    ),
]
NoHeader = Annotated[
    bool, typer.Option("--no-header", help="The first line is data: columns are positions.")
]
Encoding = Annotated[
    str | None, typer.Option(metavar="ENCODING", help="Force the text encoding, e.g. cp1252.")
]


def mbox(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE", help="mbox files (or a folder or ZIP of them, e.g. Google Takeout)."
        ),
    ],
    member: AsMember = None,
    me: Me = None,
    keep_content: KeepContent = False,
    as_json: Json = False,
) -> None:
    """Import e-mail metadata from mbox files: senders, recipients, dates, threads.

    Headers only (From, To, Cc, Bcc, Date, Message-ID, In-Reply-To, References):
    bodies are never read. One 'email' trace per recipient. Messages without a Date,
    and mailing-list or bulk mail (List-Id, Precedence: bulk/list/junk) are skipped
    and counted. Messages between other people are imported too.
    """
    from weakties.ingest.mbox import import_mbox

    summary = _run(
        ctx,
        lambda opened, tick: import_mbox(
            opened, paths, member, me=me or [], keep_content=keep_content, progress=tick
        ),
    )
    _summary(summary, as_json)


def ics(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help=".ics files (or a folder or ZIP of them)."),
    ],
    member: AsMember = None,
    me: Me = None,
    keep_content: KeepContent = False,
    as_json: Json = False,
) -> None:
    """Import meetings from iCalendar files: organizer, attendees, start.

    One 'meeting' trace from the organizer to each attendee. Cancelled events,
    declined attendees, rooms and personal entries (no attendee) are skipped and
    counted. Recurring events are expanded up to today, over the last 10 years,
    at most 500 occurrences each. Times are stored in UTC.
    """
    from weakties.ingest.ics import import_ics

    summary = _run(
        ctx,
        lambda opened, tick: import_ics(
            opened, paths, member, me=me or [], keep_content=keep_content, progress=tick
        ),
    )
    _summary(summary, as_json)


def interactions(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A delimited text file.")],
    sender: Annotated[str, typer.Option(metavar="COL", help="The sender's column.")],
    recipient: Annotated[str, typer.Option(metavar="COL", help="The recipient's column.")],
    timestamp: Annotated[
        str,
        typer.Option(
            metavar="COL", help="When: ISO 8601, or Unix epoch seconds (milliseconds above 1e11)."
        ),
    ],
    channel: Annotated[
        str | None, typer.Option(metavar="COL", help="A channel column (default: 'log').")
    ] = None,
    message: Annotated[
        str | None,
        typer.Option(
            metavar="COL",
            help="A message id column: the rows sharing it, the sender and the timestamp, "
            "anywhere in the file, are one message to several recipients (its group size "
            "counts).",
        ),
    ] = None,
    member: OptionalMember = None,
    namespace: Namespace = None,
    delimiter: Delimiter = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    as_json: Json = False,
) -> None:
    """Import a log of messages, one per row: sender, recipient, timestamp.

    People are named by the file's identifiers ('external' identities). COL is a
    header name (case-insensitive) or a position: 1-based like cut and awk, 0-based
    when one of the positions given is 0. With positions only, a first line whose
    timestamp cell has no digit is a header. Identical rows are as many messages;
    self-messages are skipped. Example: weakties import interactions CollegeMsg.txt
    --sender 1 --recipient 2 --timestamp 3
    """
    from weakties.ingest.generic import import_interactions

    summary = _run(
        ctx,
        lambda opened, tick: import_interactions(
            opened,
            path,
            sender=sender,
            recipient=recipient,
            timestamp=timestamp,
            channel=channel,
            message=message,
            member=member,
            namespace=namespace,
            delimiter=delimiter,
            no_header=no_header,
            encoding=encoding,
            progress=tick,
        ),
    )
    _summary(summary, as_json)


def ties(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A delimited text file.")],
    a: Annotated[str, typer.Option("--a", metavar="COL", help="One person's column.")],
    b: Annotated[str, typer.Option("--b", metavar="COL", help="The other person's column.")],
    since: Annotated[
        str | None,
        typer.Option(metavar="COL", help="Since when (ISO 8601 or Unix epoch)."),
    ] = None,
    weight: Annotated[
        str | None,
        typer.Option(metavar="COL", help="The tie's confidence, clipped to [0, 1] (default 1)."),
    ] = None,
    source: Annotated[
        str, typer.Option(metavar="SOURCE", help="The ties' source: manual or platform.")
    ] = "manual",
    member: OptionalMember = None,
    namespace: Namespace = None,
    delimiter: Delimiter = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    as_json: Json = False,
) -> None:
    """Import a list of ties, one pair per row, asserted by the member.

    People are named by the file's identifiers ('external' identities). COL is a
    header name (case-insensitive) or a position: 1-based like cut and awk, 0-based
    when one of the positions given is 0.
    """
    from weakties.ingest.generic import import_ties

    summary = _run(
        ctx,
        lambda opened, tick: import_ties(
            opened,
            path,
            a=a,
            b=b,
            since=since,
            weight=weight,
            source=source,
            member=member,
            namespace=namespace,
            delimiter=delimiter,
            no_header=no_header,
            encoding=encoding,
            progress=tick,
        ),
    )
    _summary(summary, as_json)


def register(app: typer.Typer) -> None:
    """Add ``mbox``, ``ics``, ``interactions`` and ``ties`` to the ``import`` app."""
    app.command("mbox")(mbox)
    app.command("ics")(ics)
    app.command("interactions")(interactions)
    app.command("ties")(ties)
