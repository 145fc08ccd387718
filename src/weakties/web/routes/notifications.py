"""Notifications (page) and the badges of the navigation bar (a polled fragment)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from weakties.service import messages, notifications
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/notifications")
def page(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        groups = notifications.list_notifications(conn, account.viewer(conn))
    return render(ctx, "notifications.html", groups=groups)


@router.post("/notifications/read")
def read(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        notifications.mark_read(conn, account.viewer(conn))
    return redirect("/notifications")


@router.get("/badges")
def badges(ctx: Page) -> Response:
    """Unread notifications and messages: the navigation's counters, polled by htmx."""
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        unread = notifications.unread_count(conn, me)
        mail, requests = messages.unread_total(conn, me)
    return render(ctx, "_badges.html", unread=unread, mail=mail + requests)
