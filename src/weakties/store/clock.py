""" "Now" for analyses: the current time, unless the database keeps a fixed clock.

A generated world ends on a given day; the demo database records that day as its
clock (setting ``clock``), so that every command sees the world as it stood
then — recency, dormancy and the feed's window mean what they would have meant
on that day. A user's own database has no clock: now is now.

Every "now" weakties reads comes from here: :func:`utcnow` for the time a row
is written, :func:`data_now` for the time an analysis or a rule runs at.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from weakties.errors import StoreError
from weakties.model.tables import Setting
from weakties.store.damaged import reset_hint

__all__ = ["data_now", "is_demo_database", "mark_demo", "parse_clock", "set_clock", "utcnow"]

KEY = "clock"


def utcnow() -> dt.datetime:
    """The real time, as a naive UTC datetime (the convention of every table)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def data_now(conn: Connection | None = None) -> dt.datetime:
    """The database's clock if it has one, else the current UTC time (naive)."""
    if conn is not None:
        value = conn.execute(select(Setting.value).where(Setting.key == KEY)).scalar()
        if value:
            return parse_clock(value)
    return utcnow()


def parse_clock(value: str) -> dt.datetime:
    """The stored clock as a time, or a one-line error naming the setting: a
    damaged clock is refused rather than ignored, since it decides what every
    answer means (recency, dormancy, the feed's window).

    Raises
    ------
    StoreError
        The setting is not an ISO date and time from 1900 to 2100.
    """
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        when = None
    if when is None or when.tzinfo is not None or not 1900 <= when.year <= 2100:
        raise StoreError(
            f"the database's clock (setting '{KEY}') is damaged: {value[:60]!r} is not "
            f"a date and time from 1900 to 2100; {reset_hint(KEY)} (the real time is "
            "then used)"
        )
    return when


def set_clock(conn: Connection, when: dt.datetime | None) -> None:
    """Fix the database's clock at ``when`` (None: back to the real time)."""
    conn.execute(delete(Setting).where(Setting.key == KEY))
    if when is not None:
        conn.execute(insert(Setting).values(key=KEY, value=when.isoformat()))


def mark_demo(conn: Connection, seed: int) -> None:
    """Mark the database as a generated demo (``weakties demo`` recreates only those)."""
    conn.execute(insert(Setting).values(key="demo", value=f"seed={seed}"))


def is_demo_database(path: Path) -> bool:
    """Whether the SQLite file at ``path`` is a demo database (read-only check: a
    file that is not one is never opened for writing)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("select value from setting where key='demo'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None
