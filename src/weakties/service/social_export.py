"""The member's own posts, comments, reactions, messages, jobs and safety records,
for the data download (``memberdata.export_member_data``). Only what the member
wrote or did: other members' messages in the same conversations stay theirs.
Deleting the account removes all of it (every row cascades from the member)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from weakties.model.tables import (
    Block,
    Comment,
    JobApplication,
    JobPosting,
    Message,
    Notification,
    Participant,
    Post,
    Reaction,
    Report,
    SavedJob,
    table_of,
)

__all__ = ["social_records"]


def _rows(conn: Connection, model: Any, where: Any) -> list[dict[str, Any]]:
    table = table_of(model)
    return [
        dict(row._mapping) for row in conn.execute(select(table).where(where).order_by(table.c.id))
    ]


def social_records(conn: Connection, member_id: int) -> dict[str, list[dict[str, Any]]]:
    """Name -> rows of the member's own platform records."""
    return {
        "posts": _rows(conn, Post, Post.author_id == member_id),
        "comments": _rows(conn, Comment, Comment.author_id == member_id),
        "reactions": _rows(conn, Reaction, Reaction.member_id == member_id),
        "messages": _rows(conn, Message, Message.sender_id == member_id),
        "conversations": _rows(conn, Participant, Participant.member_id == member_id),
        "notifications": _rows(conn, Notification, Notification.member_id == member_id),
        "jobs_posted": _rows(conn, JobPosting, JobPosting.poster_id == member_id),
        "job_applications": _rows(conn, JobApplication, JobApplication.member_id == member_id),
        "saved_jobs": _rows(conn, SavedJob, SavedJob.member_id == member_id),
        "blocks": _rows(conn, Block, Block.blocker_id == member_id),
        "reports_made": _rows(conn, Report, Report.reporter_id == member_id),
    }
