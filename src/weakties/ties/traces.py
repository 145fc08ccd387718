"""Traces between pairs of people as arrays, as of a date.

Everything tie strength computes starts here: the interactions that happened
before ``as_of`` (never after: a score as of a date uses only what was known
then), folded onto unordered pairs ``(a, b)`` with ``a < b``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from weakties.model.kinds import CONVERSATION_KINDS, KIND_CODE

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = [
    "CONVERSATION",
    "KIND_CODE",
    "PairTraces",
    "epoch_seconds",
    "load_traces",
    "pair_traces",
]

# Traces that are contact between two people, as opposed to clicks
# (endorsements, reactions) and connection requests.
CONVERSATION = frozenset(KIND_CODE[k] for k in CONVERSATION_KINDS)


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
    reader: Reader,
    as_of: dt.datetime,
    *,
    person: int | None = None,
    others: Collection[int] | None = None,
) -> PairTraces:
    """The two-party interactions before ``as_of`` that the reader's scope may use
    (of ``person`` only, if given, and then only with ``others``, if given).

    One-sided traces (a reaction, a share: no recipient) are left out: they are
    not between two people. The rows go from the driver straight into numpy
    (kinds as codes computed by the database), so that millions of rows cost no
    per-row work in Python.
    """
    rows = reader.trace_rows(as_of, person=person, others=others)
    table = np.array(rows, dtype=np.float64).reshape(-1, 5)
    table = table[table[:, 4] >= 0]
    return pair_traces(
        as_of,
        table[:, 0].astype(np.int64),
        table[:, 1].astype(np.int64),
        np.round(table[:, 2], 3),
        table[:, 4].astype(np.int8),
        np.nan_to_num(table[:, 3], nan=1.0).astype(np.int32),
    )


def pair_traces(
    as_of: dt.datetime | dt.date,
    sender: np.ndarray,
    recipient: np.ndarray,
    seconds: np.ndarray,
    kind: np.ndarray,
    group_size: np.ndarray,
    *,
    person: int | None = None,
) -> PairTraces:
    """Traces as :class:`PairTraces` (each pair low id first, self-traces left
    out), of ``person`` only if given: for a caller that read every trace
    already (the fitted model's history), so that they are not read twice."""
    s, r = np.asarray(sender, dtype=np.int64), np.asarray(recipient, dtype=np.int64)
    keep = s != r
    if person is not None:
        keep &= (s == person) | (r == person)
    low = np.minimum(s, r)
    return PairTraces(
        epoch_seconds(as_of),
        low[keep],
        np.maximum(s, r)[keep],
        (s == low)[keep],
        np.asarray(seconds, dtype=np.float64)[keep],
        np.asarray(kind, dtype=np.int8)[keep],
        np.maximum(np.asarray(group_size, dtype=np.int32)[keep], 1),
    )
