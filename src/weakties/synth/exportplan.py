"""What goes into a member's export as of a date, and the ground truth of it.

:func:`plan_export` selects the rows every file of the export will hold;
:mod:`weakties.synth.export` renders them, :func:`export_truth` counts them, so the
two cannot disagree. The selection rules and quirks are listed in
:mod:`weakties.synth.export`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from weakties.synth.arrays import run_starts
from weakties.synth.formats import HEADERS
from weakties.synth.names import build_pool, pool_seed
from weakties.synth.world import DAY, SynthPosition, World, day_end, day_start

Variant = Literal["2024", "2022"]
HIDDEN_EVERY = 200
MAX_DRAFTS = 5
DRAFT_EVERY = 500
STRANGER_INVITATIONS = 2
INVITATION_WINDOW_DAYS = 365


def mix(x: int | np.ndarray) -> int | np.ndarray:
    """Multiplicative hash ``(x * 2654435761) % 2**32`` (Knuth), for the quirk rules."""
    return (x * 2654435761) % 2**32


@dataclass(frozen=True, eq=False)
class ExportTruth:
    """What an export of ``person`` as of ``as_of`` contains, for exact import tests."""

    person: int
    slug: str
    as_of: date
    variant: str
    #: Contacts written to Connections.csv (not the hidden rows), in file order.
    connection_ids: tuple[int, ...]
    connection_slugs: frozenset[str]
    n_hidden_rows: int
    n_connection_emails: int
    #: World message ids written to messages.csv (one row each), drafts excluded.
    message_ids: np.ndarray
    n_message_rows: int
    n_draft_rows: int
    n_message_recipient_pairs: int
    n_conversations: int
    n_rows_without_sender_url: int
    #: Per contact: (messages the exporter sent them, messages received from them),
    #: counting each recipient of a group message.
    messages_by_contact: dict[int, tuple[int, int]]
    n_invitations: int
    n_pending_invitations: int
    n_endorsements_received: int
    n_endorsements_given: int
    n_recommendations_received: int
    n_recommendations_given: int
    positions: tuple[SynthPosition, ...]
    education: tuple[SynthPosition, ...]
    skills: tuple[str, ...]
    n_company_follows: int

    @property
    def n_connections(self) -> int:
        return len(self.connection_ids)


@dataclass(frozen=True, eq=False)
class ExportPlan:
    person: int
    as_of: date
    variant: str
    cutoff: int
    connections: list[tuple[int, date]]
    hidden_at: list[int]
    msg_rows: np.ndarray  # indices into world.messages, grouped by message, export order
    msg_first: np.ndarray  # start of each message's rows in msg_rows
    drafts: list[tuple[int, int]]  # (conversation, ts)
    invitations: list[tuple[int, int, int, bool]]  # (inviter, invitee, sent ts, pending)
    endorse_received: np.ndarray
    endorse_given: np.ndarray
    recs_received: list[int]
    recs_given: list[int]
    jobs: list[SynthPosition]
    studies: list[SynthPosition]


def plan_export(world: World, pid: int, as_of: date, variant: str) -> ExportPlan:
    if not 0 <= pid < len(world.people):
        raise ValueError(f"no person with id {pid}")
    if variant not in HEADERS:
        raise ValueError(f"unknown export variant {variant!r}; expected '2024' or '2022'")
    cutoff = day_end(as_of)
    ties = world.ties_of(pid, as_of)
    conns = sorted(((t.other(pid), t.since) for t in ties), key=lambda x: (-x[1].toordinal(), x[0]))
    n_hidden = math.ceil(len(conns) / HIDDEN_EVERY)
    hidden_at = [min(HIDDEN_EVERY * j + HIDDEN_EVERY // 2, len(conns)) for j in range(n_hidden)]
    m = world.messages
    mine = ((m.sender == pid) | (m.recipient == pid)) & (m.ts < cutoff)
    msg_ids = np.unique(m.msg[mine])
    rows = np.flatnonzero(np.isin(m.msg, msg_ids)) if len(msg_ids) else np.zeros(0, np.int64)
    # Export order: conversations by latest message (newest first), then messages
    # newest first; rows of one message stay together.
    conv = m.conversation[rows]
    ts = m.ts[rows]
    if len(rows):
        uc, inv = np.unique(conv, return_inverse=True)
        last = np.full(len(uc), -1, dtype=np.int64)
        np.maximum.at(last, inv, ts)
        order = np.lexsort((m.recipient[rows], -m.msg[rows], -ts, conv, -last[inv]))
        rows = rows[order]
    first = np.flatnonzero(run_starts(m.msg[rows]))
    drafts: list[tuple[int, int]] = []
    if variant == "2024" and len(first):
        n_drafts = min(MAX_DRAFTS, math.ceil(len(first) / DRAFT_EVERY))
        seen: list[int] = []
        for r in rows[first].tolist():
            c = int(m.conversation[r])
            if c not in seen:
                seen.append(c)
                drafts.append((c, min(int(m.ts[r]) + 3600 * len(seen), cutoff - 1)))
            if len(seen) == n_drafts:
                break
    e = world.endorsements
    return ExportPlan(
        person=pid,
        as_of=as_of,
        variant=variant,
        cutoff=cutoff,
        connections=conns,
        hidden_at=hidden_at,
        msg_rows=rows,
        msg_first=first,
        drafts=drafts,
        invitations=_invitations(world, pid, as_of, cutoff),
        endorse_received=_desc(e.ts, (e.endorsee == pid) & (e.ts < cutoff)),
        endorse_given=_desc(e.ts, (e.endorser == pid) & (e.ts < cutoff)),
        recs_received=[
            k for k, r in enumerate(world.recommendations) if r.recommendee == pid and r.ts < cutoff
        ][::-1],
        recs_given=[
            k for k, r in enumerate(world.recommendations) if r.recommender == pid and r.ts < cutoff
        ][::-1],
        jobs=sorted(
            (p for p in world.positions_of(pid, "job") if p.start <= as_of),
            key=lambda p: (p.start, p.end or date.max),
            reverse=True,
        ),
        studies=sorted(
            (p for p in world.positions_of(pid, "study") if p.start <= as_of),
            key=lambda p: p.start,
            reverse=True,
        ),
    )


def _desc(ts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(mask)
    return idx[np.lexsort((-idx, -ts[idx]))]


def _invitation_ts(world: World, a: int, b: int, since: date, inviter: int) -> int:
    """Sent on the day of the connection or the day before, not before joining."""
    h = int(mix(a * 1_000_003 + b))
    sent = day_start(since) - (h % 2) * DAY + (h >> 8) % DAY
    return max(sent, day_start(world.people[inviter].joined))


def _invitations(
    world: World, pid: int, as_of: date, cutoff: int
) -> list[tuple[int, int, int, bool]]:
    lo = day_start(as_of) - INVITATION_WINDOW_DAYS * DAY
    out: list[tuple[int, int, int, bool]] = []
    for t in world.ties_of(pid):
        sent = _invitation_ts(world, t.a, t.b, t.since, t.inviter)
        if lo <= sent < cutoff:
            out.append((t.inviter, t.other(t.inviter), sent, t.since > as_of))
    n = len(world.people)
    if day_start(world.people[pid].joined) <= cutoff - 7 * DAY:
        found = 0
        for j in range(4 * STRANGER_INVITATIONS + 20):
            q = (7919 * pid + 104729 * j + 1) % n
            if q == pid or world.tie(pid, q) is not None or world.people[q].joined > as_of:
                continue
            found += 1
            out.append((pid, q, cutoff - found * 3 * DAY - int(mix(q)) % DAY, True))
            if found == STRANGER_INVITATIONS:
                break
    out.sort(key=lambda x: (-x[2], x[0], x[1]))
    return out


# -- free text ------------------------------------------------------------------------


def text_pools(world: World) -> dict[str, tuple[str, ...]]:
    """Sentence pools per locale, rebuilt from the world's seed (cached on the world)."""
    if "texts" not in world._cache:
        world._cache["texts"] = {
            loc: build_pool(loc, pool_seed(world.seed, k)).sentences
            for k, loc in enumerate(world.locales)
        }
    return world._cache["texts"]


def sentence(pools: dict[str, tuple[str, ...]], locale: str, key: int) -> str:
    """A sentence of ``locale`` (any locale when absent) chosen by hashing ``key``."""
    pool = pools.get(locale) or next(iter(pools.values()))
    return pool[int(mix(key)) % len(pool)]


def export_truth(
    world: World, person_id: int, as_of: date | None = None, variant: Variant = "2024"
) -> ExportTruth:
    """The ground truth of :func:`write_linkedin_export` with the same arguments."""
    as_of = world.end if as_of is None else as_of
    plan = plan_export(world, person_id, as_of, variant)
    m = world.messages
    rows = plan.msg_rows
    r0 = rows[plan.msg_first] if len(rows) else rows
    ego = person_id
    sent_to: dict[int, int] = {}
    got_from: dict[int, int] = {}
    for s, r in zip(m.sender[rows].tolist(), m.recipient[rows].tolist(), strict=True):
        if s == ego:
            sent_to[r] = sent_to.get(r, 0) + 1
        elif r == ego:
            got_from[s] = got_from.get(s, 0) + 1
    contacts = sorted(set(sent_to) | set(got_from))
    no_url = int(np.sum((m.sender[r0] != ego) & (mix(m.msg[r0]) % 100 < 3)))
    ids = tuple(c for c, _ in plan.connections)
    people = world.people
    return ExportTruth(
        person=person_id,
        slug=people[person_id].slug,
        as_of=as_of,
        variant=variant,
        connection_ids=ids,
        connection_slugs=frozenset(people[c].slug for c in ids),
        n_hidden_rows=len(plan.hidden_at),
        n_connection_emails=sum(1 for c in ids if people[c].shares_email),
        message_ids=m.msg[r0].copy(),
        n_message_rows=len(r0),
        n_draft_rows=len(plan.drafts),
        n_message_recipient_pairs=len(rows),
        n_conversations=len(np.unique(m.conversation[r0])),
        n_rows_without_sender_url=no_url,
        messages_by_contact={c: (sent_to.get(c, 0), got_from.get(c, 0)) for c in contacts},
        n_invitations=len(plan.invitations),
        n_pending_invitations=sum(1 for x in plan.invitations if x[3]),
        n_endorsements_received=len(plan.endorse_received),
        n_endorsements_given=len(plan.endorse_given),
        n_recommendations_received=len(plan.recs_received),
        n_recommendations_given=len(plan.recs_given),
        positions=tuple(plan.jobs),
        education=tuple(plan.studies),
        skills=world.skills[person_id],
        n_company_follows=sum(1 for f in world.follows.get(person_id, ()) if f.since < plan.cutoff),
    )
