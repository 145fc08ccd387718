"""The member's network as pages and as JSON: its ties (``/network/ties``), one tie
(``/network/ties/<person id>``) with the member's correction, the people behind a
figure of the value report (``/network/people``: the second and third degree,
the second degree reached through one contact only, a circle), and the same data
under ``/api/v1/network``. The value report itself is on ``/network``
(:mod:`weakties.web.routes.network`) and at ``/api/v1/network``.

Every route makes one call into the service layer with the signed-in member's
viewer: a member only ever reads their own ties.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.errors import InputError
from weakties.records import to_json
from weakties.service import dashboard, ego, tie_review
from weakties.service import network as network_service
from weakties.ties.reasons import model_facts
from weakties.web.deps import ApiMember, Page
from weakties.web.render import json_bytes, redirect, render
from weakties.web.routes.api import _errors

__all__ = ["api", "router"]

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/network", tags=["network"], responses=_errors(401, 404, 422))

FormStr = Annotated[str, Form()]
PAGE_SIZE = 100

ClassParam = Literal["strong", "weak", "dormant", "nominal"]
SortParam = Literal["strength", "name", "contacts", "recent", "mutual"]
SaidParam = Literal["close", "acquaintance", "lost_touch", "never_met"]
FigureParam = Literal["second_degree", "third_degree", "only_way_in", "circle"]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _table(ctx: Any, params: dict[str, Any]) -> tie_review.TieTable:
    account = ctx.require()
    with ctx.tx() as conn:
        return tie_review.tie_table(conn, account.viewer(conn), **params)


def _params(
    klass: str | None,
    layer: int | None,
    org: str | None,
    industry: str | None,
    location: str | None,
    name: str | None,
    corrected: str | None,
    sort: str | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    return {
        "klass": _blank(klass),
        "layer": layer,
        "org": _blank(org),
        "industry": _blank(industry),
        "location": _blank(location),
        "name": _blank(name),
        "corrected": {"yes": True, "no": False}.get(corrected or ""),
        "sort": _blank(sort) or "strength",
        "offset": offset,
        "limit": limit,
    }


# -- pages ------------------------------------------------------------------------------


@router.get("/network/ties")
def ties_page(
    ctx: Page,
    klass: Annotated[str | None, Query(alias="class")] = None,
    layer: Annotated[str | None, Query()] = None,
    org: str | None = None,
    industry: str | None = None,
    location: str | None = None,
    name: str | None = None,
    corrected: str | None = None,
    sort: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    ctx.require()
    try:
        chosen_layer = int(layer) if layer and layer.strip() else None
    except ValueError:
        raise InputError("a Dunbar layer is a number", field="layer") from None
    params = _params(
        klass, chosen_layer, org, industry, location, name, corrected, sort, offset, PAGE_SIZE
    )
    table = _table(ctx, params)
    return render(
        ctx,
        "network_ties.html",
        table=table,
        sorts=tie_review.SORTS,
        corrections=list(tie_review.CORRECTIONS),
        query={k: v for k, v in table.filters.items() if v is not None},
        model_facts=model_facts,
    )


@router.get("/network/ties/{person_id}")
def tie_page(ctx: Page, person_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = tie_review.tie_detail(conn, account.viewer(conn), person_id)
    return render(
        ctx,
        "network_tie.html",
        tie=found.tie,
        row=found.row,
        corrections=list(tie_review.CORRECTIONS),
        model_facts=model_facts,
    )


def _people_behind(
    ctx: Any,
    figure: str,
    inferred: bool,
    circle: int | None,
    as_of: str,
    offset: int,
    limit: int,
) -> network_service.PeopleBehind:
    from weakties.service.context import viewer
    from weakties.web.routes.network import as_of_day

    account = ctx.require()
    day = as_of_day(as_of)  # a bad date: 422 naming the as_of field
    with ctx.tx() as conn:
        return network_service.people_behind(
            conn,
            viewer(conn, account.handle, as_of=day),
            figure,
            inferred=inferred,
            circle=circle,
            offset=offset,
            limit=limit,
        )


@router.get("/network/people")
def people_page(
    ctx: Page,
    figure: Annotated[str, Query(max_length=40)] = "second_degree",
    ties: Annotated[str, Query(max_length=40)] = "declared",
    circle: Annotated[int | None, Query(ge=1, le=1000)] = None,
    as_of: Annotated[str, Query(max_length=40)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The people behind a figure of /network, by name, a page at a time."""
    found = _people_behind(
        ctx, figure, ties == "inferred", circle, as_of, offset, network_service.PEOPLE_PAGE
    )
    query: dict[str, Any] = {"figure": found.figure}
    if found.inferred:
        query["ties"] = "inferred"
    if found.circle is not None:
        query["circle"] = found.circle
    if as_of.strip():
        query["as_of"] = as_of.strip()
    return render(
        ctx, "network_people.html", found=found, as_of=as_of.strip(), base=urlencode(query)
    )


@router.get("/network/graph")
def graph_page(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = ego.ego_graph(conn, account.viewer(conn))
    return render(ctx, "network_graph.html", graph=found)


@router.post("/network/ties/{person_id}/correct")
def correct_tie(ctx: Page, person_id: int, said: FormStr = "", back: FormStr = "") -> Response:
    from weakties.web.render import safe_next

    account = ctx.require()
    with ctx.tx() as conn:
        tie_review.correct(conn, account.viewer(conn), person_id, said or None)
    return redirect(safe_next(back, f"/network/ties/{person_id}"))


# -- the API ----------------------------------------------------------------------------


class CorrectionIn(BaseModel):
    said: SaidParam | None = Field(
        description="what you say of the tie (null forgets it): "
        + ", ".join(tie_review.CORRECTIONS)
    )


@api.get("", response_model=dict[str, Any])
def network_api(
    ctx: ApiMember,
    as_of: Annotated[
        str,
        Query(
            description="the value as of this day (YYYY-MM-DD, 1900-01-01 to 2100-12-31), "
            "as the /network page's date field; empty: the data's present"
        ),
    ] = "",
) -> dict[str, Any]:
    """The value report (the schema of ``weakties report --json``), its change since a
    month before, and the organisations your first and second degree work at; with
    ``as_of``, as the network stood that day."""
    from weakties.service.context import viewer
    from weakties.web.routes.network import as_of_day

    account = ctx.require()
    day = as_of_day(as_of)  # a bad date: 422 naming the as_of field, as on the page
    with ctx.tx() as conn:
        found = dashboard.dashboard(conn, viewer(conn, account.handle, as_of=day))
    return dict(to_json(found))


@api.get("/graph", response_model=dict[str, Any])
def graph_api(ctx: ApiMember) -> Response:
    """Your ego graph ready to draw: contacts with positions (Dunbar rings, circles as
    wedges), the ties among them, circles, rings and bridges."""
    from weakties.service.live import memo

    account = ctx.require()
    with ctx.tx() as conn:
        who = account.viewer(conn)

        def encoded() -> bytes:
            found = to_json(ego.ego_graph(conn, who))
            # as FastAPI's JSON response writes it; 2 MB at 5,000 contacts, so the
            # bytes are kept with the graph instead of validated again per request
            return json_bytes(found)

        body = memo(conn, who, ("ego", "json"), encoded)
    return Response(body, media_type="application/json")


@api.get("/people", response_model=dict[str, Any])
def people_api(
    ctx: ApiMember,
    figure: FigureParam,
    inferred: Annotated[
        bool, Query(description="the reach over every tie, inferred ones too")
    ] = False,
    circle: Annotated[
        int | None, Query(ge=1, le=1000, description="the circle's number (1: the first)")
    ] = None,
    as_of: Annotated[str, Query(description="as the network stood this day (YYYY-MM-DD)")] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = network_service.PEOPLE_PAGE,
) -> dict[str, Any]:
    """The people behind a figure of your value report, by name: the second or third
    degree (``inferred``: over every tie), the second degree you reach through one
    contact only, or a circle; ``total`` is the figure."""
    found = _people_behind(ctx, figure, inferred, circle, as_of, offset, limit)
    return dict(to_json(found))


@api.get("/ties", response_model=dict[str, Any])
def ties_api(
    ctx: ApiMember,
    klass: Annotated[ClassParam | None, Query(alias="class")] = None,
    layer: Annotated[int | None, Query(ge=1, le=5000)] = None,
    org: Annotated[str | None, Query(max_length=200)] = None,
    industry: Annotated[str | None, Query(max_length=200)] = None,
    location: Annotated[str | None, Query(max_length=200)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    corrected: Literal["yes", "no"] | None = None,
    sort: SortParam = "strength",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_SIZE,
) -> dict[str, Any]:
    """Your ties with class, Dunbar layer and reasons, filtered and sorted."""
    params = _params(klass, layer, org, industry, location, name, corrected, sort, offset, limit)
    return dict(to_json(_table(ctx, params)))


@api.get("/ties/{person_id}", response_model=dict[str, Any])
def tie_api(ctx: ApiMember, person_id: int) -> dict[str, Any]:
    """One of your ties in full: every feature and every reason, and your correction."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = tie_review.tie_detail(conn, account.viewer(conn), person_id)
    return dict(to_json(found))


@api.put("/ties/{person_id}/correction", response_model=dict[str, Any])
def correct_api(ctx: ApiMember, person_id: int, body: CorrectionIn) -> dict[str, Any]:
    """Say how well you really know someone: kept as your label for the tie."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = tie_review.correct(conn, account.viewer(conn), person_id, body.said)
    return dict(to_json(found))
