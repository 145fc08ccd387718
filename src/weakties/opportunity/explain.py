"""Explanations: how two people know each other, and one line per path.

"Sam Lee — strong tie, 14 exchanges this year — worked with Ann Roy at Acme
2019–2022, 3 mutual contacts."
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.opportunity.paths import STATUS_NAMES, IntroPaths, describe_score
from weakties.ties.strength import ago

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["Relation", "ego_text", "explain_paths", "relation"]


@dataclass(frozen=True)
class Relation:
    """How ``a`` knows ``b``, best evidence first."""

    kind: str  # colleague / classmate / group / same_org / connection / corecipient / ...
    text: str  # "worked with Ann Roy at Acme 2019–2022" (a's point of view)
    org: str | None = None
    start: int | None = None
    end: int | None = None  # None = still

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "org": self.org,
            "from": self.start,
            "to": self.end,
        }


def _span(start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    b = "now" if end is None else str(end)
    return f" {start}" if b == str(start) else f" {start}–{b}"


def relation(
    reader: Reader,
    a: int,
    b: int,
    *,
    names: dict[int, str] | None = None,
    prefer_org: set[int] | None = None,
    today: dt.date | None = None,
    places: dict[int, list[Any]] | None = None,
    pair_ties: dict[tuple[int, int], list[tuple[str, Any]]] | None = None,
) -> Relation:
    """How ``a`` knows ``b``: overlapping jobs or studies (with the years), a
    shared group, both at the same place now, a declared tie, shared conversations —
    from what the reader's scope may see (``places``: both people's positions as
    :meth:`~weakties.store.read_positions.PositionReads.places_of` read them, when
    read already; ``pair_ties``: the pair's ties as
    :meth:`~weakties.store.read_ties.TieReads.pairs_ties` read them, likewise)."""
    names = names if names is not None else reader.names([b])
    who = names.get(b, f"#{b}")
    now = today or reader.now.date()
    if places is not None and a in places and b in places:
        held = {a: places[a], b: places[b]}
    else:
        held = reader.relation_places(a, b)
    best: tuple[tuple[int, ...], Relation] | None = None
    for p in held[a]:
        for q in held[b]:
            if p.organization_id != q.organization_id or p.pkind != q.pkind:
                continue
            org = p.name
            preferred = 1 if prefer_org and p.organization_id in prefer_org else 0
            if p.pkind == "group":
                candidate = Relation("group", f"is in {org} with {who}", org)
                rank: tuple[int, ...] = (preferred, 1, 0)
            elif p.start_date and q.start_date:
                start = max(p.start_date, q.start_date)
                ends = [
                    (x.end_date if x.end_date else (None if x.is_current else x.start_date))
                    for x in (p, q)
                ]
                end_dates = [e for e in ends if e is not None]
                end = min(end_dates) if end_dates else None
                if end is not None and end < start:
                    continue  # there at different times
                until = (
                    None if end is None or (end >= now and all(e is None for e in ends)) else end
                )
                years = (start.year, None if until is None else until.year)
                verb = "worked with" if p.pkind == "job" else "studied with"
                kind = "colleague" if p.pkind == "job" else "classmate"
                candidate = Relation(
                    kind, f"{verb} {who} at {org}{_span(*years)}", org, years[0], years[1]
                )
                overlap_days = ((end or now) - start).days
                rank = (preferred, 3, overlap_days)
            elif p.is_current and q.is_current:
                verb = "works with" if p.pkind == "job" else "studies with"
                candidate = Relation("same_org", f"{verb} {who} at {org}", org)
                rank = (preferred, 2, 0)
            else:
                continue
            if best is None or rank > best[0]:
                best = (rank, candidate)
    if best is not None:
        return best[1]
    pair = (min(a, b), max(a, b))
    known = pair_ties.get(pair) if pair_ties is not None else None
    ties = known if known is not None else reader.pair_ties(a, b)
    sources = {s for s, _ in ties}
    since = min((s for _, s in ties if s is not None), default=None)
    if sources & {"connection", "platform", "manual"}:
        text = (
            f"has been connected with {who} since {since.year}"
            if since
            else f"is connected with {who}"
        )
        return Relation("connection", text, start=since.year if since else None)
    if "inferred_corecipient" in sources:
        return Relation("corecipient", f"was in the same conversations or meetings as {who}")
    if "address_book" in sources:
        return Relation("address_book", f"has {who} in their address book")
    if "inferred_colleague" in sources:
        return Relation("colleague", f"was at the same place at the same time as {who}")
    if "inferred_classmate" in sources:
        return Relation("classmate", f"was at the same school at the same time as {who}")
    return Relation("knows", f"knows {who}")


def ego_text(klass: str, contacts_year: float, days: float) -> str:
    """The viewer's tie in a few words: "strong tie, 14 exchanges this year"."""
    head = f"{klass} tie"
    if not np.isnan(contacts_year) and contacts_year > 0:
        return f"{head}, {int(contacts_year)} exchange{'s' if contacts_year != 1 else ''} this year"
    if np.isnan(days):
        return f"{head}, never in touch"
    return f"{head}, last contact {ago(days)}"


def explain_paths(
    reader: Reader,
    paths: IntroPaths,
    chosen: np.ndarray,
    *,
    roles: dict[int, Any] | None = None,
    prefer_org: set[int] | None = None,
) -> list[dict[str, Any]]:
    """One explained record per chosen path, in the given order."""
    net, g = paths.net, paths.net.graph
    roles = roles or {}
    nodes: set[int] = set()
    for i in chosen.tolist():
        nodes.update(
            int(x) for x in (paths.target[i], paths.first[i], paths.second[i]) if int(x) >= 0
        )
    pid = {x: g.person_of(x) for x in nodes}
    names = reader.names(pid.values())
    # the positions of everyone on a brokered path, in one read (not two per path)
    places = reader.places_of(
        pid[int(x)]
        for i in chosen.tolist()
        if int(paths.length[i]) > 1
        for x in (paths.target[i], paths.first[i], paths.second[i])
        if int(x) >= 0
    )
    # and the ties of each hop, in one read too (a hop is read when neither person's
    # positions say how they know each other)
    hops = {
        (pid[int(x)], pid[int(y)])
        for i in chosen.tolist()
        if int(paths.length[i]) > 1
        for x, y in pairwise(
            [int(v) for v in (paths.first[i], paths.second[i], paths.target[i]) if int(v) >= 0]
        )
    }
    ties = reader.pairs_ties(hops)
    today = net.as_of.date()
    out = []
    for rank, i in enumerate(chosen.tolist(), start=1):
        n = int(paths.length[i])
        t = int(paths.target[i])
        target = pid[t]
        role = roles.get(target)
        record: dict[str, Any] = {
            "rank": rank,
            "length": n,
            "target": {
                "id": target,
                "name": names.get(target),
                "role": role.text() if role is not None else None,
            },
            "status": STATUS_NAMES[int(paths.status[i])],
            **describe_score(paths, i),
        }
        if n == 1:
            facts = net.ego.take(np.array([t]))
            record["why"] = f"you know {names.get(target)} yourself — " + ego_text(
                str(facts["klass"][0]),
                facts["contacts_last_year"][0],
                facts["days_since_contact"][0],
            )
            out.append(record)
            continue
        b = int(paths.first[i])
        broker = pid[b]
        facts = net.ego.take(np.array([b]))
        klass = str(facts["klass"][0])
        # counted again on the ties as they stand, when the network may be old
        # (:func:`weakties.service.introductions._recount`)
        counted = paths.extra.get("mutual", {}).get(b)
        mutual = int(g.mutual(net.viewer, b).size) if counted is None else int(counted)
        ego_line = ego_text(klass, facts["contacts_last_year"][0], facts["days_since_contact"][0])
        record["broker"] = {
            "id": broker,
            "name": names.get(broker),
            "tie": klass,
            "tie_score": None
            if np.isnan(facts["score"][0])
            else round(float(facts["score"][0]), 3),
            "exchanges_this_year": None
            if np.isnan(facts["contacts_last_year"][0])
            else int(facts["contacts_last_year"][0]),
            "mutual_contacts": mutual,
        }
        if n == 2:
            rel = relation(
                reader,
                broker,
                target,
                names=names,
                prefer_org=prefer_org,
                today=today,
                places=places,
                pair_ties=ties,
            )
            record["relation"] = rel.as_dict()
            onward = rel.text
        else:
            m = int(paths.second[i])
            middle = pid[m]
            first_rel = relation(
                reader, broker, middle, names=names, today=today, places=places, pair_ties=ties
            )
            second_rel = relation(
                reader,
                middle,
                target,
                names=names,
                prefer_org=prefer_org,
                today=today,
                places=places,
                pair_ties=ties,
            )
            record["via"] = {
                "id": middle,
                "name": names.get(middle),
                "relation": first_rel.as_dict(),
            }
            record["relation"] = second_rel.as_dict()
            onward = f"{first_rel.text}, who {second_rel.text}"
        tail = f"{mutual} mutual contact{'s' if mutual != 1 else ''}"
        if paths.only_way[i]:
            tail += f"; your only way to {names.get(target)}"
        status = STATUS_NAMES[int(paths.status[i])]
        if status == "pending":
            since = net.history_of(b).open_since
            tail += f"; ask pending since {since.date().isoformat() if since else '?'}"
        elif status == "resting":
            until = net.history_of(b).resting_until
            day = until.isoformat() if until else "?"
            tail += f"; let them rest until {day} after your last ask"
        elif status == "do_not_ask":
            marked = paths.extra.get("do_not_ask", set())
            who = [x for x in (b, int(paths.second[i]), t) if x >= 0 and x in marked]
            tail += "; " + (
                f"{names.get(pid[who[0]])} does not want to be asked" if who else "not to be asked"
            )
        record["why"] = f"{names.get(broker)} — {ego_line} — {onward}, {tail}"
        out.append(record)
    return out
