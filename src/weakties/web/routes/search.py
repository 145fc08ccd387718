"""Search: one box for people, organisations and groups (``/search``, typeahead by htmx)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.service import search as search_service
from weakties.web.deps import ApiMember, Page
from weakties.web.render import render
from weakties.web.routes.api import _errors

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 422))


def _kinds(kind: str) -> tuple[str, ...]:
    return (kind,) if kind in search_service.KINDS else search_service.KINDS


@router.get("/search")
def search_page(ctx: Page, q: str = Query("", max_length=200), kind: str = "") -> Response:
    """The results page; with htmx, the box above it refreshes ``#results`` as one types."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = search_service.search(conn, account.viewer(conn), q, kinds=_kinds(kind))
    return render(ctx, "search.html", results=found, kind=kind)


class PersonHitOut(BaseModel):
    name: str
    handle: str | None = Field(description="when they are a member")
    headline: str | None
    degree: int | None = Field(description="1, 2, 0 for you; null: 3rd+ or unknown")


class OrgHitOut(BaseModel):
    id: int
    name: str
    kind: str
    industry: str | None


class SearchOut(BaseModel):
    query: str
    people: list[PersonHitOut]
    organizations: list[OrgHitOut]
    groups: list[OrgHitOut]


@api_router.get("/search", response_model=SearchOut)
def search(
    ctx: ApiMember,
    q: str = Query("", max_length=200, description="words; each matches as a prefix"),
    kind: str = Query("", pattern="^(|people|organizations|groups)$"),
    limit: int = Query(20, ge=1, le=100),
) -> SearchOut:
    """People, organisations and groups matching every word, as you may see them;
    accents and case ignored; people nearer to you first among equals."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = search_service.search(
            conn, account.viewer(conn), q, kinds=_kinds(kind), limit=limit
        )
    return SearchOut(
        query=found.query,
        people=[
            PersonHitOut(name=p.name, handle=p.handle, headline=p.headline, degree=p.degree)
            for p in found.people
        ],
        organizations=[
            OrgHitOut(id=o.id, name=o.name, kind=o.kind, industry=o.industry)
            for o in found.organizations
        ],
        groups=[
            OrgHitOut(id=o.id, name=o.name, kind=o.kind, industry=o.industry) for o in found.groups
        ],
    )
