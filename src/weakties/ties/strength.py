"""Tie strength for a viewer's ties or for every pair: score, class, layer, reasons.

>>> # see weakties.ties.model for the score and classes, and
>>> # weakties ties --explain PERSON for an example explanation
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.ties.features import DAY, MONTH, FeatureTable, compute_features
from weakties.ties.infer import inference_enabled
from weakties.ties.model import DEFAULT, TieModel, is_dormant
from weakties.ties.traces import epoch_seconds, load_traces

if TYPE_CHECKING:
    from weakties.store.reader import Reader

log = logging.getLogger(__name__)

__all__ = [
    "DUNBAR_LAYERS",
    "TieScores",
    "ago",
    "describe",
    "dormant_ties",
    "model_for",
    "score_ties",
]

# Dunbar's layers: each about three times the one inside it.
DUNBAR_LAYERS = (5, 15, 50, 150, 500, 1500, 5000)


def model_for(reader: Reader, member: int | None = None) -> TieModel:
    """A member's calibrated model if they made one (the viewer's by default), else
    the default model."""
    member = reader.scope.member_id if member is None else member
    if member is None:
        return DEFAULT
    text = reader.member_setting("tie_model", member)
    return TieModel.from_json(text) if text else DEFAULT


def _layers(score: np.ndarray, in_touch: np.ndarray) -> np.ndarray:
    """Dunbar layer (5, 15, ... 5000; 0 beyond) of each tie by its rank among
    the ties that were ever in touch. A tie never in touch is in no layer: the
    layers are of relationships, not of accepted connections. Equal scores
    share a rank (the number of ties scoring strictly higher), so they are in
    the same layer."""
    layers = np.zeros(score.size, dtype=np.int64)
    ranked = np.sort(-score[in_touch])
    rank = np.searchsorted(ranked, -score[in_touch], side="left")
    inner = np.zeros(rank.size, dtype=np.int64)
    for size in reversed(DUNBAR_LAYERS):
        inner[rank < size] = size
    layers[in_touch] = inner
    return layers


@dataclass
class TieScores:
    """Scores of a set of pairs, with everything needed to explain them."""

    table: FeatureTable
    score: np.ndarray
    classes: np.ndarray
    model: TieModel
    as_of: dt.datetime
    ego: int | None = None
    layer: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.table)

    def other(self, i: int) -> int:
        """The pair's person who is not the ego."""
        a, b = int(self.table.a[i]), int(self.table.b[i])
        return b if a == self.ego else a

    def index_of_person(self, person: int) -> int | None:
        if self.ego is None:
            return None
        return self.table.index_of(self.ego, person)

    def reasons(self, i: int, top: int = 4) -> list[dict[str, Any]]:
        """The inputs that decided pair ``i``'s score, in words, largest push first."""
        raw = self.table.row(i)
        out = []
        for name, push in self.model.contributions(self.table, i):
            if abs(push) < 0.05:
                continue
            out.append({"feature": name, "push": round(push, 2), "text": describe(name, raw)})
            if len(out) == top:
                break
        return out


def describe(name: str, raw: dict[str, float]) -> str:
    """One input of the model as a sentence about the tie."""
    since = raw["days_since_contact"]
    if name == "recency":
        if np.isnan(since):
            return "never in touch"
        personal = raw.get("days_since_personal", since)
        if np.isnan(personal):
            return f"only group contact, the last {ago(since)}"
        if personal > since + 1:
            return f"last personal contact {ago(personal)} (group contact {ago(since)})"
        return f"last contact {ago(since)}"
    if name == "duration":
        return f"known for {_span(raw['days_known'])}"
    if name == "intensity":
        return (
            f"{int(raw['contacts_last_year'])} contact(s) in the last year, "
            f"{int(raw['contacts'])} in all"
        )
    if name == "active_months":
        months = int(raw.get("personal_months", raw["active_months"]))
        return f"in personal touch in {months} different month(s)"
    if name == "reciprocity":
        return "both sides write" if raw["balance"] >= 0.5 else "mostly one side writes"
    if name == "turns":
        return f"{int(raw['turns'])} back-and-forth exchange(s)"
    if name == "services":
        return "endorsements, recommendations or introductions"
    if name == "one_to_one":
        return f"{raw['one_to_one_share']:.0%} of contact one-to-one"
    if name == "meetings":
        return f"{int(raw['meetings_one_to_one'])} one-to-one meeting(s)"
    if name == "notes":
        return f"{int(raw['notes'])} note(s) of yours"
    if name == "mutual":
        return f"{int(raw['mutual_contacts'])} mutual contact(s)"
    if name == "shared_employer":
        return "same employer"
    if name == "shared_school":
        return "same school"
    return name


def ago(days: float) -> str:
    """How long ago, in words: the one wording of every "last contact ... ago".

    >>> ago(0.5), ago(1), ago(12), ago(75), ago(400), ago(2000)
    ('today', '1 day ago', '12 days ago', '2 months ago', '13 months ago', '5.5 years ago')
    """
    if days < 1:
        return "today"
    if days < 60:
        return f"{int(days)} day{'s' if int(days) != 1 else ''} ago"
    if days < 730:
        months = int(days / 30.4)
        return f"{months} month{'s' if months != 1 else ''} ago"
    return f"{days / 365.25:.1f} years ago"


def _span(days: float) -> str:
    if days < 60:
        return f"{int(days)} day(s)"
    if days < 730:
        return f"{int(days / 30.4)} month(s)"
    return f"{days / 365.25:.1f} years"


def score_ties(
    reader: Reader,
    *,
    as_of: dt.datetime | None = None,
    all_pairs: bool = False,
    model: TieModel | None = None,
    others: Collection[int] | None = None,
    ego: int | None = None,
    member: int | None = None,
) -> TieScores:
    """Score the viewer's ties (their contacts and everyone they were in touch
    with; only those with ``others`` if given), or with ``all_pairs`` every pair
    with a trace before ``as_of`` — as far as the reader's scope may see them.

    ``ego`` and ``member`` score another member's ties (a member who shares
    them by name) with that member's model and inference setting; by default
    the reader's viewer. Dunbar layers rank a viewer's ties among all of them:
    with ``others`` they are left out (None)."""
    when = as_of or reader.now
    member = reader.scope.member_id if member is None else member
    ego = reader.scope.person_id if ego is None else ego
    if all_pairs:
        ego = None
    if ego is None:
        others = None
    traces = load_traces(reader, when, person=ego, others=others)
    table = compute_features(
        reader,
        traces,
        as_of=when,
        ego=ego,
        include_tied=not all_pairs,
        others=others,
        inferred=inference_enabled(reader, member) if member is not None else True,
    )
    chosen = model or model_for(reader, member)
    score = chosen.score(table)
    classes = chosen.classify(table, score)
    layer = (
        _layers(score, table.values["never_in_touch"] == 0)
        if ego is not None and others is None
        else None
    )
    log.info(
        "scored %d pair(s) %s as of %s with the %s model: %s",
        len(table),
        "of every person" if ego is None else f"of person #{ego}",
        when.date().isoformat(),
        chosen.name,
        ", ".join(
            f"{k} {int((classes == k).sum())}" for k in ("strong", "weak", "dormant", "nominal")
        ),
    )
    log.debug(
        "from %d trace(s); inferred ties %s",
        len(traces),
        "on" if member is None or inference_enabled(reader, member) else "off",
    )
    return TieScores(table, score, classes, chosen, when, ego, layer)


def dormant_ties(
    reader: Reader, ego: int, others: Collection[int], as_of: dt.datetime
) -> dict[int, dict[str, float]]:
    """Which of ego's ties with ``others`` are dormant as of a date, by the same rule
    as the classes (:func:`weakties.ties.model.is_dormant`), read from the pairs'
    own conversations only: other -> contacts, active months, days since contact.

    For a feed that asks about a few hundred contacts, this reads their traces
    and nothing else (no structure, no score).
    """
    at = epoch_seconds(as_of)
    found = reader.conversation_times(ego, others, as_of)
    if not found:
        return {}
    table = np.array(found, dtype=np.float64)
    who = table[:, 0].astype(np.int64)
    t = table[:, 1]
    people, idx = np.unique(who, return_inverse=True)
    contacts = np.bincount(idx).astype(np.float64)
    last = np.full(people.size, -np.inf)
    np.maximum.at(last, idx, t)
    months = np.unique(idx * (1 << 24) + np.floor(t / MONTH).astype(np.int64))
    active = np.bincount(months >> 24, minlength=people.size).astype(np.float64)
    days = (at - last) / DAY
    dormant = is_dormant(contacts, active, days)
    return {
        int(p): {"contacts": float(c), "active_months": float(a), "days_since_contact": float(d)}
        for p, c, a, d, z in zip(people, contacts, active, days, dormant, strict=True)
        if z
    }
