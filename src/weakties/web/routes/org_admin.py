"""Editing a company's or a school's page: its about text, website and industry,
and its page admins (see :mod:`weakties.service.orgpage_admin`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.service import orgpage_admin, orgpages
from weakties.service.forms import FormError
from weakties.web.deps import Page
from weakties.web.render import redirect, render
from weakties.web.routes.introductions import who_can_introduce_section

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


def _org_page(ctx: Page, org_id: int, errors: dict[str, str], form: dict[str, str]) -> Response:
    """The page again with what was typed and what is wrong, as HTTP 422."""
    account = ctx.require()
    with ctx.tx() as conn:
        org = orgpages.org_page(conn, account.viewer(conn), org_id)
        intro = who_can_introduce_section(ctx, conn, org_id=org_id)
    return render(ctx, "org.html", status=422, org=org, intro=intro, errors=errors, form=form)


@router.post("/orgs/{org_id}/about")
def edit_about(
    ctx: Page, org_id: int, about: FormStr = "", website: FormStr = "", industry: FormStr = ""
) -> Response:
    account = ctx.require()
    edit = orgpage_admin.OrgEdit(about, website, industry)
    try:
        with ctx.tx() as conn:
            orgpage_admin.edit_page(conn, account.viewer(conn), org_id, edit)
    except FormError as exc:
        form = {"about": about, "website": website, "industry": industry}
        return _org_page(ctx, org_id, exc.fields, form)
    return redirect(f"/orgs/{org_id}")


@router.post("/orgs/{org_id}/admins")
def add_admin(ctx: Page, org_id: int, handle: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            orgpage_admin.add_admin(conn, account.viewer(conn), org_id, handle)
    except FormError as exc:
        return _org_page(ctx, org_id, exc.fields, {"handle": handle})
    return redirect(f"/orgs/{org_id}#admins")


@router.post("/orgs/{org_id}/admins/{handle}/delete")
def remove_admin(ctx: Page, org_id: int, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        orgpage_admin.remove_admin(conn, account.viewer(conn), org_id, handle)
    return redirect(f"/orgs/{org_id}#admins")
