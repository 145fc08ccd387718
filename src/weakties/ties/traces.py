"""Traces between pairs of people as arrays, as of a date.

Everything tie strength computes starts here: the interactions that happened
before ``as_of`` (never after: a score as of a date uses only what was known
then), folded onto unordered pairs ``(a, b)`` with ``a < b``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, or_, select

from weakties.model.tables import INTERACTION_KINDS, Interaction

__all__ = ["CONVERSATION", "KIND_CODE", "PairTraces", "epoch_seconds", "load_traces"]

KIND_CODE = {kind: i for i, kind in enumerate(INTERACTION_KINDS)}
# Traces that are contact between two people, as opposed to clicks
# (endorsements, reactions) and connection requests.
CONVERSATION = frozenset(KIND_CODE[k] for k in ("message", "email", "meeting", "call"))


def epoch_seconds(when: dt.datetime | dt.date) -> float:
    """Naive-UTC datetime (or date, at midnight) as Unix seconds."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day)
    return when.replace(tzinfo=dt.UTC).timestamp()


@dataclass(frozen=True)
class PairTraces:
    """Interactions before ``as_of`` as parallel arrays, one row per trace."""

    as_of: float  # Unix seconds
    a: np.ndarray  # int64 person id, a < b
    b: np.ndarray
    from_a: np.ndarray  # bool: the trace went from a to b
    t: np.ndarray  # float64 Unix seconds
    kind: np.ndarray  # int8 code (KIND_CODE)
    group_size: np.ndarray  # int32 recipients of the same message / meeting

    def __len__(self) -> int:
        return int(self.a.shape[0])

    @property
    def conversational(self) -> np.ndarray:
        return np.isin(self.kind, np.fromiter(CONVERSATION, dtype=np.int8))


def load_traces(
    conn: Connection,
    as_of: dt.datetime,
    *,
    person: int | None = None,
) -> PairTraces:
    """The two-party interactions before ``as_of`` (of ``person`` only, if given).

    One-sided traces (a reaction, a share: no recipient) are left out: they are
    not between two people.
    """
    query = select(
        Interaction.sender_id,
        Interaction.recipient_id,
        Interaction.occurred_at,
        Interaction.kind,
        Interaction.group_size,
    ).where(
        Interaction.occurred_at < as_of,
        Interaction.sender_id.is_not(None),
        Interaction.recipient_id.is_not(None),
    )
    if person is not None:
        query = query.where(
            or_(Interaction.sender_id == person, Interaction.recipient_id == person)
        )
    rows = conn.execute(query).all()
    if not rows:
        empty_i = np.empty(0, dtype=np.int64)
        return PairTraces(
            epoch_seconds(as_of),
            empty_i,
            empty_i,
            np.empty(0, dtype=bool),
            np.empty(0, dtype=np.float64),
            np.empty(0, dtype=np.int8),
            np.empty(0, dtype=np.int32),
        )
    sender, recipient, occurred, kind, group = zip(*rows, strict=True)
    s = np.fromiter(sender, dtype=np.int64, count=len(rows))
    r = np.fromiter(recipient, dtype=np.int64, count=len(rows))
    stamps = np.array(occurred, dtype="datetime64[us]")
    seconds = stamps.astype("int64") / 1e6
    codes = np.fromiter((KIND_CODE[k] for k in kind), dtype=np.int8, count=len(rows))
    sizes = np.fromiter((g or 1 for g in group), dtype=np.int32, count=len(rows))
    keep = s != r
    a = np.minimum(s, r)[keep]
    b = np.maximum(s, r)[keep]
    return PairTraces(
        epoch_seconds(as_of),
        a,
        b,
        (s == np.minimum(s, r))[keep],
        seconds[keep],
        codes[keep],
        sizes[keep],
    )
