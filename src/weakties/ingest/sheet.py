"""Typed cell access for importers: every failure names the file, line and column."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from typing import TypeVar, cast

from weakties.ingest import dates
from weakties.ingest.csvread import CsvFile, Row
from weakties.store.errors import InputError

__all__ = ["Sheet", "clean_text"]

T = TypeVar("T")
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value: str) -> str:
    """Message text as a person would read it: HTML entities decoded, tags dropped."""
    text = value.replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n")
    text = html.unescape(_TAGS.sub("", text))
    return _SPACES.sub(" ", text).strip()


# Columns that hold dates in the files weakties reads (normalised header names):
# the ones whose numeric day/month values decide a file's date order.
DATE_COLUMNS = frozenset(
    {
        "connected_on",
        "date",
        "sent_at",
        "endorsement_date",
        "creation_date",
        "followed_on",
        "createdat",
        "created_at",
        "started_on",
        "finished_on",
        "start_date",
        "end_date",
        "updated_on",
    }
)


_ORDER_WORDS = {"dmy": "day/month", "mdy": "month/day"}


class Sheet:
    """A CSV file of an export, with its version and helpers to read typed cells.

    Numeric dates (``04/07/2023``) are read in one order for the whole file,
    decided from the values of the file's date columns — a first number over
    12 means day first, a second one over 12 month first; never per line.
    LinkedIn's own form (``6/14/24, 5:57 AM``: two-digit year, 12-hour clock)
    is decided apart from the other numeric dates of the file: when none of
    its values settles the order it is month first, as LinkedIn writes it.
    Only the other numeric dates, when every one of them could be either
    (``04/07/2023`` in a file re-saved by Excel), take ``date_order``
    (``--date-order``); without it the file is refused. ``date_order`` never
    overrides what a file's own values settle.
    """

    def __init__(
        self,
        csv: CsvFile,
        version: str,
        *,
        date_order: str | None = None,
        reread: Callable[[], Iterator[Row]] | None = None,
    ):
        self.csv = csv
        self.origin = csv.origin
        self.version = version
        self.columns = set(csv.header)
        self._raw = dict(zip(csv.header, csv.raw_header, strict=False))
        self.date_order = date_order  # for the dates no value of the file settles
        # the order of the file's numeric dates, by form (True: LinkedIn's own)
        self._orders: dict[bool, str] = {}
        self._notes: dict[bool, str] = {}  # how each order was decided
        self._reread = reread

    @property
    def detected(self) -> list[str]:
        """What was found rather than assumed: delimiter, encoding, date order."""
        return self.csv.detected + [self._notes[own] for own in sorted(self._notes)]

    def _decide_order(self, row: Row, column: str, value: str, own: bool) -> str:
        """The order of the file's numeric dates of one form (see the class doc)."""
        columns = sorted(DATE_COLUMNS & self.columns)
        rows = self._reread() if self._reread is not None else iter([row])
        for other in rows:
            for name in columns:
                cell = other.get(name)
                found = dates.day_month_order(cell) if cell else None
                if found is None or found[1] != own or found[0] is None:
                    continue
                order = found[0]
                raw = self._raw.get(name, name)
                self._notes[own] = (
                    f"{_ORDER_WORDS[order]} dates (line {other.line}, {raw}: {cell!r})"
                )
                return order
        if own:
            return "mdy"  # LinkedIn's own form: month first
        if self.date_order is not None:
            self._notes[own] = f"{_ORDER_WORDS[self.date_order]} dates (--date-order)"
            return self.date_order
        raise self.error(
            row,
            column,
            f"cannot tell whether the dates of this file are day/month or month/day: "
            f"every one could be either (e.g. {value!r}); say which with "
            "--date-order dmy or --date-order mdy",
        )

    def has(self, column: str) -> bool:
        return column in self.columns

    def rows(self) -> Iterator[Row]:
        return self.csv.rows()

    def error(self, row: Row, column: str | None, message: str) -> InputError:
        field = self._raw.get(column, column) if column else None
        return InputError(message, file=self.origin, line=row.line, field=field)

    def _parse(
        self, row: Row, column: str, parser: Callable[[str, str], T], required: bool
    ) -> T | None:
        value = row.get(column)
        if not value or value.upper() in ("N/A", "NULL"):
            if required:
                raise self.error(row, column, "a date is required here, the cell is empty")
            return None
        order, own = "mdy", None  # the order is read only for numeric dates
        if value[:1].isdigit() and (found := dates.day_month_order(value)) is not None:
            own = found[1]
            if own not in self._orders:
                self._orders[own] = self._decide_order(row, column, value, own)
            order = self._orders[own]
        try:
            parsed = parser(value, order)
            day = parsed[0] if isinstance(parsed, tuple) else parsed
            dates.check_plausible(cast(dt.date, day), value)
        except ValueError as exc:
            message = str(exc)
            note = self._notes.get(own) if own is not None else None
            if note and "must be in 1..12" in message:
                message += f"; this file's dates are {note}"
            raise self.error(row, column, message) from exc
        return parsed

    def datetime(self, row: Row, column: str, *, required: bool = False) -> dt.datetime | None:
        return self._parse(row, column, dates.parse_datetime, required)

    def date(self, row: Row, column: str, *, required: bool = False) -> dt.date | None:
        return self._parse(row, column, dates.parse_date, required)

    def partial_date(
        self, row: Row, column: str, *, required: bool = False
    ) -> tuple[dt.date, str] | None:
        value = row.get(column)
        if value.lower() in ("present", "current", "today", "aujourd'hui"):
            return None
        return self._parse(row, column, dates.parse_partial_date, required)
