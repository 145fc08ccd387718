"""The first look at a network: who you know, where, through whom, and what changed.

This is what a user wants to see after a first import — the size of the
network, the people they are most in touch with, the organisations they can
reach (directly or through a member who shares their ties), and recent career
moves among their contacts. Every number says what it counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from weakties.model.kinds import CAREER_KINDS

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["ORIGIN_WORDS", "network_overview"]

#: what each count of :meth:`~weakties.store.reader.Reader.people_by_origin` counts,
#: in the order LinkedIn counts
ORIGIN_WORDS = {
    "connections": "connections (LinkedIn's count; and platform connections)",
    "address_book": "address-book contacts who are not connections",
    "only_messaged": "people you were in touch with, not connected",
    "invitations": "people you only exchanged invitations with",
    "others": "others your data mentions (endorsements, threads, follows, manual ties)",
}


def network_overview(
    reader: Reader,
    handle: str,
    members: list[str],
    *,
    top: int = 8,
    hidden: Collection[int] = (),
) -> dict[str, Any]:
    """Counts, most-contacted people, reachable organisations and recent career moves.

    ``hidden``: people the viewer is not shown (a block between them, either way):
    neither counted, listed nor a way to anyone, though the viewer's own data holds
    them (see :meth:`~weakties.store.read_ties.TieReads.degrees`).
    """
    me = reader.scope.person_id
    if me is None:
        raise ValueError("an overview is a member's: give a member's reader")
    hidden = set(hidden)
    named, counted = reader.degrees(without=hidden)
    origins = {k: v - hidden for k, v in reader.people_by_origin().items()}
    first = {p for p, d in named.items() if d == 1}
    second = {p for p, d in named.items() if d == 2}
    traffic: Counter[int] = Counter()
    for sender, recipient, n in reader.message_traffic(me):
        other = recipient if sender == me else sender
        if other is not None and other != me and other not in hidden:
            traffic[other] += n
    jobs = reader.current_jobs(first | second)
    names = reader.names(traffic)
    top_contacts = [
        {
            "id": pid,
            "name": names.get(pid),
            "messages": n,
            "company": (jobs.get(pid) or [{}])[0].get("org"),
            "title": (jobs.get(pid) or [{}])[0].get("title"),
        }
        for pid, n in traffic.most_common(top)
    ]
    orgs: dict[str, Counter[int]] = {}
    for pid, entries in jobs.items():
        degree = named.get(pid)
        for job in entries[:1]:
            if job["org"]:
                orgs.setdefault(job["org"], Counter())[degree or 0] += 1
    # a contact there counts for three: an introduction needs one hop less
    ranked = sorted(orgs.items(), key=lambda item: (-(item[1][1] * 3 + item[1][2]), item[0]))
    top_orgs = [
        {"org": org, "first_degree": c[1], "second_degree": c[2]} for org, c in ranked[:top]
    ]
    moves = reader.events(kinds=list(CAREER_KINDS), limit=None if hidden else top)
    moves = [m for m in moves if m["person_id"] not in hidden][:top]
    return {
        "viewer": handle,
        "members": list(members),
        "counts": {
            **{k: len(v) for k, v in origins.items()},
            "second_degree_named": len(second),
            "second_degree_counted_only": counted,
            "organisations_reached": len(orgs),
            "contacts_messaged": len(traffic),
        },
        "explain": {
            **ORIGIN_WORDS,
            "second_degree_named": (
                "contacts of your contacts, from members who share their ties by name"
            ),
            "second_degree_counted_only": "more of them, from members who share counts only",
            "organisations_reached": "current employers of your first and second degree",
            "contacts_messaged": "people you exchanged LinkedIn messages with (any of the above)",
        },
        "top_contacts": top_contacts,
        "top_organisations": top_orgs,
        "recent_career_moves": moves,
    }
