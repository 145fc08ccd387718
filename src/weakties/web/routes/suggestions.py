"""``/api/v1/suggestions``: people you may know, from the nightly batch when it may
be served to you (and then its date), else computed now (and why)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel

from weakties.service.batch import batch_suggestions
from weakties.web.deps import ApiMember
from weakties.web.routes.api import _errors

__all__ = ["router"]

# the API's error shape and documented statuses (see weakties.web.routes.api)
router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 422))


class SuggestionOut(BaseModel):
    id: int
    name: str | None
    score: float
    mutual_contacts: int
    why: str


class SuggestionsOut(BaseModel):
    source: str  # "batch" or "embedded"
    computed_at: str
    run: str | None
    note: str
    suggestions: list[SuggestionOut]


@router.get("/suggestions", response_model=SuggestionsOut)
def suggestions(ctx: ApiMember, top: int = Query(default=10, ge=1, le=50)) -> SuggestionsOut:
    account = ctx.require()
    with ctx.tx() as conn:
        found = batch_suggestions(conn, account.viewer(conn), ctx.settings.batch_results, top=top)
    return SuggestionsOut(
        source=found.source,
        computed_at=found.computed_at,
        run=found.run,
        note=found.note,
        suggestions=[
            SuggestionOut(
                id=s.id, name=s.name, score=s.score, mutual_contacts=s.mutual_contacts, why=s.why
            )
            for s in found.suggestions
        ],
    )
