"""Dated traces: messages, invitations, endorsements, recommendations, own activity.

A message to several people becomes one interaction per recipient, recipients
counted by their profile URLs (names may themselves contain commas). Drafts
(``IS MESSAGE DRAFT`` / ``IS CONVERSATION DRAFT``, Dec 2024 exports on) and the
SPAM folder (2023 exports on) are skipped: neither is a trace between people.
Content and subjects are kept only with ``--keep-content``; a digest of the
content still tells apart two messages sent in the same second.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from weakties.ingest.batch import CHUNK_ROWS, chunked
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


@lru_cache(maxsize=1 << 14)
def _conversation_key(text: str) -> str:
    return _digest(text)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@lru_cache(maxsize=1 << 14)
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


@lru_cache(maxsize=1 << 14)
def _recipient_list(to: str, urls_text: str) -> tuple[tuple[str | None, str | None], ...]:
    """(name, slug) for each recipient, from the TO and RECIPIENT PROFILE URLS cells.

    >>> _recipient_list("Ann Lee, MBA,Bob", "https://www.linkedin.com/in/ann,https://www.linkedin.com/in/b")
    (('Ann Lee, MBA', 'ann'), ('Bob', 'b'))
    """
    urls = [u.strip() for u in urls_text.split(",") if u.strip()]
    names = split_names(to)
    if urls:
        # Names that cannot be paired with the URLs one to one are dropped: the URLs count.
        paired: list[str | None] = list(names) if len(names) == len(urls) else [None] * len(urls)
        return tuple((n, linkedin_slug(u)) for n, u in zip(paired, urls, strict=True))
    return tuple((n, None) for n in names)


def _recipients(row: Row) -> tuple[tuple[str | None, str | None], ...]:
    return _recipient_list(row.get("to"), row.get("recipient_profile_urls"))


def _is_yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1")


def messages(ctx: ImportContext, sheet: Sheet, report: FileReport) -> None:
    self_keys = ctx.people.self_keys
    legacy = sheet.has("direction")  # 2018: From,To,Date,Subject,Content,Direction,Folder
    for chunk in chunked(sheet.rows(), CHUNK_ROWS):
        ctx.checkpoint()
        _prefetch_people(ctx, chunk)
        for row in chunk:
            _message(ctx, sheet, report, row, legacy, self_keys)
    ctx.flush()


def _prefetch_people(ctx: ImportContext, chunk: list[Row]) -> None:
    """One look-up for all the profile URLs and names of a chunk of message rows."""
    keys: set[tuple[str, str]] = set()
    names: set[str] = set()
    for row in chunk:
        if slug := linkedin_slug(row.get("sender_profile_url")):
            keys.add(("linkedin", slug))
        else:
            names.add(name_key(row.get("from")))
        for name, slug in _recipients(row):
            if slug:
                keys.add(("linkedin", slug))
            elif name:
                names.add(name_key(name))
    ctx.people.prefetch(keys, names)


def _message(
    ctx: ImportContext,
    sheet: Sheet,
    report: FileReport,
    row: Row,
    legacy: bool,
    self_keys: set[str],
) -> None:
    """One message row: one interaction per recipient (drafts and spam skipped)."""
    report.rows += 1
    ctx.tick()
    cells = row.values
    folder = (cells.get("folder") or "").strip().upper()
    if (
        folder == "DRAFT"
        or _is_yes(cells.get("is_message_draft") or "")
        or _is_yes(cells.get("is_conversation_draft") or "")
    ):
        report.skipped["draft"] += 1
        return
    if folder == "SPAM":
        report.skipped["spam"] += 1
        return
    when = sheet.datetime(row, "date", required=True)
    sender_name = (cells.get("from") or "").strip()
    sender_slug = linkedin_slug(cells.get("sender_profile_url") or None)
    outgoing = False
    if legacy:
        outgoing = row.get("direction").upper() == "OUTGOING"
        sender = ctx.self_pid if outgoing else ctx.people.resolve(full_name=sender_name)
    elif sender_slug:
        sender = ctx.people.resolve(full_name=sender_name or None, slug=sender_slug)
    elif sender_name:
        if name_key(sender_name) in self_keys:
            sender = ctx.self_pid
        else:
            sender = ctx.people.resolve(full_name=sender_name)
    else:
        sender = None
    if sender is None:
        report.skipped["unknown sender"] += 1
        return
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
        return
    content = cells.get("content") or ""
    subject_cell = cells.get("subject") or ""
    conversation = (cells.get("conversation_id") or "").strip() or None
    if conversation:
        conversation = _conversation_key(conversation)
    # A digest of the text tells apart two messages of the same second; the text
    # itself is kept only with --keep-content.
    key_content = _digest(content + "\x1f" + subject_cell)
    subject = text = None
    if ctx.keep_content:
        subject = subject_cell.strip() or (cells.get("conversation_title") or "").strip()
        subject = clean_text(subject) if subject else None
        text = clean_text(content) if content.strip() else None
    for recipient in targets:
        ctx.interaction(
            "message",
            sender,
            recipient,
            when,
            key=(conversation, sender, recipient, when, key_content),
            group_size=len(targets),
            conversation=conversation,
            status=folder or None,
            subject=subject,
            content=text,
        )
        report.traces += 1


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
            full_name=name or None,
            slug=linkedin_slug(url),
            urn=linkedin_urn(urn),
            self_by_name=False,  # the other side of an invitation is never the member
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
        other = ctx.people.resolve(first or None, last or None, slug=slug, self_by_name=False)
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
        # Recommendations pass between connections; the company is the one of
        # the day it was written, which says nothing against a later employer.
        other = ctx.people.resolve(
            row.get("first_name") or None,
            row.get("last_name") or None,
            past_company=row.get("company") or None,
            self_by_name=False,
        )
        if other is None or other == ctx.self_pid:
            report.skipped["no one named"] += 1
            continue
        sender, recipient = (other, ctx.self_pid) if received else (ctx.self_pid, other)
        if row.get("company") and when is not None:
            # where the recommender (or the recommended) worked that day: a past job,
            # never the current one nor news
            ctx.observe_job(
                other,
                row.get("company"),
                row.get("job_title") or None,
                when.date(),
                "recommendations",
                current=False,
                news=False,
            )
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
