"""A member's ties to review: every tie with its class, Dunbar layer and reasons,
filtered and sorted, and the member's corrections.

A correction ("we are close", "we never met") is the member's label for the tie,
kept in the ``tie_label`` table — the labels that ``weakties ties calibrate`` fits
the member's own tie strength model on (docs/network-pages.md). A label never
changes the score shown next to it: it is shown beside it as the member's own word.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from weakties.errors import InputError, NotFoundError
from weakties.records import build_list
from weakties.service.context import Viewer, person_of, reader
from weakties.service.ties import Reason, TieExplanation
from weakties.store import write

__all__ = [
    "CORRECTIONS",
    "SORTS",
    "Correction",
    "TieDetail",
    "TieRow",
    "TieTable",
    "correct",
    "tie_detail",
    "tie_table",
]

#: what a member may say of a tie, and the label it is kept as (class, closeness)
CORRECTIONS: dict[str, tuple[str, int]] = {
    "close": ("strong", 5),
    "acquaintance": ("weak", 2),
    "lost_touch": ("dormant", 2),
    "never_met": ("nominal", 1),
}
_SAID = {label: said for said, (label, _) in CORRECTIONS.items()}

#: the orders a tie table may be sorted in (the first is the default)
SORTS = ("strength", "name", "contacts", "recent", "mutual")
CLASSES = ("strong", "weak", "dormant", "nominal")


@dataclass(frozen=True, slots=True)
class TieRow:
    """One of the member's ties as the table shows it."""

    id: int
    name: str | None
    handle: str | None
    score: float
    klass: str = field(metadata={"json": "class"})
    layer: int | None
    contacts: int
    days_since_contact: float | None
    mutual_contacts: int
    org: str | None
    industry: str | None
    location: str | None
    correction: str | None
    reasons: list[Reason]


@dataclass(frozen=True, slots=True)
class TieTable:
    """A page of the member's ties, with the filters and order that made it."""

    viewer: str
    as_of: str
    model: str
    total: int
    matching: int
    offset: int
    limit: int
    sort: str
    filters: dict[str, str | int | None]
    counts: dict[str, int]
    ties: list[TieRow]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """What the member now says of one tie (``said`` None: the label is gone)."""

    person_id: int
    said: str | None
    label: str | None
    closeness: int | None


def _days(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


def _fold(text: str | None) -> str:
    return (text or "").casefold().strip()


def _scored(conn: Connection, who: Viewer) -> tuple[Any, ...]:
    """The member's scored ties and what the table shows of each person (kept
    while the graph and the traces are unchanged: :mod:`weakties.service.live`)."""
    from weakties.service.social import shown_reader
    from weakties.ties.strength import score_ties

    # the layers rank the ties the member is shown, as the value report's do
    r = shown_reader(conn, who)
    scores = score_ties(r, as_of=who.as_of)
    others = [scores.other(i) for i in range(len(scores))]
    names = r.names(others)
    people = r.person_rows(others)
    jobs = r.current_jobs(others)
    handles = r.member_handles()
    labels = {row.person_id: row.label for row in r.tie_labels()}
    return scores, others, names, people, jobs, handles, labels


def tie_table(
    conn: Connection,
    who: Viewer,
    *,
    klass: str | None = None,
    layer: int | None = None,
    org: str | None = None,
    industry: str | None = None,
    location: str | None = None,
    name: str | None = None,
    corrected: bool | None = None,
    person_id: int | None = None,
    sort: str = "strength",
    offset: int = 0,
    limit: int = 100,
) -> TieTable:
    """The member's ties matching every filter given (class, layer, current
    organisation, industry, location — exact, case-insensitive —, a part of the
    name, corrected or not, one person), in ``sort`` order, ``limit`` from ``offset``.
    A member with a block between them and the viewer, or suspended, is neither
    listed nor counted, though the viewer's own data holds the tie.

    Raises
    ------
    InputError
        An unknown class or sort order, a negative offset or a limit out of 1..1000.
    """
    from weakties.ties.strength import DUNBAR_LAYERS

    if klass is not None and klass not in CLASSES:
        raise InputError(f"a tie class is one of {', '.join(CLASSES)}, not {klass!r}")
    if layer is not None and layer not in DUNBAR_LAYERS:
        raise InputError(f"a Dunbar layer is one of {', '.join(map(str, DUNBAR_LAYERS))}")
    if sort not in SORTS:
        raise InputError(f"sort by one of {', '.join(SORTS)}, not {sort!r}")
    if offset < 0 or not 1 <= limit <= 1000:
        raise InputError("offset must be 0 or more and limit from 1 to 1000")
    from weakties.service.live import memo
    from weakties.service.social import hidden_people

    person_of(who)
    scores, others, names, people, jobs, handles, labels = memo(
        conn, who, "tie_table", lambda: _scored(conn, who)
    )
    layers = scores.layer
    assert layers is not None
    hidden = hidden_people(conn, who)
    shown = [i for i in range(len(scores)) if others[i] not in hidden]
    t = scores.table.values

    def org_of(pid: int) -> str | None:
        found = jobs.get(pid)
        return str(found[0]["org"]) if found and found[0].get("org") else None

    def keep(i: int) -> bool:
        pid = others[i]
        row = people.get(pid)
        checks = (
            klass is None or scores.classes[i] == klass,
            layer is None or int(layers[i]) == layer,
            org is None or _fold(org) in {_fold(j.get("org")) for j in jobs.get(pid, [])},
            industry is None or (row is not None and _fold(row.industry) == _fold(industry)),
            location is None or (row is not None and _fold(row.location) == _fold(location)),
            name is None or _fold(name) in _fold(names.get(pid)),
            corrected is None or (pid in labels) == corrected,
            person_id is None or pid == person_id,
        )
        return all(checks)

    chosen = [i for i in shown if keep(i)]
    keys: dict[str, Callable[[int], Any]] = {
        "strength": lambda i: (-float(scores.score[i]), others[i]),
        "name": lambda i: (_fold(names.get(others[i])) or "~", others[i]),
        "contacts": lambda i: (-int(t["contacts"][i]), -float(scores.score[i]), others[i]),
        "recent": lambda i: (
            _days(float(t["days_since_contact"][i])) is None,
            float(t["days_since_contact"][i]) if not math.isnan(t["days_since_contact"][i]) else 0,
            others[i],
        ),
        "mutual": lambda i: (-int(t["mutual_contacts"][i]), -float(scores.score[i]), others[i]),
    }
    chosen.sort(key=keys[sort])
    shown_classes = scores.classes[shown] if hidden else scores.classes
    counts = {k: int((shown_classes == k).sum()) for k in CLASSES}
    rows = []
    for i in chosen[offset : offset + limit]:
        pid = others[i]
        person = people.get(pid)
        rows.append(
            {
                "id": pid,
                "name": names.get(pid),
                "handle": handles.get(pid),
                "score": round(float(scores.score[i]), 4),
                "class": str(scores.classes[i]),
                "layer": int(layers[i]) or None,
                "contacts": int(t["contacts"][i]),
                "days_since_contact": _days(float(t["days_since_contact"][i])),
                "mutual_contacts": int(t["mutual_contacts"][i]),
                "org": org_of(pid),
                "industry": person.industry if person is not None else None,
                "location": person.location if person is not None else None,
                "correction": _SAID.get(labels[pid]) if labels.get(pid) else None,
                "reasons": scores.reasons(i, top=3),
            }
        )
    return TieTable(
        viewer=who.label,
        as_of=scores.as_of.date().isoformat(),
        model=scores.model_name,
        total=len(shown),
        matching=len(chosen),
        offset=offset,
        limit=limit,
        sort=sort,
        filters={
            "class": klass,
            "layer": layer,
            "org": org,
            "industry": industry,
            "location": location,
            "name": name,
            "corrected": None if corrected is None else ("yes" if corrected else "no"),
        },
        counts=counts,
        ties=build_list(TieRow, rows),
        note=who.note,
    )


@dataclass(frozen=True, slots=True)
class TieDetail:
    """One of the member's ties in full (every feature and reason) and as the table
    shows it (with the member's correction)."""

    tie: TieExplanation
    row: TieRow


def tie_detail(conn: Connection, who: Viewer, person_id: int) -> TieDetail:
    """One of the member's ties in full.

    Raises
    ------
    NotFoundError
        The person is not one of the member's ties (nobody reads another's).
    """
    from weakties.service.ties import explain

    table = tie_table(conn, who, person_id=person_id, limit=1)
    if not table.ties:
        raise NotFoundError(f"no tie of yours with person #{person_id}")
    return TieDetail(explain(conn, who, f"#{person_id}"), table.ties[0])


def correct(conn: Connection, who: Viewer, person_id: int, said: str | None) -> Correction:
    """Keep what the member says of their tie with ``person_id`` (one of
    :data:`CORRECTIONS`) as their label, or forget it (``said`` None).

    Raises
    ------
    InputError
        An unknown correction.
    NotFoundError
        The person is not one of the member's ties.
    """
    from weakties.service.social import hidden_people
    from weakties.ties.strength import score_ties

    if said is not None and said not in CORRECTIONS:
        raise InputError(f"say one of {', '.join(CORRECTIONS)}, not {said!r}", field="said")
    person_of(who)
    r = reader(conn, who)
    scores = score_ties(r, as_of=who.as_of, others=[person_id])
    if scores.index_of_person(person_id) is None or person_id in hidden_people(conn, who):
        raise NotFoundError(f"no tie of yours with person #{person_id}")
    if said is None:
        write.clear_label(r, person_id)
        return Correction(person_id, None, None, None)
    label, closeness = CORRECTIONS[said]
    write.set_label(r, person_id, label=label, closeness=closeness)
    return Correction(person_id, said, label, closeness)
