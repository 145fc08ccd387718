"""Introductions with consent: who can introduce the viewer, the request, the
broker's answer.

1. **Who can introduce me** (:func:`who_can_introduce`): on an organisation's,
   a person's or a job's page, the viewer's ranked introduction paths with their
   explanations, each with the etiquette's verdict on asking that broker now.
   The paths come from the viewer's scoped reader: a broker's ties count only as
   the broker shares them, so a member who shares nothing is never a path.
2. **The request** (:func:`request_form`, :func:`send_request`): the member
   writes it from the draft. Sending it records an ask in the member's ledger
   (:func:`weakties.service.outreach.ask`: the ledger is held from the check to
   the insert, so two requests at once cannot both pass a limit of one), opens a
   private thread between the requester and the broker with the request in it,
   and notifies the broker. The target is told nothing.
3. **The broker's answer**: :func:`forward` (optionally with a note) opens a
   conversation of three — requester, broker, target — with the request in it
   and notifies the target; :func:`decline` tells the requester "not forwarded"
   and nothing more. A request left unanswered shows as unanswered from the day
   the requester's etiquette says so. Each outcome closes the ask in the
   requester's ledger (introduced / declined; unanswered lapses by itself), so
   etiquette's waits and the tie model see it; a forward is also an
   ``introduction`` trace from the broker to each of the two.
   Until the broker answers, the requester may :func:`withdraw` the request: the
   broker's thread says so and neither answer is possible any more. A withdrawn
   request still counts for the requester's etiquette (it is recorded as
   ``withdrawn`` in the ledger): the broker has read it, so it rests them like an
   introduction (or like no answer, once it had lapsed) and stays among the week's
   asks — otherwise asking, withdrawing and asking again would get round every limit.
4. **Favours both ways** (:func:`introduction_ledger`): the asks a member
   received and what they did with them, the asks they sent and their state.

Only the requester and the broker ever see a request; the target sees the
conversation of three once it is forwarded, and no one else sees anything. A
block between the requester and the broker or the target hides them from each
other here as everywhere (no path, no request); a block that arrives later
between any two of the three closes the request, as declined
(:func:`close_on_block`), and stops a forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from weakties.errors import InputError, NotFoundError, RefusedError
from weakties.model.tables import (
    Interaction,
    IntroRequest,
    Member,
    Message,
    Organization,
    table_of,
)
from weakties.service.connections import MemberCard, member_of
from weakties.service.context import Viewer, reader
from weakties.service.forms import N_, FormError
from weakties.service.live import Pending
from weakties.service.notifications import notify
from weakties.service.social import (
    blocked_between,
    cards,
    check_rate,
    hidden_members,
    member_by_handle,
    require_active,
)
from weakties.store._base import one_of

if TYPE_CHECKING:
    import numpy as np

    from weakties.store.scope import Scope

__all__ = [
    "PATHS_SHOWN",
    "IntroLedger",
    "IntroView",
    "Introducer",
    "Refusal",
    "RequestForm",
    "SentRequest",
    "WhoCanIntroduce",
    "close_on_block",
    "decline",
    "for_thread",
    "forward",
    "introduction",
    "introduction_ledger",
    "possible_on",
    "refusals_of",
    "request_form",
    "send_request",
    "who_can_introduce",
    "withdraw",
]

PATHS_SHOWN = 5
MAX_BROKERS = 1_000  # brokers ranked per page (each one explained)
PURPOSES = ("job", "client", "info")


@dataclass(frozen=True)
class Refusal:
    """One etiquette rule an ask would break, and the first day it no longer does
    (None: never, e.g. "do not ask")."""

    rule: str
    message: str  # in English, as the command line says it
    possible_on: dt.date | None
    # the message's parts (names, numbers, days), for the pages to word it in the
    # member's language
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Introducer:
    """One way in: the broker, the person they would introduce, and why."""

    rank: int
    broker_name: str
    broker: MemberCard | None  # None: not a member of this platform
    tie: str
    contact_name: str  # the person the broker knows and would introduce
    contact: MemberCard | None
    target_name: str  # the person at the end of the path (the contact, or whom they know)
    target_role: str | None
    length: int
    score: float
    why: str
    refusals: list[Refusal] = field(default_factory=list)
    possible_on: dt.date | None = None
    # the viewer may send this broker a request here and now
    askable: bool = False


@dataclass(frozen=True)
class WhoCanIntroduce:
    """The viewer's ways in to an organisation, a person or a job's organisation."""

    target: str
    org_id: int | None
    job_id: int | None
    purpose: str
    paths: list[Introducer]
    known_directly: int  # people there the viewer knows already


@dataclass(frozen=True)
class RequestForm:
    """What the request form shows: whom, through whom, the draft, and whether
    etiquette allows it today."""

    broker: MemberCard
    target: MemberCard
    org_id: int | None
    org: str | None
    job_id: int | None
    purpose: str
    draft: str
    how_they_know: str | None
    refusals: list[Refusal]
    possible_on: dt.date | None


@dataclass(frozen=True)
class SentRequest:
    id: int
    thread_id: int
    ask_id: int


@dataclass(frozen=True)
class IntroView:
    """One request as its requester or its broker sees it.

    ``state``: ``waiting`` (the broker has not answered yet), ``unanswered`` (no
    answer by ``unanswered_on``), ``forwarded``, ``declined`` (shown to the
    requester as "not forwarded") or ``withdrawn`` (by the requester, before an
    answer).
    """

    id: int
    requester: MemberCard
    broker: MemberCard
    target: MemberCard
    org: str | None
    org_id: int | None
    job_id: int | None
    state: str
    asked_at: dt.datetime
    unanswered_on: dt.date
    answered_at: dt.datetime | None
    thread_id: int | None
    group_id: int | None
    sent_by_me: bool
    # the viewer's part in it: ``requester``, ``broker`` or ``target`` (who sees it
    # only in the conversation of three it became: see :func:`for_thread`)
    role: str = "requester"


@dataclass(frozen=True)
class IntroLedger:
    """Favours both ways: the requests a member received, and those they sent."""

    received: list[IntroView]
    sent: list[IntroView]
    waiting: int  # received requests the member has not answered yet


_DAYS = ("asked_on", "closed_on", "until", "reusable")


def _day_of(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _refusals(reasons: list[dict[str, Any]]) -> list[Refusal]:
    return [
        Refusal(
            str(r["rule"]),
            str(r["message"]),
            _day_of(r.get("possible_on")),
            {
                key: _day_of(value) if key in _DAYS else value
                for key, value in (r.get("params") or {}).items()
            },
        )
        for r in reasons
    ]


def refusals_of(exc: RefusedError) -> list[Refusal]:
    """The rules an etiquette refusal names, each with the day it lifts."""
    return _refusals(
        [r for r in exc.reasons if "message" in r]
        or [
            {
                "rule": str((exc.reasons or [{}])[0].get("rule", "refused")),
                "message": str(exc),
                "possible_on": None,
            }
        ]
    )


def possible_on(refusals: list[Refusal]) -> dt.date | None:
    """The first day every refusal is lifted (None if one never is, or none)."""
    days = [r.possible_on for r in refusals]
    if not days or any(d is None for d in days):
        return None
    return max(d for d in days if d is not None)


def _members_of(conn: Connection, person_ids: set[int]) -> dict[int, int]:
    """Person id -> member id, for the people who are members."""
    if not person_ids:
        return {}
    rows = conn.execute(
        select(Member.person_id, Member.id).where(one_of(conn, Member.person_id, person_ids))
    )
    return dict(rows.all())


def _purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise InputError(f"purpose must be one of {', '.join(PURPOSES)}", field="purpose")
    return purpose


def who_can_introduce(
    conn: Connection,
    who: Viewer,
    *,
    org_id: int | None = None,
    handle: str | None = None,
    job_id: int | None = None,
    purpose: str | None = None,
    limit: int = PATHS_SHOWN,
    wait: float | None = None,
    retry: bool = True,
    later: bool = False,
) -> WhoCanIntroduce:
    """Who can introduce the viewer to an organisation (``org_id``), a member
    (``handle``) or the organisation of a job (``job_id``), best first, each with
    the etiquette's verdict on asking that broker today.

    On a platform the introduction network is built apart from the requests
    (:func:`_network`): ``wait`` is how long to wait for it (None: until built);
    if its build failed, the error is raised again, and without ``retry`` (a
    page's poll for its section) the build is not started again. With ``later``
    (a page that loads the section by itself next), paths on a platform not
    already worked out for this viewer and target are not worked out now:
    :class:`~weakties.service.live.Pending` is raised instead (finding and
    ranking them costs a page two to four times its other work; the page is
    shown first, the section follows).

    Raises
    ------
    NotFoundError
        An organisation, member or job the viewer may not see.
    weakties.service.live.Pending
        The network is still being built after ``wait`` seconds.
    Exception
        The network's build failed (whatever it raised).
    """
    from weakties.service import jobs
    from weakties.service.live import Pending, is_kept, memo

    me = member_of(who)
    if sum(x is not None for x in (org_id, handle, job_id)) != 1:
        raise InputError("say one of: an organisation, a member, a job")
    r = reader(conn, who)
    if job_id is not None:
        org_id = jobs.job(conn, who, job_id).organization_id
        purpose = purpose or "job"
    purpose = _purpose(purpose or "job")
    found_org: int | None = None
    if handle is not None:
        card = member_by_handle(conn, who, handle)
        if card.member_id == me:
            return WhoCanIntroduce(card.name, None, None, purpose, [], 0)
        to = f"person:#{card.person_id}"
        label = card.name
    else:
        assert org_id is not None
        found_org = r.find_org(f"#{org_id}")  # NotFoundError for one the viewer may not see
        to = f"org:#{found_org}"
        label = ""  # named only when the paths are worked out (below)
    # the network first, then what was kept: on a platform it is built apart and
    # shown while at most MAX_AGE old (a request past REFRESH_AFTER starts the next
    # build), and an answer kept from it must not outlive it (nor stop the next)
    net = _network(conn, who, wait=wait, retry=retry)
    # kept while the graph and the traces are unchanged and the network is that
    # build, on the clock's day (the etiquette's verdicts are by the day): the
    # paths, the brokers' cards and the verdicts were read and checked again at
    # every request
    key = ("introducers", to, org_id, job_id, purpose, limit, who.clock.date(), _made(net))
    if later and _apart(who) and not is_kept(conn, who, key):
        raise Pending(key)

    def work_out() -> WhoCanIntroduce:
        name = label
        if found_org is not None:  # a page that shows the section later never reads it
            name = r.org_names([found_org]).get(found_org, f"#{found_org}")
        return _introducers(conn, who, name, to, org_id, job_id, purpose, limit, net)

    return memo(conn, who, key, work_out)


def _made(net: Any) -> float | None:
    """Which build of the introduction network ``net`` is (None: no network)."""
    return None if net is None else float(net.made)


def _introducers(
    conn: Connection,
    who: Viewer,
    label: str,
    to: str,
    org_id: int | None,
    job_id: int | None,
    purpose: str,
    limit: int,
    net: Any,
) -> WhoCanIntroduce:
    """:func:`who_can_introduce` once its target and the viewer's introduction
    network (:func:`_network`; None: no tie the viewer may use) are found."""
    from weakties.opportunity.etiquette import AskFacts, ask_facts, check_ask
    from weakties.service.live import memo
    from weakties.service.opportunities import introductions

    r = reader(conn, who)
    hidden = hidden_members(conn, who)
    known = r.first_degree()
    # a broker who does not want to be asked (their own wish, or the viewer's note
    # of it) is never proposed: a request through them would only be refused
    not_asked = r.do_not_ask()
    if net is None:  # no tie the viewer may use
        return WhoCanIntroduce(label, org_id, job_id, purpose, [], 0)
    try:
        # every broker's best path: the ones on hold (an open ask, a rest) rank last
        # but are shown too, with the rule that holds them and the day it lifts;
        # only the ones shown are explained
        found = memo(
            conn,
            who,
            ("who_can_introduce", to, purpose, limit, _made(net)),
            lambda: introductions(
                conn,
                who,
                to,
                purpose=purpose,
                limit=MAX_BROKERS,
                per_broker=1,
                net=net,
                pick=_shown(conn, who, known, hidden, limit, not_asked),
            ),
        )
    except NotFoundError:  # not in the viewer's visible network
        return WhoCanIntroduce(label, org_id, job_id, purpose, [], 0)
    paths = [p for p in found.paths if p.broker is not None]
    people = {p.broker.id for p in paths if p.broker} | {
        (p.via.id if p.via else p.target.id) for p in paths
    }
    member_ids = _members_of(conn, people)
    people_cards = cards(conn, member_ids.values())
    out: list[Introducer] = []
    brokers: set[int] = set()
    held = 0
    facts: AskFacts | None = None
    for p in paths:
        assert p.broker is not None
        contact_pid = p.via.id if p.via else p.target.id
        if contact_pid in known or p.broker.id in brokers:
            continue  # the viewer knows them already; one way in per broker
        if p.broker.id in not_asked:
            continue
        contact_name = (p.via.name if p.via else p.target.name) or f"#{contact_pid}"
        broker_member = member_ids.get(p.broker.id)
        contact_member = member_ids.get(contact_pid)
        if broker_member in hidden or contact_member in hidden:
            continue  # blocked either way, or suspended: never a way in
        if any(m is not None and m not in who.scope.names for m in (broker_member, contact_member)):
            continue  # a member's ties count only as they share them: by name
        if p.status != "ok":
            if held >= limit:
                continue
            held += 1
        elif len(out) - held >= limit:
            continue
        brokers.add(p.broker.id)
        if facts is None:
            # read once for every broker shown, their names with it
            facts = ask_facts(r, {q.broker.id for q in paths if q.broker is not None})
        decision = check_ask(r, p.broker.id, target=contact_pid, org=org_id, facts=facts)
        refusals = _refusals(decision.reasons)
        out.append(
            Introducer(
                rank=len(out) + 1,
                broker_name=p.broker.name or f"#{p.broker.id}",
                broker=people_cards.get(broker_member) if broker_member else None,
                tie=p.broker.tie,
                contact_name=contact_name,
                contact=people_cards.get(contact_member) if contact_member else None,
                target_name=p.target.name or f"#{p.target.id}",
                target_role=p.target.role,
                length=p.length,
                score=p.score,
                why=p.why,
                refusals=refusals,
                possible_on=possible_on(refusals),
                askable=bool(broker_member and contact_member and not refusals),
            )
        )
    return WhoCanIntroduce(
        label, org_id, job_id, purpose, out, int(found.summary.targets_known_directly)
    )


def _shown(
    conn: Connection,
    who: Viewer,
    known: set[int],
    hidden: set[int],
    limit: int,
    not_asked: set[int],
) -> Callable[[Any, np.ndarray], np.ndarray]:
    """The ranked paths :func:`who_can_introduce` shows, picked before they are
    explained (by the same rules as its loop): one per broker, not to someone the
    viewer knows, no one behind a block, suspended or not sharing by name, no
    broker who does not want to be asked, ``limit`` askable and ``limit`` on hold.

    A platform's network may be some minutes old (see :func:`_network`):
    then every tie of a path is looked up again, as the viewer may see it now, and
    a path with a tie that ended, or that the viewer may no longer see, is not shown."""
    import numpy as np

    from weakties.opportunity.paths import STATUS_NAMES

    def pick(paths: Any, chosen: np.ndarray) -> np.ndarray:
        # the paths through a broker, ranked; each one's people and its ends'
        # members are read as the loop reaches it (it stops looking at most of them)
        ranked = chosen[paths.length[chosen] >= 2].tolist()
        statuses = [STATUS_NAMES[s] for s in paths.status[ranked].tolist()] if ranked else []
        people: list[list[int]] = []

        def hops(at: int) -> list[int]:
            while len(people) <= at:
                people.append(paths.people(ranked[len(people)]))
            return people[at]

        members: dict[int, int] = {}
        read_to = 0  # the ends of ranked[:read_to] are looked up

        def member(at: int, pid: int) -> int | None:
            nonlocal read_to
            if at >= read_to:
                upto = min(len(ranked), at + _MEMBERS_AHEAD)
                members.update(
                    _members_of(conn, {p for k in range(at, upto) for p in hops(k)[1:3]})
                )
                read_to = upto
            return members.get(pid)

        apart = _apart(who)  # possibly minutes old: the ties as the viewer may see them now
        r = reader(conn, who) if apart else None
        sources = _sources(conn, who) if apart else []
        looked: set[tuple[int, int]] = set()
        there: set[tuple[int, int]] = set()

        def standing(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
            """The ties of ``pairs`` as the viewer may see them now (read once each)."""
            assert r is not None
            new = pairs - looked
            if new:
                there.update(r.tied_pairs(new, sources=sources, as_of=who.as_of))
                looked.update(new)
            return there

        keep: list[int] = []
        brokers: set[int] = set()
        ok = held = 0
        for at, i in enumerate(ranked):
            status = statuses[at]
            if (held >= limit) if status != "ok" else (ok >= limit):
                continue  # as many of its kind are kept already
            path = hops(at)
            broker, contact = path[1], path[2]
            if contact in known or broker in brokers or broker in not_asked:
                continue
            ends = (member(at, broker), member(at, contact))
            if any(m is not None and (m in hidden or m not in who.scope.names) for m in ends):
                continue
            if r is not None:
                steps = _steps(path)
                if not looked.issuperset(steps):
                    # this path's ties and the next ones' in one read: most are shown
                    ahead = range(at, min(len(ranked), at + 4 * limit))
                    standing({p for k in ahead for p in _steps(hops(k))})
                if not there.issuperset(steps):
                    continue
            if status != "ok":
                held += 1
            else:
                ok += 1
            brokers.add(broker)
            keep.append(i)
        if r is not None:
            _recount(paths, keep, standing)
        return np.array(keep, dtype=chosen.dtype)

    return pick


#: paths whose ends' members :func:`_shown` looks up in one read, from the one it is at
_MEMBERS_AHEAD = 64


def _recount(
    paths: Any, keep: list[int], standing: Callable[[set[tuple[int, int]]], set[tuple[int, int]]]
) -> None:
    """The counts shown with the paths ``keep`` of a network that may be minutes
    old (see :func:`_network`), counted again on the ties as the viewer may see
    them now (``standing``), as the paths themselves are checked: each broker's
    mutual contacts, the people there the viewer knows (both in ``paths.extra``,
    which :func:`weakties.opportunity.explain.explain_paths` and the summary
    read), and whether a path is the viewer's only way to its target (another
    broker's way there counts only if its ties all still stand)."""
    import numpy as np

    g, me = paths.net.graph, paths.net.viewer
    ids = g.person_ids
    me_pid = int(ids[me])
    brokers = sorted({int(paths.first[i]) for i in keep})
    shared = {b: ids[g.mutual(me, b)].tolist() for b in brokers}
    direct = ids[paths.known_directly()].tolist()
    wanted = {_pair(me_pid, p) for p in direct}
    for b, people in shared.items():
        wanted |= {_pair(me_pid, m) for m in people} | {_pair(int(ids[b]), m) for m in people}
    now = standing(wanted)
    paths.extra["mutual"] = {
        b: sum(_pair(me_pid, m) in now and _pair(int(ids[b]), m) in now for m in people)
        for b, people in shared.items()
    }
    paths.extra["known_directly"] = sum(_pair(me_pid, p) in now for p in direct)
    for i in keep:
        if paths.only_way[i]:
            continue  # the only broker there was: no other way in since (the network's)
        others = np.flatnonzero(
            (paths.target == paths.target[i]) & (paths.length > 1) & (paths.first != paths.first[i])
        )
        alone = True
        for start in range(0, others.size, 16):
            ways = [_steps(paths.people(j)) for j in others[start : start + 16].tolist()]
            now = standing({p for steps in ways for p in steps})
            if any(now.issuperset(steps) for steps in ways):
                alone = False
                break
        if alone:
            paths.only_way[i] = True


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _steps(people: list[int]) -> list[tuple[int, int]]:
    """The ties of a path through ``people``, each as ``(smaller, larger)``."""
    return [_pair(a, b) for a, b in pairwise(people)]


#: seconds a page waits for the introduction network before it shows its section
#: later (the section then loads by itself: see the web routes)
PAGE_WAIT = 1.0


def _sources(conn: Connection, who: Viewer) -> list[str]:
    """The sources of the ties on the viewer's introduction paths."""
    from weakties.opportunity.network import introduction_sources
    from weakties.ties.infer import inference_enabled

    return introduction_sources(inference_enabled(reader(conn, who)))


def _network(
    conn: Connection, who: Viewer, *, wait: float | None = None, retry: bool = True
) -> Any:
    """The viewer's introduction network with tie strengths (None: the viewer has
    no tie in it).

    For a team (at most ``PER_MEMBER_SCORING`` other members sharing by name), the
    viewer's own, each member's ties scored by that member's model, computed in the
    request and kept while the graph and the traces are unchanged (see
    :mod:`weakties.service.live`).

    On a platform, the network every member may see is built once per server
    process for all the viewers who see exactly it (as their graph snapshot is:
    :func:`weakties.service.network._snapshot`), apart from the requests and one
    build at a time (:func:`weakties.service.live.built_apart`), with the
    documented priors scoring the ties between other members; the viewer's own
    ties are scored by their own model in the request
    (:func:`weakties.opportunity.network.viewer_network`). It was built for each
    viewer from every tie and trace of the platform on their first visit, tens of
    seconds and gigabytes each at 10,000 members. A viewer who sees other ties
    than everyone (one who does not share by name, one with a block) has a network
    of their own, built apart too (and one with a contact it does not hold yet
    waits for their next one). A suspended member is hidden from everyone alike:
    the shared network leaves them out, their ties and those with them, for
    every viewer (a suspension made every member's network their own, each a
    build as long as the shared one).

    **Served while it is refreshed.** The shared network may be some minutes old
    (at most ``weakties.service.live.MAX_AGE`` seconds once the data changed; the
    first request ``REFRESH_AFTER`` seconds after its build with a change starts
    the next one). It is one network whoever shares (its key does not hold the
    members sharing: it holds the scope it was built for), and the rule for
    serving it while the next one is built is:

    - a change that only adds to what the viewer may see — a sign-up, a member
      who starts sharing by name, a new tie, a contact of the viewer's own — never
      makes them wait: they are served the network there is, which holds less
      than they may see, not more (their own new contacts are added to their own
      part at once: :func:`weakties.opportunity.network.viewer_network`; the rest
      reaches them with the next build);
    - a change that removes what they may see — a member whose ties it holds no
      longer shares them by name (or by count), leaves or is suspended — makes
      them wait for a network built since (:func:`_still_seen`); a block makes the
      viewer's network their own (above);
    - whatever it holds, nothing is shown of it unchecked: every tie of each
      shown path (and of a draft's) is read again as the viewer may see it now,
      and the people on it checked for blocks, suspensions and sharing
      (:func:`_shown`, :func:`_usable`), so a path through someone who stopped
      sharing, or a tie that ended, is never shown even from a network built
      before; and the counts shown beside the paths (mutual contacts, people
      known there, "your only way") are counted on the ties read again
      (:func:`_recount`), not on the network's.

    Raises
    ------
    weakties.service.live.Pending
        Still being built after ``wait`` seconds (None: waits until it is built).
    Exception
        Its build failed: raised again to the next requests, and only one that may
        ``retry`` starts it again (see :func:`weakties.service.live.built_apart`).
    """
    from weakties.opportunity.network import (
        _with_own_ties,
        build_network,
        shared_network,
        viewer_network,
    )
    from weakties.service.context import _members
    from weakties.service.live import built_apart, fit_stamp, kept_for, memo
    from weakties.service.network import _shared_view
    from weakties.service.social import suspended_for
    from weakties.store.reader import Reader
    from weakties.ties.infer import inference_enabled

    r = reader(conn, who)
    if not _apart(who):
        return memo(conn, who, "introductions", lambda: build_network(r, as_of=who.as_of))
    # a viewer with a block (either way) sees other ties than everyone; a suspended
    # member is hidden from everyone alike: their ties are left out of the shared
    # network (as those of a member who stops sharing), for every viewer
    suspended = suspended_for(conn, who)
    blocked = hidden_members(conn, who) - suspended
    shared = None if blocked else _shared_view(conn, who)
    key: tuple[Any, ...]
    if shared is None:
        scope = who.scope
        # scored with the viewer's own fit: a new one is another network (live doc)
        key = ("introductions", scope, fit_stamp(conn, who), who.as_of, who.now.date())

        def build(c: Connection) -> Any:
            return build_network(Reader(c, scope, now=who.now, clock=who.clock), as_of=who.as_of)

        def mine(base: Any) -> Any:
            return base

    else:
        inferred = inference_enabled(r)
        # one network for every member who sees what everyone sees, whoever shares
        # by name when it is built (see "Served while it is refreshed" above)
        key = ("introductions", "shared", inferred, who.as_of, who.now.date())

        def build(c: Connection) -> Any:
            scope, hidden = _everyone(c)
            found = Reader(c, scope, now=who.now, clock=who.clock, hidden=hidden)
            return shared_network(found, as_of=who.as_of, inferred=inferred)

        def mine(base: Any) -> Any:
            def own_ties(g: Any, me: int, added: Any, strength: float) -> Any:
                # the copy of the graph with the viewer's contacts since the build
                # (tens of MB on a large platform) depends on that build and on those
                # contacts only: kept while both are the same, not made again after
                # every write anywhere (as what is scored with the traces is)
                return kept_for(
                    conn,
                    who,
                    ("own ties", id(base), base.made, me, tuple(added.tolist()), strength),
                    lambda: _with_own_ties(g, me, added, strength),
                )

            return memo(
                conn,
                who,
                ("introductions", id(base), base.made),
                lambda: viewer_network(r, base, as_of=who.as_of, own_ties=own_ties),
            )

    # the network shared by every member who sees the same ties is built before
    # any member's own (one build at a time): a refresh never waits for a queue
    first = shared is not None
    base = built_apart(conn, key, build, wait=wait, first=first, retry=retry)
    if shared is not None:
        if not _still_seen(base, shared, suspended, _members(conn).persons_of(suspended)):
            # a member whose ties it holds no longer shares them by name, or is
            # suspended: a network built since that change (the request waits for it)
            base = built_apart(conn, key, build, wait=wait, fresh=True, first=True, retry=retry)
        # the viewer's contacts since its build are in their own part (viewer_network)
        return mine(base)
    net = base
    if who.as_of is None:
        ids = None if net is None else net.graph.person_ids
        inside = set() if ids is None else set(ids[net.contacts].tolist())
        if r.first_degree() - inside:  # a contact since the build: the next one holds them
            net = built_apart(conn, key, build, wait=wait, fresh=True, retry=retry)
    return net


def _everyone(conn: Connection) -> tuple[Scope, frozenset[int]]:
    """The shared view's scope as ``conn`` reads the members now — the ties of
    every member who shares by name, but the suspended ones — and the people it
    hides: the suspended members' (what a shared network is built for)."""
    from weakties.service.context import _members
    from weakties.service.social import suspended_members
    from weakties.store.scope import shared_scope

    suspended = suspended_members(conn)
    table = _members(conn)
    rows = [(m, p, level) for m, p, level, _ in table.rows if m not in suspended]
    return shared_scope(rows), table.persons_of(suspended)


def _still_seen(
    built: Any, now: Scope, suspended: AbstractSet[int], hidden: AbstractSet[int]
) -> bool:
    """Whether the viewers of the shared view ``now`` (whose members ``suspended``
    are suspended; ``hidden``: their people) may still see everything the
    shared network ``built`` holds: everyone whose ties it holds still shares as
    much, and nobody in it is suspended since (a member who shares since, signed up
    since or whose suspension was lifted since changes nothing of that: the viewers
    see more than it holds, not less)."""
    scope = built.scope
    if scope is None:
        return False
    # (the sets copied only when there is someone to take out: a platform's members)
    names = now.names - suspended if suspended else now.names
    counts = now.counts - suspended if suspended else now.counts
    return _within(scope.names, names) and _within(scope.counts, counts) and hidden <= built.hidden


def _within(part: AbstractSet[int], whole: AbstractSet[int]) -> bool:
    """``part <= whole``, at once when they are the same set."""
    return part is whole or part <= whole


def _apart(who: Viewer) -> bool:
    """Whether the viewer's introduction network is a platform's, built apart from
    the requests and possibly some minutes old (see :func:`_network`): then what
    is shown of it is checked against the request's data."""
    from weakties.opportunity.network import PER_MEMBER_SCORING

    names = who.scope.names  # counted without copying a platform's members
    return len(names) - (who.scope.member_id in names) > PER_MEMBER_SCORING


def _org_label(conn: Connection, who: Viewer, org_id: int | None) -> str | None:
    if org_id is None:
        return None
    r = reader(conn, who)
    found = r.find_org(f"#{org_id}")
    return r.org_names([found]).get(found)


def request_form(
    conn: Connection,
    who: Viewer,
    broker: str,
    target: str,
    *,
    org_id: int | None = None,
    job_id: int | None = None,
    purpose: str = "job",
    lang: str = "en",
    wait: float | None = None,
) -> RequestForm:
    """The request to ``broker`` (a handle) for an introduction to ``target`` (a
    handle), drafted from what the three share, and the etiquette's verdict.

    The draft reads the network "who can introduce me" reads (on a platform, built
    apart from the requests: :func:`_network`). With ``wait`` None the form does
    not wait for it: while it is being built (``PAGE_WAIT`` seconds at most), the
    draft is empty and the member writes it all (the page's form). With ``wait``
    (seconds) the draft is needed: :class:`weakties.service.live.Pending` is
    raised if the network is still being built after that long (the API answers
    503: an empty draft would read as "no path through them").

    Raises
    ------
    NotFoundError
        A member the viewer may not see (a block hides them), or an organisation.
    FormError
        The viewer themself as broker or target, or the same member twice.
    weakties.service.live.Pending
        Only with ``wait``: the network is still being built.
    """
    from weakties.opportunity.etiquette import check_ask
    from weakties.service.opportunities import draft

    _purpose(purpose)
    me = member_of(who)
    b = member_by_handle(conn, who, broker)
    t = member_by_handle(conn, who, target)
    _distinct(me, b, t)
    if job_id is not None:
        from weakties.service import jobs

        org_id = jobs.job(conn, who, job_id).organization_id
    org = _org_label(conn, who, org_id)
    text, how = "", None
    try:
        # the network "who can introduce me" read (not one built for this page)
        net = _network(conn, who, wait=PAGE_WAIT if wait is None else wait)
        if net is None:
            raise NotFoundError("no tie the viewer may use")
        made = draft(
            conn,
            who,
            f"#{b.person_id}",
            f"#{t.person_id}",
            purpose=purpose,
            lang=lang if lang in ("en", "fr") else "en",
            net=net,
            check=_usable(conn, who),
        )
        text, how = made.draft, made.context.how_the_broker_knows_them.text
    except NotFoundError:
        pass  # no visible path through them: the member writes it all
    except Pending:
        if wait is not None:
            raise
        # not worked out yet: the page's member writes it all
    r = reader(conn, who)
    try:
        decision = check_ask(r, b.person_id, target=t.person_id, org=org_id)
        refusals = _refusals(decision.reasons)
    except NotFoundError:
        refusals = []
    return RequestForm(
        b, t, org_id, org, job_id, purpose, text, how, refusals, possible_on(refusals)
    )


def _usable(conn: Connection, who: Viewer) -> Callable[[list[int]], bool]:
    """Whether a path (its people, the viewer first) may be drafted from, by the
    rules of :func:`_shown`: nobody on it hidden from the viewer (a block either
    way, a suspension), the broker and the person they introduce sharing by name
    if members, and on a platform each of its ties one the viewer may see now."""
    from weakties.service.social import shown_reader

    r = reader(conn, who)
    hidden = shown_reader(conn, who).hidden
    apart = _apart(who)
    sources = _sources(conn, who) if apart else []

    def check(people: list[int]) -> bool:
        if hidden.intersection(people[1:]):
            return False
        members = _members_of(conn, set(people[1:3]))
        if any(m not in who.scope.names for m in members.values()):
            return False
        if not apart:
            return True
        steps = _steps(people)
        return r.tied_pairs(steps, sources=sources, as_of=who.as_of).issuperset(steps)

    return check


def _distinct(me: int, broker: MemberCard, target: MemberCard) -> None:
    if broker.member_id == me:
        raise FormError.one("broker", N_("You cannot ask yourself for an introduction."))
    if target.member_id == me:
        raise FormError.one("target", N_("You cannot ask to be introduced to yourself."))
    if broker.member_id == target.member_id:
        raise FormError.one("target", N_("Write to them directly: they are the broker."))


def send_request(
    conn: Connection,
    who: Viewer,
    broker: str,
    target: str,
    body: str,
    *,
    org_id: int | None = None,
    job_id: int | None = None,
    purpose: str = "job",
) -> SentRequest:
    """Send a request for an introduction: an ask in the viewer's ledger (if
    etiquette allows it), a private thread with the broker holding the request,
    a notification to the broker. The target is told nothing.

    Raises
    ------
    RefusedError
        Etiquette refuses it: ``reasons`` hold every rule and the day it lifts.
    FormError
        An empty or too long request, the viewer as broker or target.
    NotFoundError
        A broker or target the viewer may not see (a block hides them).
    """
    from weakties.opportunity.etiquette import load_limits
    from weakties.service.messages import checked_body, open_conversation
    from weakties.service.outreach import ask

    _purpose(purpose)
    me = require_active(conn, who)
    text = checked_body(body)
    b = member_by_handle(conn, who, broker)
    t = member_by_handle(conn, who, target)
    _distinct(me, b, t)
    if job_id is not None:
        from weakties.service import jobs

        org_id = jobs.job(conn, who, job_id).organization_id
    if org_id is not None:
        _org_label(conn, who, org_id)  # one the viewer may see
    # the ledger is held from here: the etiquette's check and the insert see the
    # same asks, however many requests arrive at once
    recorded = ask(
        conn,
        who,
        f"#{b.person_id}",
        target=f"#{t.person_id}",
        org=f"#{org_id}" if org_id is not None else None,
        purpose=purpose,
        text=text,
    )
    check_rate(conn, me, "message")
    now = who.clock
    limits = load_limits(reader(conn, who))
    thread = open_conversation(conn, [me, b.member_id], [(me, text)], notice=False)
    intro_id = int(
        conn.execute(
            insert(IntroRequest)
            .values(
                ask_id=recorded.id,
                requester_id=me,
                broker_id=b.member_id,
                target_id=t.member_id,
                organization_id=org_id,
                job_id=job_id,
                thread_id=thread,
                status="sent",
                created_at=now,
                unanswered_on=now.date() + dt.timedelta(days=limits.no_answer_after_days),
            )
            .returning(IntroRequest.id)
        ).scalar_one()
    )
    notify(
        conn,
        b.member_id,
        "intro_request",
        dedup=f"intro-{intro_id}-request",
        thread=f"intro-{intro_id}",
        actor_id=me,
        detail=t.name,
    )
    return SentRequest(intro_id, thread, recorded.id)


def _received(conn: Connection, who: Viewer, intro_id: int) -> tuple[int, Any]:
    """The viewer (as broker) and their request ``intro_id``."""
    me = require_active(conn, who)
    row = conn.execute(
        select(table_of(IntroRequest)).where(
            IntroRequest.id == intro_id, IntroRequest.broker_id == me
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no introduction request {intro_id} for you")
    return me, row


def _claim(conn: Connection, who: Viewer, row: Any, status: str) -> dt.datetime:
    """Answer the request once: the first answer wins, a second is refused."""
    now = who.clock
    done = conn.execute(
        update(IntroRequest)
        .where(IntroRequest.id == row.id, IntroRequest.status == "sent")
        .values(status=status, answered_at=now)
    ).rowcount
    if done != 1:
        now_is = conn.execute(select(IntroRequest.status).where(IntroRequest.id == row.id)).scalar()
        _answered(row.id, now_is)
    return now


def _answered(intro_id: int, status: str | None = None) -> None:
    if status == "withdrawn":
        raise RefusedError(
            f"introduction request {intro_id} was withdrawn by the member who sent it",
            [{"rule": "withdrawn"}],
        )
    raise RefusedError(
        f"introduction request {intro_id} is already answered: an answer is final",
        [{"rule": "answered"}],
    )


def _close_ask(conn: Connection, requester: int, ask_id: int, outcome: str) -> None:
    """Record the outcome in the requester's ledger (what their etiquette reads)."""
    from weakties.service.context import viewer
    from weakties.service.outreach import outcome as record

    handle = conn.execute(select(Member.handle).where(Member.id == requester)).scalar_one()
    record(conn, viewer(conn, handle), ask_id, outcome)


def _ask_open(conn: Connection, ask_id: int) -> bool:
    from weakties.model.tables import Ask

    return conn.execute(select(Ask.status).where(Ask.id == ask_id)).scalar() == "open"


def forward(conn: Connection, who: Viewer, intro_id: int, note: str = "") -> int:
    """The broker forwards a request: a conversation of three (requester, broker,
    target) opens with the request in it (and the broker's note), the target and
    the requester are notified, the ask is recorded as introduced. Returns the
    conversation's id.

    Raises
    ------
    NotFoundError
        Not a request the viewer received.
    RefusedError
        Already answered or withdrawn, or a block stands between two of the three.
    FormError
        A note too long or with control characters.
    """
    from weakties.service.messages import checked_body, open_conversation

    me, row = _received(conn, who, intro_id)
    if row.status != "sent":
        _answered(row.id, row.status)
    written = checked_body(note) if note.strip() else None
    hidden = hidden_members(conn, who)
    if (
        row.requester_id in hidden
        or row.target_id in hidden
        or blocked_between(conn, row.requester_id, row.target_id)
    ):
        raise RefusedError(
            "this request cannot be forwarded: one of them cannot be reached any more",
            [{"rule": "blocked"}],
        )
    if not _ask_open(conn, row.ask_id):
        # its outcome was recorded another way (`weakties asks outcome`): not a withdrawal
        raise RefusedError(
            f"introduction request {row.id} can no longer be forwarded: the member who "
            "sent it has recorded how it ended",
            [{"rule": "closed"}],
        )
    now = _claim(conn, who, row, "forwarded")
    request = conn.execute(
        select(Message.body)
        .where(Message.conversation_id == row.thread_id, Message.sender_id == row.requester_id)
        .order_by(Message.id)
        .limit(1)
    ).scalar()
    bodies = [(row.requester_id, request)] if request else []
    if written:
        bodies.append((me, written))
    group = open_conversation(conn, [me, row.requester_id, row.target_id], bodies, notice=False)
    conn.execute(update(IntroRequest).where(IntroRequest.id == row.id).values(group_id=group))
    _close_ask(conn, row.requester_id, row.ask_id, "introduced")
    people = cards(conn, [me, row.requester_id, row.target_id])
    for other in (row.requester_id, row.target_id):
        conn.execute(
            insert(Interaction).values(
                kind="introduction",
                channel="platform",
                sender_id=people[me].person_id,
                recipient_id=people[other].person_id,
                occurred_at=now,
                group_size=2,
                conversation=f"platform-conversation-{group}",
                asserted_by=me,
                natural_key=f"platform-introduction-{row.id}-{other}",
            )
        )
    notify(
        conn,
        row.target_id,
        "intro_made",
        dedup=f"intro-{row.id}-made",
        thread=f"intro-{row.id}",
        actor_id=me,
        conversation_id=group,
        detail=people[row.requester_id].name,
    )
    notify(
        conn,
        row.requester_id,
        "intro_forwarded",
        dedup=f"intro-{row.id}-forwarded",
        thread=f"intro-{row.id}",
        actor_id=me,
        conversation_id=group,
        detail=people[row.target_id].name,
    )
    return group


def decline(conn: Connection, who: Viewer, intro_id: int) -> None:
    """The broker does not forward a request: the requester sees "not forwarded"
    (no reason unless the broker writes one in their thread), the target never
    hears of it, the ask is recorded as declined.

    Raises
    ------
    NotFoundError
        Not a request the viewer received.
    RefusedError
        Already answered, or withdrawn.
    """
    me, row = _received(conn, who, intro_id)
    _claim(conn, who, row, "declined")
    if _ask_open(conn, row.ask_id):
        _close_ask(conn, row.requester_id, row.ask_id, "declined")
    notify(
        conn,
        row.requester_id,
        "intro_declined",
        dedup=f"intro-{row.id}-declined",
        thread=f"intro-{row.id}",
        actor_id=me,
    )


def withdraw(conn: Connection, who: Viewer, intro_id: int) -> None:
    """The requester takes back a request the broker has not answered: the
    broker's thread and notifications say it was withdrawn, the target never
    hears of it, and the ask is recorded as ``withdrawn`` in the requester's ledger
    (it still counts for their etiquette: see the module's notes).

    Raises
    ------
    NotFoundError
        Not a request the viewer sent.
    RefusedError
        Already answered (or withdrawn): an answer is final.
    """
    me = require_active(conn, who)
    row = conn.execute(
        select(table_of(IntroRequest)).where(
            IntroRequest.id == intro_id, IntroRequest.requester_id == me
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no introduction request {intro_id} of yours")
    if row.status != "sent":
        _answered(row.id, row.status)
    _claim(conn, who, row, "withdrawn")
    if _ask_open(conn, row.ask_id):
        _close_ask(conn, me, row.ask_id, "withdrawn")
    notify(
        conn,
        row.broker_id,
        "intro_withdrawn",
        dedup=f"intro-{row.id}-withdrawn",
        thread=f"intro-{row.id}",
        actor_id=me,
        conversation_id=row.thread_id,
        detail=cards(conn, [row.target_id])[row.target_id].name,
    )


def close_on_block(conn: Connection, who: Viewer, one: int, other: int) -> int:
    """Close the requests still waiting for an answer that a block between the
    members ``one`` and ``other`` stops: those where the two are any two of the
    requester, the broker and the target. Returns how many were closed.

    They are closed as ``declined`` (and the ask as declined in the requester's
    ledger), whoever blocked whom: the request can no longer go through, and to
    the requester a decline reads "not forwarded" with nothing more — all a
    block may tell, since it tells nobody that it happened. ``withdrawn`` would tell
    the broker that the requester took it back, which is untrue whenever the broker
    or the target blocked. Once closed, the broker's conversation no longer offers
    to forward it, and the requester's open ask holds no limit (one open ask per
    broker, per target). Nobody is notified.
    """
    between = [
        (IntroRequest.requester_id, IntroRequest.broker_id),
        (IntroRequest.broker_id, IntroRequest.target_id),
        (IntroRequest.requester_id, IntroRequest.target_id),
    ]
    rows = conn.execute(
        select(IntroRequest.id, IntroRequest.requester_id, IntroRequest.ask_id).where(
            IntroRequest.status == "sent",
            or_(*(or_(and_(a == one, b == other), and_(a == other, b == one)) for a, b in between)),
        )
    ).all()
    for row in rows:
        conn.execute(
            update(IntroRequest)
            .where(IntroRequest.id == row.id, IntroRequest.status == "sent")
            .values(status="declined", answered_at=who.clock)
        )
        if _ask_open(conn, row.ask_id):
            _close_ask(conn, row.requester_id, row.ask_id, "declined")
    return len(rows)


def for_thread(conn: Connection, who: Viewer, conversation_id: int) -> IntroView | None:
    """The request discussed in the conversation ``conversation_id``: its private
    thread (requester and broker), for either of them, or the conversation of three
    it became when it was forwarded, for any of the three; None otherwise.

    The person to meet reads only what the conversation of three already tells them
    — who asked, who forwarded it and when — never the private thread, nor the
    organisation or job the request was about."""
    me = member_of(who)
    one_of_two = (IntroRequest.requester_id == me) | (IntroRequest.broker_id == me)
    rows = list(
        conn.execute(
            select(table_of(IntroRequest))
            .where(
                ((IntroRequest.thread_id == conversation_id) & one_of_two)
                | (
                    (IntroRequest.group_id == conversation_id)
                    & (one_of_two | (IntroRequest.target_id == me))
                )
            )
            .order_by(IntroRequest.id.desc())
            .limit(1)
        )
    )
    found = _views(conn, who, rows, me)
    return found[0] if found else None


def _views(conn: Connection, who: Viewer, rows: list[Any], me: int) -> list[IntroView]:
    people = cards(conn, {m for r in rows for m in (r.requester_id, r.broker_id, r.target_id)})
    org_ids = sorted({r.organization_id for r in rows if r.organization_id is not None})
    orgs = (
        dict(
            conn.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))
            ).all()
        )
        if org_ids
        else {}
    )
    today = who.clock.date()
    out = []
    for r in rows:
        if not {r.requester_id, r.broker_id, r.target_id} <= people.keys():
            continue
        state = {"forwarded": "forwarded", "declined": "declined", "withdrawn": "withdrawn"}.get(
            r.status
        )
        if state is None:
            state = "unanswered" if today >= r.unanswered_on else "waiting"
        role = "requester" if r.requester_id == me else "broker" if r.broker_id == me else "target"
        hide = role == "target"  # they read the conversation of three, nothing more
        out.append(
            IntroView(
                id=r.id,
                requester=people[r.requester_id],
                broker=people[r.broker_id],
                target=people[r.target_id],
                org=None if hide else orgs.get(r.organization_id),
                org_id=None if hide else r.organization_id,
                job_id=None if hide else r.job_id,
                state=state,
                asked_at=r.created_at,
                unanswered_on=r.unanswered_on,
                answered_at=r.answered_at,
                thread_id=None if hide else r.thread_id,
                group_id=r.group_id,
                sent_by_me=r.requester_id == me,
                role=role,
            )
        )
    return out


def introduction_ledger(conn: Connection, who: Viewer, *, limit: int = 200) -> IntroLedger:
    """The requests the viewer received (and what they did with them) and those
    they sent (and their state), newest first."""
    me = member_of(who)
    table = table_of(IntroRequest)

    def rows(column: Any) -> list[Any]:
        return list(
            conn.execute(
                select(table).where(column == me).order_by(IntroRequest.id.desc()).limit(limit)
            )
        )

    received = _views(conn, who, rows(IntroRequest.broker_id), me)
    return IntroLedger(
        received=received,
        sent=_views(conn, who, rows(IntroRequest.requester_id), me),
        waiting=sum(1 for r in received if r.state in ("waiting", "unanswered")),
    )


def introduction(conn: Connection, who: Viewer, intro_id: int) -> IntroView:
    """One request, for its requester or its broker only.

    Raises
    ------
    NotFoundError
        For anyone else (the target included: they see the conversation of three).
    """
    me = member_of(who)
    row = conn.execute(select(table_of(IntroRequest)).where(IntroRequest.id == intro_id)).first()
    if row is None or me not in (row.requester_id, row.broker_id):
        raise NotFoundError(f"no introduction request {intro_id}")
    found = _views(conn, who, [row], me)
    if not found:
        raise NotFoundError(f"no introduction request {intro_id}")
    return found[0]
