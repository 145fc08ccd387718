"""Dated traces: messages, invitations, endorsements, recommendations, own activity.

A message to several people becomes one interaction per recipient, recipients
counted by their profile URLs (names may themselves contain commas). Drafts are
skipped. Content and subjects are kept only with ``--keep-content``; a digest of
the content still tells apart two messages sent in the same second.
"""

from __future__ import annotations

import hashlib

from weakties.ingest.context import FileReport, ImportContext
from weakties.ingest.csvread import Row
from weakties.ingest.sheet import Sheet, clean_text
from weakties.model.identity import (
    fold,
    linkedin_slug,
    linkedin_urn,
    name_key,
    split_credentials,
)

__all__ = [
    "activity",
    "endorsements",
    "invitations",
    "messages",
    "recommendations",
    "split_names",
]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def split_names(text: str) -> list[str]:
    """Split a comma-joined list of names, keeping credentials with their name.

    >>> split_names("Ann Lee, MBA, Bob Stone,Chloé Martin")
    ['Ann Lee, MBA', 'Bob Stone', 'Chloé Martin']
    """
    names: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if names and " " not in part and split_credentials(f"x, {part}")[1]:
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def _recipients(row: Row) -> list[tuple[str | None, str | None]]:
    """(name, slug) for each recipient of a message row."""
    urls = [u.strip() for u in row.get("recipient_profile_urls").split(",") if u.strip()]
    names = split_names(row.get("to"))
    if urls:
        if len(names) != len(urls):
            names_for = [None] * len(urls)  # cannot pair them: trust the URLs
        else:
            names_for = list(names)
        return [(n, linkedin_slug(u)) for n, u in zip(names_for, urls, strict=True)]
    return [(n, None) for n in names]


def _is_yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1")


def messages(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    self_keys = ctx.people.self_keys
    legacy = sheet.has("direction")  # 2018: From,To,Date,Subject,Content,Direction,Folder
    for row in sheet.rows():
        report.rows += 1
        ctx.tick()
        if _is_yes(row.get("is_message_draft")) or row.get("folder").upper() == "DRAFT":
            report.skipped["draft"] += 1
            continue
        when = sheet.datetime(row, "date", required=True)
        sender_name = row.get("from")
        sender_slug = linkedin_slug(row.get("sender_profile_url"))
        if legacy:
            outgoing = row.get("direction").upper() == "OUTGOING"
            sender = ctx.self_pid if outgoing else ctx.people.resolve(full_name=sender_name)
        elif sender_slug or sender_name:
            if not sender_slug and name_key(sender_name) in self_keys:
                sender = ctx.self_pid
            else:
                sender = ctx.people.resolve(full_name=sender_name or None, slug=sender_slug)
        else:
            sender = None
        if sender is None:
            report.skipped["unknown sender"] += 1
            continue
        if legacy and not outgoing:
            recipients: list[int | None] = [ctx.self_pid]
        else:
            recipients = []
            for name, slug in _recipients(row):
                if not slug and name and name_key(name) in self_keys:
                    recipients.append(ctx.self_pid)
                else:
                    recipients.append(ctx.people.resolve(full_name=name, slug=slug))
        targets = [r for r in recipients if r is not None and r != sender]
        if not targets:
            report.skipped["no recipient"] += 1
            continue
        content = row.get("content")
        conversation = row.get("conversation_id") or None
        if conversation:
            conversation = _digest(conversation)
        key_content = _digest(content + "\x1f" + row.get("subject"))
        subject = row.get("subject") or row.get("conversation_title") or None
        for recipient in targets:
            ctx.interaction(
                "message",
                sender,
                recipient,
                when,
                key=(conversation, sender, recipient, when, key_content),
                group_size=len(targets),
                conversation=conversation,
                status=row.get("folder").upper() or None,
                subject=clean_text(subject) if subject else None,
                content=clean_text(content) if content else None,
            )
            report.traces += 1
    ctx.flush()


def invitations(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    """Connection invitations, with who invited whom (a reciprocity signal)."""
    for row in sheet.rows():
        report.rows += 1
        direction = row.get("direction").upper()
        if direction not in ("INCOMING", "OUTGOING"):
            raise sheet.error(row, "direction", f"expected INCOMING or OUTGOING, not {direction!r}")
        when = sheet.datetime(row, "sent_at", required=True)
        incoming = direction == "INCOMING"
        name = row.get("from") if incoming else row.get("to")
        url = row.get("inviterprofileurl" if incoming else "inviteeprofileurl")
        urn = row.get("inviterprofileurn" if incoming else "inviteeprofileurn")
        other = ctx.people.resolve(
            full_name=name or None, slug=linkedin_slug(url), urn=linkedin_urn(urn)
        )
        if other is None or other == ctx.self_pid:
            report.skipped["no one invited"] += 1
            continue
        sender, recipient = (other, ctx.self_pid) if incoming else (ctx.self_pid, other)
        message = row.get("message")
        ctx.interaction(
            "invitation",
            sender,
            recipient,
            when,
            key=(sender, recipient, when),
            content=clean_text(message) if message else None,
        )
        report.traces += 1
    ctx.flush()


def endorsements(ctx: ImportContext, sheet: Sheet, report: FileReport, *, received: bool) -> None:
    """Endorsements; the UTF-16 twin file of 2022 repeats rows, which the keys merge."""
    role = "endorser" if received else "endorsee"
    for row in sheet.rows():
        report.rows += 1
        when = sheet.datetime(row, "endorsement_date", required=True)
        first, last = row.get(f"{role}_first_name"), row.get(f"{role}_last_name")
        slug = linkedin_slug(row.get(f"{role}_public_url"))
        other = ctx.people.resolve(first or None, last or None, slug=slug)
        if other is None or other == ctx.self_pid:
            report.skipped["no endorser" if received else "no endorsee"] += 1
            continue
        skill = " ".join(row.get("skill_name").split())
        sender, recipient = (other, ctx.self_pid) if received else (ctx.self_pid, other)
        ctx.interaction(
            "endorsement",
            sender,
            recipient,
            when,
            key=(sender, recipient, fold(skill), when),
            detail=skill,
            status=row.get("endorsement_status").upper() or None,
        )
        report.traces += 1
    ctx.flush()


def recommendations(
    ctx: ImportContext, sheet: Sheet, report: FileReport, *, received: bool
) -> None:
    for row in sheet.rows():
        report.rows += 1
        when = sheet.datetime(row, "creation_date", required=True)
        other = ctx.people.resolve(
            row.get("first_name") or None,
            row.get("last_name") or None,
            company=row.get("company") or None,
        )
        if other is None or other == ctx.self_pid:
            report.skipped["no one named"] += 1
            continue
        sender, recipient = (other, ctx.self_pid) if received else (ctx.self_pid, other)
        text = row.get("text")
        ctx.interaction(
            "recommendation",
            sender,
            recipient,
            when,
            key=(sender, recipient, when),
            detail=row.get("job_title") or None,
            status=row.get("status").upper() or None,
            content=clean_text(text) if text else None,
        )
        report.traces += 1
    ctx.flush()


def activity(ctx: ImportContext, sheet: Sheet, report: FileReport, *, kind: str) -> None:
    """The member's own reactions, comments and shares (audience unknown: no recipient)."""
    for row in sheet.rows():
        report.rows += 1
        when = sheet.datetime(row, "date", required=True)
        link = row.get("link") or row.get("sharelink") or None
        text = row.get("message") or row.get("sharecommentary")
        status = row.get("type").upper() or row.get("visibility").upper() or None
        ctx.interaction(
            kind,
            ctx.self_pid,
            None,
            when,
            key=(ctx.self_pid, link, when, status, _digest(text)),
            detail=link,
            status=status,
            content=text or None,
        )
        report.traces += 1
    ctx.flush()
