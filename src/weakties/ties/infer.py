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
member imported, between people that member's own data knows (a tie inferred
from a conversation another member imported must not outlive that member's
sharing: it is stored as the member's own), and can be switched off
(``--off``): the inferred ties are then deleted and graphs and features use
declared ties only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weakties.model.kinds import INFERRED_SOURCES

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["INFERRED_SOURCES", "InferenceReport", "infer_ties", "inference_enabled"]

log = logging.getLogger(__name__)

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


def inference_enabled(reader: Reader, member: int | None = None) -> bool:
    """Whether a member (the viewer by default) lets ties be inferred from their data."""
    return reader.member_setting("infer_ties", member) != "off"


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
    reader: Reader, kind: str
) -> dict[int, dict[int, tuple[dt.date | None, dt.date | None]]]:
    """organisation -> person -> (start, end) from the member's data."""
    places: dict[int, dict[int, tuple[dt.date | None, dt.date | None]]] = defaultdict(dict)
    for pid, org, start, end, current, seen, source in reader.member_places(kind):
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
    reader: Reader, handle: str, *, today: dt.date | None = None
) -> tuple[InferenceReport, list[dict[str, Any]]]:
    """The ties to infer from the data of the reader's member, and what they are:
    ``(report, rows)``, each row a tie to store (person_a_id, person_b_id, source,
    since, confidence). Writing them is the caller's (the service's) business."""
    member, me = reader.scope.member_id, reader.scope.person_id
    if member is None or me is None:
        raise ValueError("inferring ties needs a member's reader")
    report = InferenceReport(handle)
    day = today or reader.now.date()
    found: dict[tuple[int, int, str], float] = {}
    since: dict[tuple[int, int, str], dt.datetime | None] = {}
    for kind, source in (("job", "inferred_colleague"), ("study", "inferred_classmate")):
        for staying in _places(reader, kind).values():
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
    for conversation, sender, recipient, when in reader.group_traces(member, me, MAX_GROUP):
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
    # only people the member's own data knows: a tie inferred while another member
    # shared their data must not outlive their sharing (it is stored as the
    # member's own)
    own = reader.own_people()
    rows: list[dict[str, Any]] = [
        {
            "person_a_id": a,
            "person_b_id": b,
            "source": source,
            "since": since.get((a, b, source)),
            "confidence": confidence,
        }
        for (a, b, source), confidence in sorted(found.items())
        if me not in (a, b)  # the member's own ties are declared, not guessed
        and a in own
        and b in own
    ]
    report.counts.update(str(row["source"]) for row in rows)
    log.info(
        "inferred for %s: %s; %d organisation(s) too large to say anything; %d pair(s) "
        "left out (people only another member's data knows)",
        handle,
        dict(report.counts) or "nothing",
        report.skipped_places,
        sum(1 for a, b, _ in found if me not in (a, b)) - len(rows),
    )
    return report, rows
