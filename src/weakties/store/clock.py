""" "Now" for analyses: the current time, unless the database keeps a fixed clock.

A generated world ends on a given day; the demo database records that day as its
clock (setting ``clock``), so that every command sees the world as it stood
then — recency, dormancy and the feed's window mean what they would have meant
on that day. A user's own database has no clock: now is now.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert, select

from weakties.model.tables import Setting

__all__ = ["data_now", "set_clock"]

KEY = "clock"


def data_now(conn: Connection | None = None) -> dt.datetime:
    """The database's clock if it has one, else the current UTC time (naive)."""
    if conn is not None:
        value = conn.execute(select(Setting.value).where(Setting.key == KEY)).scalar()
        if value:
            return dt.datetime.fromisoformat(value)
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def set_clock(conn: Connection, when: dt.datetime | None) -> None:
    """Fix the database's clock at ``when`` (None: back to the real time)."""
    conn.execute(delete(Setting).where(Setting.key == KEY))
    if when is not None:
        conn.execute(insert(Setting).values(key=KEY, value=when.isoformat()))
