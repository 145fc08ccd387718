"""The feed, posts, comments, reactions and shares (pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.errors import RefusedError
from weakties.service import feed as feed_service
from weakties.service import posts
from weakties.service.forms import FormError
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


def _feed_page(ctx: Page, cursor: str = "", *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    from weakties.service.jobs import my_organizations

    with ctx.tx() as conn:
        me = account.viewer(conn)
        page = feed_service.feed(conn, me, cursor or None)
        orgs = my_organizations(conn, me)
        groups = posts.member_groups(conn, account.member_id, me.person_id)
    return render(
        ctx,
        "feed.html",
        status=status,
        page=page,
        orgs=orgs,
        groups=groups,
        reactions=posts.REACTIONS,
        audiences=posts.AUDIENCES,
        **extra,
    )


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


@router.get("/feed")
def feed(ctx: Page, cursor: str = "") -> Response:
    return _feed_page(ctx, cursor)


@router.post("/posts")
def create(
    ctx: Page,
    body: FormStr = "",
    audience: FormStr = "everyone",
    organization_id: FormStr = "",
    group_id: FormStr = "",
) -> Response:
    account = ctx.require()
    org = _number(organization_id)
    try:
        with ctx.tx() as conn:
            view = posts.create_post(
                conn,
                account.viewer(conn),
                body,
                audience,
                organization_id=org,
                group_id=_number(group_id),
            )
    except FormError as exc:
        return _feed_page(ctx, status=422, errors=exc.fields, body=body, audience=audience)
    except RefusedError as exc:
        return _feed_page(ctx, status=409, errors={"body": str(exc)}, body=body, audience=audience)
    return redirect(f"/posts/{view.id}")


def _post_page(ctx: Page, post_id: int, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        view = posts.post_page(conn, account.viewer(conn), post_id)
    return render(ctx, "post.html", status=status, post=view, reactions=posts.REACTIONS, **extra)


@router.get("/posts/{post_id}")
def post(ctx: Page, post_id: int) -> Response:
    return _post_page(ctx, post_id)


@router.post("/posts/{post_id}/comments")
def comment(ctx: Page, post_id: int, body: FormStr = "", parent_id: FormStr = "") -> Response:
    account = ctx.require()
    parent = int(parent_id) if parent_id.isdigit() and len(parent_id) < 12 else None
    try:
        with ctx.tx() as conn:
            done = posts.add_comment(conn, account.viewer(conn), post_id, body, parent)
    except FormError as exc:
        return _post_page(ctx, post_id, status=422, errors=exc.fields, body=body)
    except RefusedError as exc:
        return _post_page(ctx, post_id, status=409, errors={"body": str(exc)}, body=body)
    return redirect(f"/posts/{post_id}#comment-{done.id}")


@router.post("/posts/{post_id}/react")
def react(ctx: Page, post_id: int, kind: FormStr = "", next: FormStr = "") -> Response:
    from weakties.web.render import safe_next

    account = ctx.require()
    with ctx.tx() as conn:
        posts.react(conn, account.viewer(conn), post_id, kind or None)
    return redirect(safe_next(next, f"/posts/{post_id}"))


@router.post("/posts/{post_id}/share")
def share(ctx: Page, post_id: int, body: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        view = posts.share_post(conn, account.viewer(conn), post_id, body)
    return redirect(f"/posts/{view.id}")


@router.post("/posts/{post_id}/delete")
def delete(ctx: Page, post_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        posts.delete_post(conn, account.viewer(conn), post_id)
    return redirect("/feed")
