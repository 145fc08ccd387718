"""Tie strength for a viewer's ties or for every pair: score, class, layer, reasons.

>>> # see weakties.ties.model for the score and classes, and
>>> # weakties ties --explain PERSON for an example explanation
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, case, or_, select

from weakties.model.tables import Identity, Interaction, Person, Setting
from weakties.store.clock import data_now
from weakties.store.engine import raw_rows
from weakties.store.visibility import Viewer
from weakties.ties.features import DAY, MONTH, FeatureTable, compute_features
from weakties.ties.infer import inference_enabled
from weakties.ties.model import DEFAULT, TieModel, is_dormant
from weakties.ties.traces import CONVERSATION, KIND_CODE, epoch_seconds, epoch_sql, load_traces

__all__ = [
    "DUNBAR_LAYERS",
    "TieScores",
    "describe",
    "dormant_ties",
    "labels_for",
    "model_for",
    "score_ties",
]

# Dunbar's layers: each about three times the one inside it.
DUNBAR_LAYERS = (5, 15, 50, 150, 500, 1500, 5000)


def model_for(conn: Connection, viewer: Viewer | None) -> TieModel:
    """The viewer's calibrated model if they made one, else the default."""
    if viewer is None:
        return DEFAULT
    text = conn.execute(
        select(Setting.value).where(Setting.key == f"tie_model:{viewer.member_id}")
    ).scalar()
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
            return f"only group contact, the last {_ago(since)}"
        if personal > since + 1:
            return f"last personal contact {_ago(personal)} (group contact {_ago(since)})"
        return f"last contact {_ago(since)}"
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


def _ago(days: float) -> str:
    if days < 1:
        return "today"
    if days < 60:
        return f"{int(days)} day(s) ago"
    if days < 730:
        return f"{int(days / 30.4)} month(s) ago"
    return f"{days / 365.25:.1f} years ago"


def _span(days: float) -> str:
    if days < 60:
        return f"{int(days)} day(s)"
    if days < 730:
        return f"{int(days / 30.4)} month(s)"
    return f"{days / 365.25:.1f} years"


def score_ties(
    conn: Connection,
    *,
    viewer: Viewer | None = None,
    as_of: dt.datetime | None = None,
    all_pairs: bool = False,
    model: TieModel | None = None,
    others: Collection[int] | None = None,
    members: Collection[int] | None = None,
) -> TieScores:
    """Score the viewer's ties (their contacts and everyone they were in touch
    with; only those with ``others`` if given), or with ``all_pairs`` every pair
    with a trace before ``as_of``.

    Dunbar layers rank a viewer's ties among all of them: with ``others`` they
    are left out (None). ``members`` limits the traces to those members' data."""
    when = as_of or data_now(conn)
    ego = None if all_pairs or viewer is None else viewer.person_id
    if ego is None:
        others = None
    traces = load_traces(conn, when, person=ego, others=others, asserted_by=members)
    table = compute_features(
        conn,
        traces,
        as_of=when,
        ego=ego,
        include_tied=not all_pairs,
        viewer_member=viewer.member_id if viewer is not None and ego is not None else None,
        others=others,
        inferred=inference_enabled(conn, viewer) if viewer is not None else True,
    )
    chosen = model or model_for(conn, viewer)
    score = chosen.score(table)
    classes = chosen.classify(table, score)
    layer = (
        _layers(score, table.values["never_in_touch"] == 0)
        if ego is not None and others is None
        else None
    )
    return TieScores(table, score, classes, chosen, when, ego, layer)


def labels_for(conn: Connection, person_ids: list[int]) -> dict[int, str]:
    """How to name each person in machine output: the identifier used in an
    imported log (an ``external`` identity, as written in the file) when there is
    one, else the display name — made unique among ``person_ids``: identifiers
    of two logs that collide are given with their namespace, people who share
    a display name their record number (``"Ann Lee #12"``), so that no two
    persons ever collapse into one key."""
    names: dict[int, str] = {}
    external: dict[int, str] = {}  # person -> the identity's full value
    for start in range(0, len(person_ids), 900):
        chunk = person_ids[start : start + 900]
        names.update(
            conn.execute(select(Person.id, Person.display_name).where(Person.id.in_(chunk))).all()
        )
        for pid, raw, value in conn.execute(
            select(Identity.person_id, Identity.raw, Identity.value).where(
                Identity.person_id.in_(chunk), Identity.kind == "external"
            )
        ):
            names[pid] = raw or value
            external[pid] = value
    # two logs' "17" (namespaces "hr:17" and "crm:17"): the full values
    clashing = Counter(names[pid] for pid in external)
    for pid, value in external.items():
        if clashing[names[pid]] > 1:
            names[pid] = value
    # a display name shared with anyone else: the record number
    counts = Counter(names.values())
    for pid, label in names.items():
        if counts[label] > 1 and pid not in external:
            names[pid] = f"{label} #{pid}"
    return names


def dormant_ties(
    conn: Connection, ego: int, others: Collection[int], as_of: dt.datetime
) -> dict[int, dict[str, float]]:
    """Which of ego's ties with ``others`` are dormant as of a date, by the same rule
    as the classes (:func:`weakties.ties.model.is_dormant`), read from the pairs'
    own conversations only: other -> contacts, active months, days since contact.

    For a feed that asks about a few hundred contacts, this reads their traces
    and nothing else (no structure, no score).
    """
    kinds = [k for k, code in KIND_CODE.items() if code in CONVERSATION]
    at = epoch_seconds(as_of)
    wanted = sorted(set(others))
    found: list[tuple[float, float]] = []
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        found += raw_rows(
            conn,
            select(
                case(
                    (Interaction.sender_id == ego, Interaction.recipient_id),
                    else_=Interaction.sender_id,
                ),
                epoch_sql(conn, Interaction.occurred_at),
            ).where(
                Interaction.kind.in_(kinds),
                Interaction.occurred_at < as_of,
                or_(
                    (Interaction.sender_id == ego) & Interaction.recipient_id.in_(chunk),
                    (Interaction.recipient_id == ego) & Interaction.sender_id.in_(chunk),
                ),
            ),
        )
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
