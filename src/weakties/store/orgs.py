"""Organisations: fuzzy duplicate proposals, and merges done only on command.

Names with the same normal form are already one organisation. Names that are
only *close* ("Accenture" / "Accenture Federal Services", "Procter and Gamble" /
"Procter & Gamble Co") may or may not be the same employer; this module ranks
such pairs with ``rapidfuzz`` and leaves the decision to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from weakties.errors import InputError, NotFoundError
from weakties.model.tables import Ask, Follow, OrgAlias, Organization, Position, Target
from weakties.store.reader import Reader

__all__ = ["MergeSuggestion", "merge_orgs", "suggest_merges"]


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
    reader: Reader, *, threshold: float = 88.0, limit: int = 200
) -> list[MergeSuggestion]:
    """Pairs of organisations whose normal forms are close, best first.

    Scores are ``rapidfuzz`` token-set ratios (0–100) over normal forms; a pair
    where one name is the other plus words ("Accenture" / "Accenture Federal
    Services") scores 100 on token sets and is reported as *contained*, which is
    often a subsidiary rather than a duplicate — hence never merged automatically.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    rows = reader.merge_candidates()
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
