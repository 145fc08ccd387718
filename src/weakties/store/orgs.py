"""Organisations: listing, fuzzy duplicate proposals, and merges done only on command.

Names with the same normal form are already one organisation. Names that are
only *close* ("Accenture" / "Accenture Federal Services", "Procter and Gamble" /
"Procter & Gamble Co") may or may not be the same employer; this module ranks
such pairs with ``rapidfuzz`` and leaves the decision to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, delete, func, select, update

from weakties.model.orgnames import org_key
from weakties.model.tables import Ask, Follow, OrgAlias, Organization, Position, Target
from weakties.store.errors import AmbiguousError, InputError, NotFoundError

__all__ = ["MergeSuggestion", "find_org", "list_orgs", "merge_orgs", "suggest_merges"]


def list_orgs(
    conn: Connection, *, search: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Organisations with how many people work there now and ever (jobs and studies)."""
    current = (
        select(Position.organization_id, func.count(func.distinct(Position.person_id)).label("n"))
        .where(Position.is_current.is_(True), Position.kind == "job")
        .group_by(Position.organization_id)
        .subquery()
    )
    ever = (
        select(Position.organization_id, func.count(func.distinct(Position.person_id)).label("n"))
        .group_by(Position.organization_id)
        .subquery()
    )
    query = (
        select(
            Organization.id,
            Organization.name,
            Organization.kind,
            Organization.industry,
            func.coalesce(current.c.n, 0),
            func.coalesce(ever.c.n, 0),
        )
        .outerjoin(current, current.c.organization_id == Organization.id)
        .outerjoin(ever, ever.c.organization_id == Organization.id)
        .order_by(func.coalesce(current.c.n, 0).desc(), Organization.name)
    )
    if search:
        query = query.where(Organization.norm_name.like(f"%{org_key(search)}%"))
    if limit:
        query = query.limit(limit)
    aliases: dict[int, list[str]] = {}
    for org_id, alias in conn.execute(select(OrgAlias.organization_id, OrgAlias.alias)):
        aliases.setdefault(org_id, []).append(alias)
    return [
        {
            "id": oid,
            "name": name,
            "kind": kind,
            "industry": industry,
            "people_now": now,
            "people_ever": ever_n,
            "aliases": sorted(a for a in aliases.get(oid, []) if a != name),
        }
        for oid, name, kind, industry, now, ever_n in conn.execute(query)
    ]


def find_org(conn: Connection, query: str) -> int:
    """An organisation by ``#id``, exact name, alias or normal form."""
    text = query.strip()
    if text.lstrip("#").isdigit():
        oid = int(text.lstrip("#"))
        if conn.execute(select(Organization.id).where(Organization.id == oid)).first():
            return oid
        raise NotFoundError(f"no organisation #{oid}")
    ids = sorted(
        set(
            conn.execute(
                select(OrgAlias.organization_id).where(OrgAlias.norm_alias == org_key(text))
            ).scalars()
        )
    )
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise AmbiguousError(f"several organisations are called {query!r}", [f"#{i}" for i in ids])
    raise NotFoundError(f"no organisation called {query!r} (try weakties orgs --search)")


@dataclass(frozen=True)
class MergeSuggestion:
    a: int
    a_name: str
    b: int
    b_name: str
    score: float
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": {"id": self.a, "name": self.a_name},
            "b": {"id": self.b, "name": self.b_name},
            "score": round(self.score, 1),
            "reason": self.reason,
        }


def suggest_merges(
    conn: Connection, *, threshold: float = 88.0, limit: int = 200
) -> list[MergeSuggestion]:
    """Pairs of organisations whose normal forms are close, best first.

    Scores are ``rapidfuzz`` token-set ratios (0–100) over normal forms; a pair
    where one name is the other plus words ("Accenture" / "Accenture Federal
    Services") scores 100 on token sets and is reported as *contained*, which is
    often a subsidiary rather than a duplicate — hence never merged automatically.
    """
    rows = conn.execute(
        select(Organization.id, Organization.name, Organization.norm_name, Organization.kind)
    ).all()
    suggestions: list[MergeSuggestion] = []
    for kind in sorted({r.kind for r in rows}):
        group = [r for r in rows if r.kind == kind and r.norm_name]
        if len(group) < 2:
            continue
        names = [r.norm_name for r in group]
        # Blocks of 2,000 rows keep the score matrix small (uint8, 2,000 x n).
        for start in range(0, len(names), 2000):
            scores = process.cdist(
                names[start : start + 2000],
                names,
                scorer=fuzz.token_set_ratio,
                score_cutoff=threshold,
                dtype=np.uint8,
                workers=-1,
            )
            for i, j in zip(*np.nonzero(scores), strict=True):
                gi = start + int(i)
                if gi >= int(j):
                    continue
                a, b = group[gi], group[int(j)]
                ratio = fuzz.ratio(a.norm_name, b.norm_name)
                ta, tb = set(a.norm_name.split()), set(b.norm_name.split())
                reason = "contained" if (ta < tb or tb < ta) else "similar spelling"
                score = max(float(ratio), float(scores[i, j]) - (8 if reason == "contained" else 0))
                if score < threshold:
                    continue
                suggestions.append(MergeSuggestion(a.id, a.name, b.id, b.name, score, reason))
    suggestions.sort(key=lambda s: (-s.score, s.a_name))
    return suggestions[:limit]


def merge_orgs(conn: Connection, sources: list[int], target: int) -> dict[str, int]:
    """Merge organisations into ``target``: positions, follows, targets, asks and
    aliases move over.

    Returns what moved. Runs in the caller's transaction.
    """
    if target in sources:
        raise InputError("cannot merge an organisation into itself")
    exists = set(
        conn.execute(
            select(Organization.id).where(Organization.id.in_([*sources, target]))
        ).scalars()
    )
    missing = [i for i in [*sources, target] if i not in exists]
    if missing:
        raise NotFoundError(f"no organisation #{missing[0]}")
    moved = {"positions": 0, "follows": 0, "aliases": 0}
    for src in sources:
        moved["positions"] += (
            conn.execute(
                update(Position)
                .where(Position.organization_id == src)
                .values(organization_id=target)
            ).rowcount
            or 0
        )
        # A member following (or targeting) both keeps one row.
        for table in (Follow, Target):
            holders = set(
                conn.execute(
                    select(table.member_id).where(table.organization_id == target)
                ).scalars()
            )
            conn.execute(
                delete(table).where(
                    table.organization_id == src, table.member_id.in_(holders or {-1})
                )
            )
            done = conn.execute(
                update(table).where(table.organization_id == src).values(organization_id=target)
            ).rowcount
            if table is Follow:
                moved["follows"] += done or 0
        conn.execute(update(Ask).where(Ask.target_org_id == src).values(target_org_id=target))
        moved["aliases"] += (
            conn.execute(
                update(OrgAlias)
                .where(OrgAlias.organization_id == src)
                .values(organization_id=target)
            ).rowcount
            or 0
        )
        conn.execute(delete(Organization).where(Organization.id == src))
    return moved
