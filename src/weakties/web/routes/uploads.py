"""``/settings/import``: a member uploads their LinkedIn export (the ZIP LinkedIn
sends); it is checked at once, then imported in the background while the member
follows it on ``/settings/import/{id}`` (htmx asks again every second; without
JavaScript the page refreshes itself), which ends with what the import added,
as ``weakties import linkedin`` says it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.responses import Response

from weakties.errors import NotFoundError
from weakties.service.forms import FormError
from weakties.service.uploads import (
    TOO_LARGE,
    ImportRefused,
    import_status,
    latest_import,
    start_linkedin_import,
)
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: seconds between two looks at a running import (htmx, or the page's refresh)
POLL_SECONDS = 1


def _page(ctx: Page, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    shown: dict[str, object] = {
        "errors": {},
        "problem": "",
        "refused": None,
        "export_date": "",
        **extra,
    }
    with ctx.tx() as conn:
        latest = latest_import(conn, account)
    # the largest upload in MiB, as the hint and the error say it (0.2, 100)
    limit_size = round(ctx.settings.import_max_bytes / (1024 * 1024), 1)
    return render(ctx, "import.html", status=status, limit_size=limit_size, latest=latest, **shown)


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
    filename = (export.filename or "") if export is not None else ""
    try:
        started = start_linkedin_import(
            ctx.store,
            account,
            filename,
            export.file if export is not None else b"",
            max_bytes=ctx.settings.import_max_bytes,
            export_date=export_date,
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
    return redirect(f"/settings/import/{started}")


@router.get("/settings/import/{import_id}")
def import_progress(ctx: Page, import_id: int) -> Response:
    """Where the import is; htmx takes the ``#import-status`` part of it."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = import_status(conn, account, import_id)
    if found is None:
        raise NotFoundError("no such import")
    return render(ctx, "import_status.html", job=found, poll=POLL_SECONDS)
