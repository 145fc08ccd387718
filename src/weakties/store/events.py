"""Detected changes in words: new and lost connections, career moves, new contact details."""

from __future__ import annotations

from typing import Any

from weakties.model.identity import fold
from weakties.model.kinds import CAREER_KINDS

__all__ = ["CAREER_KINDS", "career_event", "describe_event"]


def career_event(
    old_org: int | None, old_title: str | None, new_org: int | None, new_title: str | None
) -> str | None:
    """The event of a change of current job, the one rule of imports and of the
    platform's own edits: another employer is a move, a title at the same one a
    title change, nothing else is news.

    >>> career_event(1, "Engineer", 2, "Engineer"), career_event(1, "Engineer", 1, "engineer")
    ('career_move', None)
    >>> career_event(None, None, 2, "CTO"), career_event(1, "Engineer", 1, "CTO")
    ('started_job', 'title_change')
    """
    if old_org != new_org:
        if new_org is None:
            return "left_company"
        if old_org is None:
            return "started_job"
        return "career_move"
    if fold(old_title or "") != fold(new_title or ""):
        return "title_change"
    return None


def _job(part: dict[str, Any] | None) -> str:
    if not part:
        return "no position"
    org, title = part.get("org"), part.get("title")
    if org and title:
        return f"{title} at {org}"
    return org or title or "no position"


def describe_event(event: dict[str, Any]) -> str:
    """One line a person would write: "Ann Lee moved: Acme → CTO at Globex".

    >>> describe_event({"kind": "left_company", "person": "Ann", "detail": {"from": {"org": "X"}}})
    'Ann left X (no new position listed)'
    """
    who = event.get("person") or f"#{event.get('person_id')}"
    detail = event.get("detail") or {}
    kind = event["kind"]
    if kind == "career_move":
        return f"{who} moved: {_job(detail.get('from'))} → {_job(detail.get('to'))}"
    if kind == "title_change":
        return f"{who} has a new title at {(detail.get('to') or {}).get('org')}: " + str(
            (detail.get("to") or {}).get("title")
        )
    if kind == "left_company":
        return f"{who} left {(detail.get('from') or {}).get('org')} (no new position listed)"
    if kind == "started_job":
        return f"{who} started: {_job(detail.get('to'))}"
    if kind == "new_connection":
        return f"{who} is a new connection"
    if kind == "connection_gone":
        return f"{who} is no longer in your connections"
    if kind == "contact_details_changed":
        return f"{who} has new contact details"
    return f"{who}: {kind}"
