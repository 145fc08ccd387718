"""The options every command shares, defined once with one help text, and the
checks that keep every option within what the commands can compute.

Values are checked where they enter: a date out of range, a number too large
or a member name holding control characters is refused in one line naming the
option (exit status 2), before anything is read or written.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated

import typer

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_COUNT",
    "MAX_DAYS",
    "MAX_ID",
    "PERSON_HELP",
    "AsMember",
    "AsOf",
    "AsViewer",
    "Day",
    "Json",
    "PersonArg",
    "member_name",
    "parse_day",
    "parse_moment",
]

#: the largest count an option takes (--limit, --top): more than any database holds
MAX_COUNT = 1_000_000_000
#: the largest record number (#ID): a 64-bit integer, as the databases store it
MAX_ID = 2**63 - 1
#: the longest look-back in days (a century)
MAX_DAYS = 36_500

#: the range of every date option: no professional trace is older, and nothing
#: weakties computes looks further ahead
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
_RANGE = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def _in_range(value: dt.datetime, text: str) -> dt.datetime:
    if not EARLIEST <= value.date() <= LATEST:
        raise typer.BadParameter(f"{text!r} is out of range: a date {_RANGE}")
    return value


def parse_moment(text: str | dt.datetime) -> dt.datetime:
    """An ISO 8601 date, with or without a time and an offset (``2004-06-01``,
    ``2004-06-01T09:30``, ``2004-06-01T00:00:00Z``, ``...+02:00``), as a naive UTC
    time (the database's convention).

    >>> parse_moment("2004-06-01T00:00:00Z")
    datetime.datetime(2004, 6, 1, 0, 0)
    >>> parse_moment("2004-06-01T02:00:00+02:00")
    datetime.datetime(2004, 6, 1, 0, 0)
    """
    if isinstance(text, dt.datetime):
        return text
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date: YYYY-MM-DD, optionally with a time "
            "(YYYY-MM-DDTHH:MM:SS, a trailing Z or +HH:MM for the zone)"
        ) from None
    if value.tzinfo is not None:
        try:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError:
            raise typer.BadParameter(f"{text!r} is out of range: a date {_RANGE}") from None
    return _in_range(value, text)


def parse_day(text: str | dt.datetime) -> dt.datetime:
    """A day, ``YYYY-MM-DD``, within the range of dates (at midnight)."""
    if isinstance(text, dt.datetime):
        return text
    try:
        value = dt.datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a day (YYYY-MM-DD)") from None
    return _in_range(value, text)


def member_name(value: str | None) -> str | None:
    """A member's name as given with ``--as``: control characters are refused
    (a name is printed in every table and message)."""
    if value is None:
        return None
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise typer.BadParameter(
            f"a member name cannot hold control or format characters (found U+{ord(bad):04X})"
        )
    return value


AsViewer = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        envvar="WEAKTIES_MEMBER",
        callback=member_name,
        help="The member looking (needed when several members share the database).",
    ),
]
AsMember = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        envvar="WEAKTIES_MEMBER",
        callback=member_name,
        help="The member whose data this is (created on first import; needed unless the "
        "database has one member).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        parser=parse_moment,
        help="Compute as on DATE (YYYY-MM-DD, or ISO 8601 with a time: "
        "2004-06-01T00:00:00Z), from the traces before it (default: now, or the day after "
        "your newest export when it is more than a month old and nothing was done "
        f"since); {_RANGE}.",
    ),
]
Day = Annotated[
    dt.datetime | None,
    typer.Option(metavar="DATE", parser=parse_day, help=f"A day (YYYY-MM-DD), {_RANGE}."),
]
#: how every person argument is read (:meth:`PeopleReads.find_person`), said once
PERSON_HELP = (
    "#id (a record number), name, e-mail, LinkedIn URL, or an identifier of your "
    "imported data: a bare number is the person your file calls so (a log's 1260), "
    "#1260 the record."
)
PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help=PERSON_HELP)]
