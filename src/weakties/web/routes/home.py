"""The home page."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from weakties.web.deps import Page
from weakties.web.render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(ctx: Page, deleted: str = "") -> Response:
    return render(ctx, "home.html", deleted=deleted == "1" and ctx.account is None)
