"""``/api/v1``: a member's career, skills, endorsements, recommendations and contact
details."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.service import career, contact, recommendations, skills
from weakties.web.deps import ApiMember
from weakties.web.routes.api import NAME, NOTE, TEXT, Input, _errors

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 422))
MONTH = r"^(\d{4}(-\d{1,2})?)?$"


class PositionIn(Input):
    kind: str = Field(default="job", pattern="^(job|study)$")
    organization: str = Field(min_length=1, max_length=300, pattern=NAME)
    title: str = Field(default="", max_length=500, pattern=TEXT)
    location: str = Field(default="", max_length=300, pattern=TEXT)
    start: str = Field(default="", max_length=7, pattern=MONTH, description="YYYY-MM or YYYY")
    end: str = Field(default="", max_length=7, pattern=MONTH, description="YYYY-MM or YYYY")
    current: bool = False

    def edit(self) -> career.PositionEdit:
        return career.PositionEdit(
            self.kind,
            self.organization,
            self.title,
            self.location,
            self.start,
            self.end,
            self.current,
        )


class CreatedOut(BaseModel):
    id: int


@router.post("/me/positions", response_model=CreatedOut, status_code=201, responses=_errors(403))
def add_position(ctx: ApiMember, body: PositionIn) -> CreatedOut:
    account = ctx.require()
    with ctx.tx() as conn:
        new = career.add_position(conn, account.viewer(conn), body.edit())
    return CreatedOut(id=new)


@router.put("/me/positions/{position_id}", status_code=204, responses=_errors(403, 404))
def update_position(ctx: ApiMember, position_id: int, body: PositionIn) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        career.update_position(conn, account.viewer(conn), position_id, body.edit())


@router.delete("/me/positions/{position_id}", status_code=204, responses=_errors(403, 404))
def delete_position(ctx: ApiMember, position_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        career.delete_position(conn, account.viewer(conn), position_id)


class SkillIn(Input):
    skill: str = Field(min_length=1, max_length=skills.SKILL_MAX, pattern=NAME)


class SkillNameOut(BaseModel):
    skill: str = Field(description="as it is spelled on the profile")


@router.post("/me/skills", response_model=SkillNameOut, status_code=201, responses=_errors(403))
def add_skill(ctx: ApiMember, body: SkillIn) -> SkillNameOut:
    account = ctx.require()
    with ctx.tx() as conn:
        name = skills.add_skill(conn, account.viewer(conn), body.skill)
    return SkillNameOut(skill=name)


@router.post("/me/skills/remove", status_code=204, responses=_errors(403, 404))
def remove_skill(ctx: ApiMember, body: SkillIn) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        skills.remove_skill(conn, account.viewer(conn), body.skill)


@router.post("/profiles/{handle}/endorsements", status_code=204, responses=_errors(403, 404))
def endorse(ctx: ApiMember, handle: str, body: SkillIn) -> None:
    """Endorse a skill of a connection's (422 naming ``skill`` for anyone else)."""
    account = ctx.require()
    with ctx.tx() as conn:
        skills.endorse(conn, account.viewer(conn), handle, body.skill)


@router.post(
    "/profiles/{handle}/endorsements/withdraw", status_code=204, responses=_errors(403, 404)
)
def withdraw_endorsement(ctx: ApiMember, handle: str, body: SkillIn) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        skills.withdraw_endorsement(conn, account.viewer(conn), handle, body.skill)


class RecommendationIn(Input):
    relationship: str = Field(
        default="",
        max_length=recommendations.RELATIONSHIP_MAX,
        pattern=TEXT,
        description="how you worked together, or their title then",
    )
    text: str = Field(min_length=1, max_length=recommendations.TEXT_MAX, pattern=NOTE)


@router.post(
    "/profiles/{handle}/recommendations",
    response_model=CreatedOut,
    status_code=201,
    responses=_errors(403, 404),
)
def recommend(ctx: ApiMember, handle: str, body: RecommendationIn) -> CreatedOut:
    """Recommend a connection (422 naming ``text`` for anyone else). It waits until
    they show it; writing again replaces yours, which waits again."""
    account = ctx.require()
    with ctx.tx() as conn:
        new = recommendations.write(
            conn, account.viewer(conn), handle, body.relationship, body.text
        )
    return CreatedOut(id=new)


@router.delete("/profiles/{handle}/recommendations", status_code=204, responses=_errors(403, 404))
def withdraw_recommendation(ctx: ApiMember, handle: str) -> Response:
    """Take back your recommendation of this member."""
    account = ctx.require()
    with ctx.tx() as conn:
        recommendations.withdraw(conn, account.viewer(conn), handle)
    return Response(status_code=204)


class ShownIn(Input):
    shown: bool = Field(description="show it on your profile, or hide it")


@router.put("/me/recommendations/{recommendation_id}", status_code=204, responses=_errors(403, 404))
def show_recommendation(ctx: ApiMember, recommendation_id: int, body: ShownIn) -> Response:
    """Show a recommendation you received on your profile, or hide it."""
    account = ctx.require()
    with ctx.tx() as conn:
        recommendations.set_shown(conn, account.viewer(conn), recommendation_id, body.shown)
    return Response(status_code=204)


class VisibilityIn(Input):
    visibility: str = Field(pattern="^(only_me|connections|everyone)$")


@router.put("/me/contact/{detail_id}", status_code=204, responses=_errors(403, 404))
def contact_visibility(ctx: ApiMember, detail_id: int, body: VisibilityIn) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        contact.set_visibility(conn, account.viewer(conn), detail_id, body.visibility)
    return Response(status_code=204)
