"""The opportunity feed: explained items, each with the polite thing to do.

Items, from the events and ties of the last ``days`` days (90 by default):

- ``moved_to_watched`` — a contact joined an organisation the viewer follows or
  targets: the warmest possible way in;
- ``career_move`` / ``started_job`` — a contact changed employer (or started
  one) elsewhere;
- ``title_change`` — a new title at the same employer: not a move;
- ``departure`` — a contact left their employer with no new one listed. The
  suggested action is a private "how can I help?", never public
  congratulations;
- ``dormant_at_target`` — a dormant tie (no contact for three years, regular
  before) works at a watched organisation: reconnecting is worth it (Levin,
  Walter & Murnighan 2011: dormant ties give advice as useful as active ties,
  and more novel);
- ``new_path`` — a contact recently connected with someone at a watched
  organisation: a new way in;
- ``shared_group`` — someone at a watched organisation is in a group with the
  viewer.

"Watched" organisations are the ones the viewer follows (their LinkedIn
company follows) and the ones they target (``weakties target add``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from weakties.model.kinds import CAREER_KINDS
from weakties.ties.strength import dormant_ties

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["FEED_KINDS", "opportunity_feed"]

FEED_KINDS = (
    "moved_to_watched",
    "dormant_at_target",
    "departure",
    "new_path",
    "career_move",
    "started_job",
    "shared_group",
    "title_change",
)
BASE_PRIORITY = {
    "moved_to_watched": 0.9,
    "dormant_at_target": 0.8,
    "departure": 0.7,
    "new_path": 0.6,
    "career_move": 0.5,
    "started_job": 0.5,
    "shared_group": 0.4,
    "title_change": 0.3,
}


def _first(name: str | None) -> str:
    return (name or "").split(" ")[0] or "them"


def _career_items(
    reader: Reader, since: dt.date, until: dt.date, watched: dict[int, str]
) -> list[dict[str, Any]]:
    """The career events of the viewer's network as feed items: never the
    viewer's own (a member is not told of their own job)."""
    viewer = reader.scope.person_id
    items = []
    for event in reader.events(kinds=list(CAREER_KINDS), since=since, until=until):
        if event["person_id"] == viewer:
            continue
        detail = event["detail"]
        to, before = detail.get("to") or {}, detail.get("from") or {}
        who = event["person"]
        first = _first(who)
        kind = event["kind"]
        org_id = to.get("org_id")
        item = {
            "date": event["date"],
            "person_id": event["person_id"],
            "person": who,
            "org": to.get("org") or before.get("org"),
            "org_id": org_id if org_id is not None else before.get("org_id"),
            "event_id": event["id"],
        }
        if kind in ("career_move", "started_job") and org_id in watched:
            items.append(
                item
                | {
                    "kind": "moved_to_watched",
                    "text": f"{who} joined {to.get('org')}"
                    + (f" as {to['title']}" if to.get("title") else "")
                    + f" — {watched[org_id]}",
                    "action": f"Congratulate {first} privately, and ask how the first weeks "
                    f"at {to.get('org')} are going; later, {first} may be your best way in.",
                }
            )
        elif kind in ("career_move", "started_job"):
            items.append(
                item
                | {
                    "kind": kind,
                    "text": event["text"],
                    "action": f"A short private note to {first}: congratulations, and good "
                    "luck in the new role.",
                }
            )
        elif kind == "title_change":
            items.append(
                item
                | {
                    "kind": "title_change",
                    "text": f"{who} has a new title at {to.get('org')}: {to.get('title')} "
                    "(same employer: not a move)",
                    "action": f"A word to {first} if you are close; nothing is needed otherwise.",
                }
            )
        elif kind == "left_company":
            items.append(
                item
                | {
                    "kind": "departure",
                    "text": f"{who} left {before.get('org')}, with no new position listed",
                    "action": f"A private message to {first} — how are you, can I help? — "
                    "never public congratulations: leaving without a next job may not be "
                    "good news.",
                }
            )
    return items


def opportunity_feed(
    reader: Reader,
    *,
    as_of: dt.datetime | None = None,
    days: int = 90,
    limit: int | None = 50,
) -> dict[str, Any]:
    """The viewer's feed, highest priority first (see the module doc)."""
    viewer = reader.scope.person_id
    if viewer is None:
        raise ValueError("a feed is a member's: give a member's reader")
    now = as_of or reader.now
    since = (now - dt.timedelta(days=days)).date()
    watched = reader.watched()
    org_names = reader.org_names(watched)
    items = _career_items(reader, since, now.date(), watched)
    contacts = reader.first_degree()
    at_watched = reader.current_at(watched)
    names: dict[int, str] = {}

    def name(pid: int) -> str:
        if pid not in names:
            names[pid] = reader.names([pid]).get(pid, "")
        return names[pid]

    # dormant ties now at a watched organisation (formerly closest first)
    there = [pid for pid in contacts if pid in at_watched]
    if there:
        dormant = dormant_ties(reader, viewer, there, now)
        for pid, facts in sorted(dormant.items(), key=lambda kv: (-kv[1]["contacts"], kv[0])):
            oid, title = at_watched[pid]
            years = facts["days_since_contact"] / 365.25
            items.append(
                {
                    "kind": "dormant_at_target",
                    "date": None,
                    "person_id": pid,
                    "person": name(pid),
                    "org": org_names.get(oid),
                    "org_id": oid,
                    "text": f"{name(pid)} works at {org_names.get(oid)}"
                    + (f" ({title})" if title else "")
                    + f" — {watched[oid]}; you have not been in touch for {years:.0f} years "
                    f"({int(facts['contacts'])} exchanges before)",
                    "action": f"Reconnect with {_first(name(pid))}: a personal note about "
                    "what you did together; dormant ties give advice as useful as active "
                    "ones, and more novel.",
                }
            )
    # new second-degree paths into watched organisations
    if watched and contacts:
        recent = reader.recent_ties(dt.datetime.combine(since, dt.time()), now)
        seen: set[tuple[int, int]] = set()
        for a, b, when in recent:
            for c, t in ((a, b), (b, a)):
                if c in contacts and t in at_watched and t not in contacts:
                    if t == viewer or (c, t) in seen:
                        continue
                    seen.add((c, t))
                    oid, title = at_watched[t]
                    org = org_names.get(oid)
                    items.append(
                        {
                            "kind": "new_path",
                            "date": when.date().isoformat() if when else None,
                            "person_id": t,
                            "person": name(t),
                            "broker_id": c,
                            "broker": name(c),
                            "org": org,
                            "org_id": oid,
                            "text": f"{name(c)} is now connected with {name(t)}"
                            + (f" ({title})" if title else "")
                            + f" at {org} — {watched[oid]}",
                            "action": f'See the best way in: weakties intro --to "{org}"',
                        }
                    )
    # people at watched organisations in a group with the viewer
    if watched:
        my_groups = reader.current_groups(viewer)
        if my_groups:
            fellows: dict[int, list[int]] = defaultdict(list)
            for pid, gid in reader.fellows(my_groups, at_watched):
                if pid != viewer:
                    fellows[pid].append(gid)
            for pid, groups in sorted(fellows.items()):
                oid, title = at_watched[pid]
                group = my_groups[groups[0]]
                items.append(
                    {
                        "kind": "shared_group",
                        "date": None,
                        "person_id": pid,
                        "person": name(pid),
                        "org": org_names.get(oid),
                        "org_id": oid,
                        "text": f"{name(pid)}"
                        + (f" ({title})" if title else "")
                        + f" at {org_names.get(oid)} is in {group} with you — {watched[oid]}",
                        "action": f"A natural place to meet: take part in {group}'s "
                        "discussions, then write to them mentioning it.",
                    }
                )
    for item in items:
        item["priority"] = BASE_PRIORITY[item["kind"]]
    items.sort(key=lambda x: (-x["priority"], x["date"] is None, _neg_date(x["date"])))
    total = len(items)
    return {
        "as_of": now.isoformat(timespec="seconds"),
        "days": days,
        "watched": {org_names.get(k, str(k)): v for k, v in watched.items()},
        "total": total,
        "items": items[:limit] if limit else items,
    }


def _neg_date(value: str | None) -> int:
    if value is None:
        return 0
    return -dt.date.fromisoformat(value).toordinal()
