"""Who the export belongs to: the member's names, profile URL, e-mails and employer.

An export never states its owner's profile URL outright. It is found, in order,
in Profile.csv (name), Invitations.csv (the inviter of outgoing and the invitee
of incoming invitations, with URLs since 2023), messages.csv (the sender URL of
rows sent under the member's name) and Email Addresses.csv. When no file names
the member, the participant present in the most conversations is the owner.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import islice

from weakties.ingest.run import SelfInfo
from weakties.ingest.sheet import Sheet
from weakties.model.identity import (
    email_key,
    linkedin_slug,
    linkedin_urn,
    name_key,
)

__all__ = ["SelfInfo", "detect_self"]

SAMPLE_ROWS = 20_000


def detect_self(open_sheet: Callable[[str], Sheet | None]) -> SelfInfo:
    """Gather what the export says about its owner; ``open_sheet(kind)`` reads a file."""
    info = SelfInfo()
    if sheet := open_sheet("profile"):
        for row in sheet.rows():
            first, last = row.get("first_name"), row.get("last_name")
            if first or last:
                info.first, info.last = first or None, last or None
                info.names.add(name_key(first, last))
            break
    if sheet := open_sheet("positions"):
        for row in sheet.rows():
            if not row.get("finished_on") and row.get("company_name"):
                info.companies.append(row.get("company_name"))
    if sheet := open_sheet("email_addresses"):
        for row in sheet.rows():
            if mail := email_key(row.get("email_address")):
                info.emails.add(mail)
    if sheet := open_sheet("invitations"):
        for row in sheet.rows():
            outgoing = row.get("direction").upper() == "OUTGOING"
            own_name = row.get("from") if outgoing else row.get("to")
            if own_name:
                info.add_name(own_name)
            url = row.get("inviterprofileurl" if outgoing else "inviteeprofileurl")
            if slug := linkedin_slug(url):
                info.slugs.add(slug)
            urn = row.get("inviterprofileurn" if outgoing else "inviteeprofileurn")
            if parsed := linkedin_urn(urn):
                info.urns.add(parsed)
    if not info.slugs or not info.names:
        _from_messages(open_sheet, info)
    return info


def _from_messages(open_sheet: Callable[[str], Sheet | None], info: SelfInfo) -> None:
    sheet = open_sheet("messages")
    if sheet is None or not sheet.has("sender_profile_url"):
        return
    if info.names:
        for row in islice(sheet.rows(), SAMPLE_ROWS):
            if name_key(row.get("from")) in info.names:
                if slug := linkedin_slug(row.get("sender_profile_url")):
                    info.slugs.add(slug)
                    return
            urls = [u for u in row.get("recipient_profile_urls").split(",") if u.strip()]
            if len(urls) == 1:
                named = [row.get("to")]
            else:
                # a group message: names and URLs pair up when no name holds a comma
                named = [n for n in row.get("to").split(",") if n.strip()]
                if len(named) != len(urls):
                    continue
            for name, url in zip(named, urls, strict=True):
                if name_key(name) in info.names and (slug := linkedin_slug(url)):
                    info.slugs.add(slug)
                    return
        return
    # Nobody named: the owner takes part in every conversation of the export; the
    # first rows are plenty to see who that is.
    conversations: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    names: Counter[tuple[str, str]] = Counter()
    for row in islice(sheet.rows(), SAMPLE_ROWS):
        conv = row.get("conversation_id")
        sender = (row.get("from"), linkedin_slug(row.get("sender_profile_url")) or "")
        conversations[sender].add(conv)
        names[sender] += 1
        urls = [u for u in row.get("recipient_profile_urls").split(",") if u.strip()]
        info.seen_slugs.update(slug for u in urls if (slug := linkedin_slug(u)))
        to = row.get("to")
        info.seen_names.update(key for n in (to, *to.split(",")) if (key := name_key(n)))
        if len(urls) == 1:
            conversations[(row.get("to"), linkedin_slug(urls[0]) or "")].add(conv)
    if not conversations:
        return
    (name, slug), _ = max(conversations.items(), key=lambda item: (len(item[1]), names[item[0]]))
    info.guessed = True
    info.seen_slugs.update(slug for _, slug in conversations if slug)
    info.seen_names.update(key for name, _ in conversations if (key := name_key(name)))
    if name:
        info.add_name(name)
    if slug:
        info.slugs.add(slug)
