"""``/settings/import``: a member uploads their LinkedIn export (the ZIP LinkedIn
sends) and sees what it added, as ``weakties import linkedin`` says it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.responses import Response

from weakties.service.forms import FormError
from weakties.service.uploads import TOO_LARGE, ImportRefused, import_linkedin_upload
from weakties.web.deps import Page
from weakties.web.render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(ctx: Page, *, status: int = 200, **extra: object) -> Response:
    ctx.require()
    shown: dict[str, object] = {
        "done": None,
        "errors": {},
        "problem": "",
        "refused": None,
        "export_date": "",
        **extra,
    }
    # the largest upload in MiB, as the hint and the error say it (0.2, 100)
    limit_size = round(ctx.settings.import_max_bytes / (1024 * 1024), 1)
    return render(ctx, "import.html", status=status, limit_size=limit_size, **shown)


@router.get("/settings/import")
def import_form(ctx: Page, too_large: str = "") -> Response:
    if too_large:  # sent back here: the upload was over the limit, not even read
        return _page(ctx, errors={"export": TOO_LARGE})
    return _page(ctx)


@router.post("/settings/import")
def import_export(
    ctx: Page,
    export: Annotated[UploadFile | None, File()] = None,
    export_date: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    account = ctx.require()
    limit = ctx.settings.import_max_bytes
    data = export.file.read(limit + 1) if export is not None else b""
    filename = (export.filename or "") if export is not None else ""
    try:
        done = import_linkedin_upload(
            ctx.store, account, filename, data, max_bytes=limit, export_date=export_date
        )
    except FormError as exc:
        return _page(ctx, status=422, errors=exc.fields, export_date=export_date)
    except ImportRefused as exc:
        return _page(
            ctx,
            status=422,
            errors={"export": ""},
            problem=str(exc),
            refused=exc,
            export_date=export_date,
        )
    return _page(ctx, done=done)
