"""Contact-to-contact ties inferred from shared places and shared conversations.

A LinkedIn export lists a member's own contacts, never who among them know each
other. Three traces suggest it, each kept as a tie with its own source and a
confidence, never mixed with declared ties:

- ``inferred_colleague``: two people at the same organisation at the same time —
  their own dated positions overlapping, or both seen there in the same
  connections list. The more people known at the organisation, the less it says
  (a 20-person firm, everyone knows everyone; a 20,000-person one, hardly):
  confidence = overlap x 1 / (1 + (k - 2) / 10) for k people known there;
  organisations with more than MAX_PLACE people known are skipped (no signal,
  quadratic cost).
- ``inferred_classmate``: the same school with overlapping years.
- ``inferred_corecipient``: people in the same group conversation or meeting
  (at most MAX_GROUP participants): confidence 1 - 0.6^k after k shared ones.

Inference is recomputed per member (``weakties ties infer``), from the data that
member imported, and can be switched off (``--off``): the inferred ties are then
deleted and graphs and features use declared ties only.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, delete, insert, or_, select

from weakties.model.tables import Interaction, Position, Setting, Tie, utcnow
from weakties.store.clock import data_now
from weakties.store.visibility import Viewer

__all__ = ["INFERRED_SOURCES", "InferenceReport", "infer_ties", "inference_enabled"]

INFERRED_SOURCES = ("inferred_colleague", "inferred_classmate", "inferred_corecipient")
MAX_PLACE = 200
MAX_GROUP = 20


@dataclass
class InferenceReport:
    member: str
    counts: Counter[str] = field(default_factory=Counter)
    skipped_places: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "member": self.member,
            "ties": dict(self.counts),
            "skipped_large_organisations": self.skipped_places,
        }


def inference_enabled(conn: Connection, viewer: Viewer) -> bool:
    value = conn.execute(
        select(Setting.value).where(Setting.key == f"infer_ties:{viewer.member_id}")
    ).scalar()
    return value != "off"


def _set_enabled(conn: Connection, viewer: Viewer, on: bool) -> None:
    key = f"infer_ties:{viewer.member_id}"
    conn.execute(delete(Setting).where(Setting.key == key))
    conn.execute(insert(Setting).values(key=key, value="on" if on else "off"))


def _overlap(
    a: tuple[dt.date | None, dt.date | None],
    b: tuple[dt.date | None, dt.date | None],
    today: dt.date,
) -> float:
    """Fraction (0..1) of the shorter stay spent together; 0.7 when it is only known
    that both were there on some day, or dates are unknown."""
    a_start, a_end = a
    b_start, b_end = b
    if a_start is None or b_start is None:
        return 0.7
    a_end, b_end = a_end or today, b_end or today
    if a_start == a_end or b_start == b_end:
        # one of them was only seen there on a day: together if that day is shared
        return 0.7 if max(a_start, b_start) <= min(a_end, b_end) else 0.0
    together = (min(a_end, b_end) - max(a_start, b_start)).days
    shorter = max(min((a_end - a_start).days, (b_end - b_start).days), 30)
    return max(0.0, min(1.0, together / shorter))


def _places(
    conn: Connection, viewer: Viewer, kind: str, today: dt.date
) -> dict[int, dict[int, tuple[dt.date | None, dt.date | None]]]:
    """organisation -> person -> (start, end) from the member's data."""
    places: dict[int, dict[int, tuple[dt.date | None, dt.date | None]]] = defaultdict(dict)
    for pid, org, start, end, current, seen, source in conn.execute(
        select(
            Position.person_id,
            Position.organization_id,
            Position.start_date,
            Position.end_date,
            Position.is_current,
            Position.seen_on,
            Position.source,
        ).where(
            Position.kind == kind,
            Position.organization_id.is_not(None),
            Position.asserted_by == viewer.member_id,
        )
    ):
        if source == "observed":
            if not current:
                continue
            # seen there on that date: together with whoever else was seen there then
            stay = (seen, seen) if kind == "job" else (start, end)
            stay = (None, None) if seen is None else stay
        elif end is None and not current:
            # ended, end unknown: only the first day is known to have been there
            stay = (start, start)
        else:
            stay = (start, end)
        if org is not None:
            places[org][pid] = stay
    return places


def infer_ties(
    conn: Connection, viewer: Viewer, *, enabled: bool | None = None, today: dt.date | None = None
) -> InferenceReport:
    """Recompute the member's inferred ties (or delete them when switched off)."""
    if enabled is not None:
        _set_enabled(conn, viewer, enabled)
    report = InferenceReport(viewer.handle)
    conn.execute(
        delete(Tie).where(Tie.asserted_by == viewer.member_id, Tie.source.in_(INFERRED_SOURCES))
    )
    if not inference_enabled(conn, viewer):
        return report
    day = today or data_now(conn).date()
    found: dict[tuple[int, int, str], float] = {}
    since: dict[tuple[int, int, str], dt.datetime | None] = {}
    for kind, source in (("job", "inferred_colleague"), ("study", "inferred_classmate")):
        for staying in _places(conn, viewer, kind, day).values():
            if len(staying) > MAX_PLACE:
                report.skipped_places += 1
                continue
            k = len(staying)
            size = 1.0 / (1.0 + max(k - 2, 0) / 10.0)
            for (p, ps), (q, qs) in itertools.combinations(sorted(staying.items()), 2):
                together = _overlap(ps, qs, day)
                if together <= 0:
                    continue
                key = (min(p, q), max(p, q), source)
                found[key] = max(found.get(key, 0.0), round(together * size, 3))
                # together from the later arrival; over several places, the earliest
                starts = [s for s in (ps[0], qs[0]) if s is not None]
                began = dt.datetime.combine(max(starts), dt.time()) if len(starts) == 2 else None
                known = since.get(key)
                if key not in since or (began is not None and (known is None or began < known)):
                    since[key] = began
    shared: Counter[tuple[int, int]] = Counter()
    first: dict[tuple[int, int], dt.datetime] = {}
    groups: dict[str, set[int]] = defaultdict(set)
    group_time: dict[str, dt.datetime] = {}
    for conversation, sender, recipient, when in conn.execute(
        select(
            Interaction.conversation,
            Interaction.sender_id,
            Interaction.recipient_id,
            Interaction.occurred_at,
        ).where(
            and_(
                # the member's data, and conversations they took part in that
                # another member's import brought in first (one row per message)
                or_(
                    Interaction.asserted_by == viewer.member_id,
                    Interaction.conversation.in_(
                        select(Interaction.conversation).where(
                            or_(
                                Interaction.sender_id == viewer.person_id,
                                Interaction.recipient_id == viewer.person_id,
                            ),
                            Interaction.conversation.is_not(None),
                        )
                    ),
                ),
                Interaction.group_size >= 2,
                Interaction.group_size <= MAX_GROUP,
                Interaction.conversation.is_not(None),
            )
        )
    ):
        if conversation is None:
            continue
        groups[conversation].update(p for p in (sender, recipient) if p is not None)
        if when is not None and (conversation not in group_time or when < group_time[conversation]):
            group_time[conversation] = when
    for conversation, people in groups.items():
        if len(people) > MAX_GROUP + 1:
            continue
        for p, q in itertools.combinations(sorted(people), 2):
            shared[(p, q)] += 1
            when = group_time.get(conversation)
            if when is not None and ((p, q) not in first or when < first[(p, q)]):
                first[(p, q)] = when
    for (p, q), k in shared.items():
        key = (p, q, "inferred_corecipient")
        found[key] = round(1.0 - 0.6**k, 3)
        since[key] = first.get((p, q))
    me = viewer.person_id
    rows = [
        {
            "person_a_id": a,
            "person_b_id": b,
            "source": source,
            "asserted_by": viewer.member_id,
            "since": since.get((a, b, source)),
            "confidence": confidence,
            "created_at": utcnow(),
        }
        for (a, b, source), confidence in sorted(found.items())
        if me not in (a, b)  # the member's own ties are declared, not guessed
    ]
    for start in range(0, len(rows), 5000):
        conn.execute(insert(Tie), rows[start : start + 5000])
    report.counts.update(str(row["source"]) for row in rows)
    return report
