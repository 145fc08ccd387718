"""Search: one box for people, organisations, groups, posts and jobs (``/search``,
typeahead by htmx)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.service import search as search_service
from weakties.service.jobs import EMPLOYMENT_LABELS, WORKPLACE_LABELS
from weakties.web.deps import ApiMember, Page
from weakties.web.render import render
from weakties.web.routes.api import MemberOut, UtcDatetime, _errors
from weakties.web.routes.social_api import JobOut, _job, _m

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
    return render(
        ctx,
        "search.html",
        results=found,
        kind=kind,
        workplace_labels=WORKPLACE_LABELS,
        employment_labels=EMPLOYMENT_LABELS,
    )


#: results of each kind in the header box's suggestions
SUGGESTED = 3


@router.get("/search/suggest")
def search_suggest(ctx: Page, q: str = Query("", max_length=200)) -> Response:
    """The search box of every page suggests as one types (htmx swaps this fragment
    under it); without JavaScript the box is a plain form to ``/search``."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = search_service.search(conn, account.viewer(conn), q, limit=SUGGESTED)
    return render(ctx, "_search_suggest.html", results=found)


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


class PostHitOut(BaseModel):
    id: int
    author: MemberOut
    audience: str = Field(description="everyone, connections or group")
    group: str | None
    created_at: UtcDatetime
    excerpt: str = Field(description="the post's text without its markup, cut (plain text)")


def _post_hit(p: search_service.PostHit) -> PostHitOut:
    return PostHitOut(
        id=p.id,
        author=_m(p.author),
        audience=p.audience,
        group=p.group,
        created_at=p.created_at,
        excerpt=p.excerpt,
    )


class SearchOut(BaseModel):
    query: str
    people: list[PersonHitOut]
    organizations: list[OrgHitOut]
    groups: list[OrgHitOut]
    posts: list[PostHitOut] = Field(description="those you may read, newest first")
    jobs: list[JobOut] = Field(description="open ones, newest first")


@api_router.get("/search", response_model=SearchOut)
def search(
    ctx: ApiMember,
    q: str = Query("", max_length=200, description="words; each matches as a prefix"),
    kind: str = Query("", pattern="^(|people|organizations|groups|posts|jobs)$"),
    limit: int = Query(20, ge=1, le=100),
) -> SearchOut:
    """People, organisations, groups, posts and jobs matching every word, as you
    may see them; accents and case ignored; people nearer to you first among
    equals; posts you may read and open jobs, newest first."""
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
        posts=[_post_hit(p) for p in found.posts],
        jobs=[_job(j) for j in found.jobs],
    )
