"""Safety (pages): blocking, reporting, and the operator's moderation queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.service import moderation
from weakties.service.connections import visible_member
from weakties.service.forms import FormError
from weakties.web.deps import Page
from weakties.web.render import redirect, render, safe_next

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


def _blocks_page(ctx: Page, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        blocked = moderation.my_blocks(conn, account.viewer(conn))
    return render(ctx, "blocks.html", status=status, blocked=blocked, **extra)


@router.get("/blocks")
def blocks(ctx: Page) -> Response:
    return _blocks_page(ctx)


@router.post("/blocks")
def block(ctx: Page, handle: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            moderation.block(conn, account.viewer(conn), handle.strip().lstrip("@"))
    except FormError as exc:
        return _blocks_page(ctx, status=422, errors=exc.fields, handle=handle)
    return redirect("/blocks")


@router.get("/in/{handle}/block")
def confirm_block(ctx: Page, handle: str) -> Response:
    """Blocking asks first (a page, so that it works without JavaScript)."""
    account = ctx.require()
    with ctx.tx() as conn:
        member = visible_member(conn, account.viewer(conn), handle)
    return render(ctx, "block_confirm.html", member=member)


@router.post("/blocks/{handle}/delete")
def unblock(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        moderation.unblock(conn, account.viewer(conn), handle)
    return redirect("/blocks")


@router.post("/reports")
def report(
    ctx: Page, kind: FormStr = "", target: FormStr = "", reason: FormStr = "", next: FormStr = ""
) -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            moderation.report(conn, account.viewer(conn), kind, target, reason)
    except FormError as exc:
        return render(
            ctx, "report_done.html", status=422, errors=exc.fields, back=safe_next(next, "/feed")
        )
    return render(ctx, "report_done.html", back=safe_next(next, "/feed"))


def _queue(ctx: Page, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        reports = moderation.report_queue(conn, account.viewer(conn))
    return render(
        ctx,
        "moderation.html",
        status=status,
        reports=reports,
        kind_labels=moderation.KIND_LABELS,
        **extra,
    )


@router.get("/moderation")
def queue(ctx: Page) -> Response:
    return _queue(ctx)


@router.post("/moderation/{report_id}")
def decide(ctx: Page, report_id: int, decision: FormStr = "", reason: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            moderation.decide(conn, account.viewer(conn), report_id, decision, reason)
    except FormError as exc:
        return _queue(
            ctx, status=422, errors={f"{report_id}-{k}": v for k, v in exc.fields.items()}
        )
    return redirect("/moderation")
