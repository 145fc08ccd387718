"""Profiles: ``/in/<handle>``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.responses import Response

from weakties.service import accounts, profiles
from weakties.service.forms import FormError
from weakties.web.deps import Ctx, Page
from weakties.web.render import redirect, render
from weakties.web.routes.introductions import who_can_introduce_section

FormStr = Annotated[str, Form()]

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def profile_response(
    ctx: Page,
    handle: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    note: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        profile = profiles.member_profile(conn, account.viewer(conn), handle)
        intro = None if profile.is_self else who_can_introduce_section(ctx, conn, handle=handle)
    return render(
        ctx,
        "profile.html",
        status=status,
        profile=profile,
        intro=intro,
        errors=errors or {},
        note=note,
        form=form or {},
    )


@router.get("/in/{handle}")
def profile_page(ctx: Page, handle: str) -> Response:
    return profile_response(ctx, handle)


@router.post("/in/{handle}/operator")
def make_operator(ctx: Page, handle: str) -> Response:
    """An operator makes this member an operator too."""
    account = ctx.require_operator()
    with ctx.tx() as conn:
        accounts.make_operator(conn, account, handle)
    return redirect(f"/in/{handle}")


def _edit_page(ctx: Page, *, status: int = 200, form: dict | None = None, errors=None) -> Response:
    account = ctx.require()
    if form is None:
        with ctx.tx() as conn:
            mine = profiles.member_profile(conn, account.viewer(conn), account.handle)
        form = {
            "name": mine.name,
            "headline": mine.headline or "",
            "location": mine.location or "",
            "industry": mine.industry or "",
            "about": mine.about or "",
        }
    with ctx.tx() as conn:
        mine = profiles.member_profile(conn, account.viewer(conn), account.handle)
    return render(
        ctx, "profile_edit.html", status=status, form=form, errors=errors or {}, profile=mine
    )


@router.get("/settings/profile")
def edit_profile_form(ctx: Page) -> Response:
    return _edit_page(ctx)


@router.post("/settings/profile")
def edit_profile(
    ctx: Page,
    name: FormStr = "",
    headline: FormStr = "",
    location: FormStr = "",
    industry: FormStr = "",
    about: FormStr = "",
) -> Response:
    account = ctx.require()
    edit = profiles.ProfileEdit(name, headline, location, industry, about)
    try:
        with ctx.tx() as conn:
            profiles.update_profile(conn, account.viewer(conn), edit)
    except FormError as exc:
        return _edit_page(ctx, status=422, form=edit.__dict__, errors=exc.fields)
    return redirect(f"/in/{account.handle}")


def read_upload(ctx: Ctx, upload: UploadFile | None) -> bytes:
    """The bytes of an uploaded file, at most one byte past the photo limit."""
    if upload is None:
        return b""
    return upload.file.read(ctx.settings.photo_max_bytes + 1)


@router.post("/settings/photo")
def upload_photo(ctx: Page, photo: Annotated[UploadFile | None, File()] = None) -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            profiles.save_photo(
                conn,
                account.viewer(conn),
                read_upload(ctx, photo),
                max_bytes=ctx.settings.photo_max_bytes,
            )
    except FormError as exc:
        return _edit_page(ctx, status=422, errors=exc.fields)
    return redirect(f"/in/{account.handle}")


@router.post("/settings/photo/delete")
def delete_photo(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        profiles.remove_photo(conn, account.viewer(conn))
    return redirect("/settings/profile")


@router.get("/photos/{handle}.jpg")
def photo(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        content = profiles.member_photo(conn, account.viewer(conn), handle)
    return Response(
        content,
        media_type="image/jpeg",
        headers={"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
