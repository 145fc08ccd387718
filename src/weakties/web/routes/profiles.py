"""Profiles: ``/in/<handle>``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from weakties.service import profiles
from weakties.web.deps import Page
from weakties.web.render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/in/{handle}")
def profile_page(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        profile = profiles.member_profile(conn, account.viewer(conn), handle)
    return render(ctx, "profile.html", profile=profile)
