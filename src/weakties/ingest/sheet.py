"""Typed cell access for importers: every failure names the file, line and column."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

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


class Sheet:
    """A CSV file of an export, with its version and helpers to read typed cells."""

    def __init__(self, csv: CsvFile, version: str):
        self.csv = csv
        self.origin = csv.origin
        self.version = version
        self.columns = set(csv.header)
        self._raw = dict(zip(csv.header, csv.raw_header, strict=False))

    def has(self, column: str) -> bool:
        return column in self.columns

    def rows(self) -> Iterator[Row]:
        return self.csv.rows()

    def error(self, row: Row, column: str | None, message: str) -> InputError:
        field = self._raw.get(column, column) if column else None
        return InputError(message, file=self.origin, line=row.line, field=field)

    def _parse(self, row: Row, column: str, parser: Callable[[str], T], required: bool) -> T | None:
        value = row.get(column)
        if not value or value.upper() in ("N/A", "NULL"):
            if required:
                raise self.error(row, column, "a date is required here, the cell is empty")
            return None
        try:
            return parser(value)
        except ValueError as exc:
            raise self.error(row, column, str(exc)) from exc

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
