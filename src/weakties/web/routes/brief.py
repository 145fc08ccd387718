"""The person brief: ``/in/<handle>/brief`` and ``/api/v1/profiles/<handle>/brief``.

The brief is the signed-in member's own (built with their viewer: their notes,
their conversations, what they may see of the person); nobody else's view of it
exists.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from weakties.records import to_json
from weakties.service.brief import person_brief
from weakties.web.deps import ApiMember, Page
from weakties.web.render import render
from weakties.web.routes.api import _errors

__all__ = ["api", "router"]

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/profiles", tags=["profiles"], responses=_errors(401, 404, 422))


@router.get("/in/{handle}/brief")
def brief_page(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = person_brief(conn, account.viewer(conn), handle)
    return render(ctx, "brief.html", brief=found)


@api.get("/{handle}/brief", response_model=dict[str, Any])
def brief_api(ctx: ApiMember, handle: str) -> dict[str, Any]:
    """Your brief about a member, to prepare a call: what you share, your past
    conversations' dates, your notes, their recent news and posts, your mutual
    contacts with each side's strength as far as it is shared with you."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = person_brief(conn, account.viewer(conn), handle)
    return dict(to_json(found))
