"""Organisation and group pages; following organisations, groups and members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.service import follows, groups, orgpages
from weakties.service.forms import FormError
from weakties.store.errors import RefusedError
from weakties.web.deps import Page
from weakties.web.render import redirect, render
from weakties.web.routes.introductions import who_can_introduce_section

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


@router.get("/orgs/{org_id}")
def org_page(ctx: Page, org_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        org = orgpages.org_page(conn, account.viewer(conn), org_id)
        intro = None if org.has_group_page else who_can_introduce_section(ctx, conn, org_id=org_id)
    if org.has_group_page:
        return redirect(f"/groups/{org_id}")
    return render(ctx, "org.html", org=org, intro=intro)


@router.post("/orgs/{org_id}/follow")
def follow_org(ctx: Page, org_id: int, next: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        follows.follow(conn, account.viewer(conn), "organization", org_id)
    return redirect(_safe(next) or f"/orgs/{org_id}")


@router.post("/orgs/{org_id}/unfollow")
def unfollow_org(ctx: Page, org_id: int, next: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        follows.unfollow(conn, account.viewer(conn), "organization", org_id)
    return redirect(_safe(next) or f"/orgs/{org_id}")


def _safe(target: str) -> str | None:
    """Only a path of this site (never another site's address)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else None


@router.post("/in/{handle}/follow")
def follow_member(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        follows.follow(conn, account.viewer(conn), "member", handle)
    return redirect(f"/in/{handle}")


@router.post("/in/{handle}/unfollow")
def unfollow_member(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        follows.unfollow(conn, account.viewer(conn), "member", handle)
    return redirect(f"/in/{handle}")


@router.get("/following")
def following_page(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        items = follows.following(conn, account.viewer(conn))
    return render(ctx, "following.html", items=items)


def _groups_page(
    ctx: Page,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        every = groups.groups(conn, account.viewer(conn))
    return render(
        ctx,
        "groups.html",
        status=status,
        groups=every,
        mine=[g for g in every if g.your_role],
        errors=errors or {},
        form=form or {"access": "open"},
    )


@router.get("/groups")
def groups_page(ctx: Page) -> Response:
    return _groups_page(ctx)


@router.post("/groups")
def create_group(
    ctx: Page, name: FormStr = "", about: FormStr = "", access: FormStr = "open"
) -> Response:
    account = ctx.require()
    edit = groups.GroupEdit(name, about, access)
    try:
        with ctx.tx() as conn:
            new = groups.create_group(conn, account.viewer(conn), edit)
    except FormError as exc:
        form = {"name": name, "about": about, "access": access}
        return _groups_page(ctx, status=422, errors=exc.fields, form=form)
    return redirect(f"/groups/{new}")


def _group_page(
    ctx: Page, group_id: int, *, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = groups.group(conn, account.viewer(conn), group_id)
    return render(ctx, "group.html", status=status, group=found, errors=errors or {})


@router.get("/groups/{group_id}")
def group_page(ctx: Page, group_id: int) -> Response:
    return _group_page(ctx, group_id)


@router.post("/groups/{group_id}/join")
def join_group(ctx: Page, group_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        groups.join(conn, account.viewer(conn), group_id)
    return redirect(f"/groups/{group_id}")


@router.post("/groups/{group_id}/leave")
def leave_group(ctx: Page, group_id: int) -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            groups.leave(conn, account.viewer(conn), group_id)
    except RefusedError as exc:
        return _group_page(ctx, group_id, status=409, errors={"leave": str(exc)})
    return redirect(f"/groups/{group_id}")


@router.post("/groups/{group_id}/requests/{handle}")
def answer_request(ctx: Page, group_id: int, handle: str, accept: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        groups.answer_request(conn, account.viewer(conn), group_id, handle, accept == "yes")
    return redirect(f"/groups/{group_id}#members")


@router.post("/groups/{group_id}/members/{handle}/role")
def set_role(ctx: Page, group_id: int, handle: str, role: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            groups.set_role(conn, account.viewer(conn), group_id, handle, role)
    except FormError as exc:
        return _group_page(ctx, group_id, status=422, errors=exc.fields)
    except RefusedError as exc:
        return _group_page(ctx, group_id, status=409, errors={"role": str(exc)})
    return redirect(f"/groups/{group_id}#members")
