"""Opinion leaders: ``/network/opinion-leaders`` (members within two steps, ranked,
each with a one-click follow) and ``/api/v1/network/opinion-leaders``. Following
from the API: ``POST /api/v1/members/<handle>/follow``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from weakties.records import to_json
from weakties.service import follows
from weakties.service.leaders import opinion_leaders
from weakties.web.deps import ApiMember, Page
from weakties.web.render import redirect, render
from weakties.web.routes.api import _errors

__all__ = ["api", "router"]

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/network", tags=["network"], responses=_errors(401, 422))
PAGE = "/network/opinion-leaders"


@router.get(PAGE)
def leaders_page(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = opinion_leaders(conn, account.viewer(conn))
    return render(ctx, "leaders.html", found=found)


@router.post(f"{PAGE}/{{handle}}/follow")
def follow(ctx: Page, handle: str) -> Response:
    """One click: follow a member from the list, and back to it."""
    account = ctx.require()
    with ctx.tx() as conn:
        follows.follow(conn, account.viewer(conn), "member", handle)
    return redirect(PAGE)


@api.get("/opinion-leaders", response_model=dict[str, Any])
def leaders_api(ctx: ApiMember, top: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    """The members within two steps of you whom most of your second degree hears:
    ``in_reach`` (the people within two steps of you they are tied to),
    ``centrality`` (that share: degree centrality in your two-step neighbourhood),
    ``reach`` (all their ties you may see); members you follow are left out."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = opinion_leaders(conn, account.viewer(conn), top=top)
    return dict(to_json(found))
