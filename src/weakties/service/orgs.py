"""Organisations as a member (or every member) may see them: the list, duplicate
proposals, merges on command."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from weakties.records import build_list
from weakties.service.context import Viewer, reader

__all__ = ["MergeResult", "OrgRef", "OrgRow", "OrgSuggestion", "merge", "orgs", "suggest_merges"]


@dataclass(frozen=True, slots=True)
class OrgRow:
    """An organisation, with how many people (the viewer may count) are there now
    and were ever (jobs and studies)."""

    id: int
    name: str
    kind: str
    industry: str | None
    people_now: int
    people_ever: int
    aliases: list[str]


@dataclass(frozen=True, slots=True)
class OrgRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class OrgSuggestion:
    """Two organisations that may be one (never merged without a command)."""

    a: OrgRef
    b: OrgRef
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class MergeResult:
    into: int
    positions: int
    follows: int
    aliases: int


def orgs(
    conn: Connection, who: Viewer, *, search: str | None = None, limit: int | None = None
) -> list[OrgRow]:
    """The organisations the viewer may see, most people there now first."""
    return build_list(OrgRow, reader(conn, who).list_orgs(search=search, limit=limit))


def suggest_merges(
    conn: Connection, who: Viewer, *, threshold: float = 88.0, limit: int = 100
) -> list[OrgSuggestion]:
    """Organisations the viewer may see whose names are close, best first."""
    from weakties.store.orgs import suggest_merges as suggest

    found = suggest(reader(conn, who), threshold=threshold, limit=limit)
    return [
        OrgSuggestion(OrgRef(s.a, s.a_name), OrgRef(s.b, s.b_name), round(s.score, 1), s.reason)
        for s in found
    ]


def merge(conn: Connection, who: Viewer, sources: list[str], into: str) -> MergeResult:
    """Merge organisations (the viewer may see) into one: positions, follows,
    targets, asks and spellings move over."""
    from weakties.store.orgs import merge_orgs

    r = reader(conn, who)
    target = r.find_org(into)
    moved = merge_orgs(conn, [r.find_org(s) for s in sources], target)
    return MergeResult(target, moved["positions"], moved["follows"], moved["aliases"])
