"""Graph questions on the network a member sees: its size, a degree badge, mutual
contacts, every shortest path.

The people the viewer is not shown (a block either way, a suspended member) are
not in that network (:func:`weakties.service.social.shown_reader`): they cannot
be asked about, are counted nowhere, are no mutual contact and carry no path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Connection, exists, or_, select
from sqlalchemy.orm import aliased

from weakties.errors import InputError
from weakties.model.tables import Member, Tie
from weakties.service.context import Viewer, person_of
from weakties.service.social import shown_reader
from weakties.store.reader import Reader
from weakties.store.scope import Scope

if TYPE_CHECKING:
    from weakties.graph import Graph

__all__ = [
    "FIGURES",
    "PEOPLE_PAGE",
    "BehindPerson",
    "Degree",
    "GraphStats",
    "Mutual",
    "Paths",
    "PeopleBehind",
    "PersonRef",
    "degree",
    "graph_stats",
    "mutual",
    "paths",
    "people_behind",
]

DEGREE_LABEL = {0: "you", 1: "1st", 2: "2nd", 3: "3rd"}
#: the figures of the value report whose people :func:`people_behind` lists
FIGURES = ("second_degree", "third_degree", "only_way_in", "circle")
#: people listed per page behind a figure
PEOPLE_PAGE = 50


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person named in a result."""

    id: int
    name: str | None


@dataclass(frozen=True, slots=True)
class DegreeStats:
    mean: float
    median: float
    max: int


@dataclass(frozen=True, slots=True)
class Reach:
    first_degree: int
    second_degree: int
    third_degree: int


@dataclass(frozen=True, slots=True)
class GraphStats:
    """The size of the network the viewer sees, and their exact reach."""

    nodes: int
    edges: int
    isolated: int
    components: int
    largest_component: int
    density: float
    degree: DegreeStats
    reach: Reach


@dataclass(frozen=True, slots=True)
class Degree:
    """How far someone is (1st, 2nd, 3rd degree; None beyond) and through how many."""

    person_id: int
    name: str | None
    degree: int | None
    label: str
    mutual_contacts: int
    shortest_paths: int


@dataclass(frozen=True, slots=True)
class Mutual:
    """The contacts two people share."""

    a: PersonRef
    b: PersonRef
    people: list[PersonRef]


@dataclass(frozen=True, slots=True)
class BehindPerson:
    """One of the people behind a figure: ``handle`` when they are a member (their
    profile), ``degree`` their distance from the viewer (1, 2 or 3)."""

    id: int
    name: str | None
    handle: str | None
    degree: int


@dataclass(frozen=True, slots=True)
class PeopleBehind:
    """A page of the people a figure of the value report counts, by name.

    ``total`` is the figure itself; ``people`` the ``limit`` of them from
    ``offset``, ordered by name."""

    figure: str
    inferred: bool
    circle: int | None
    as_of: str
    total: int
    offset: int
    limit: int
    people: list[BehindPerson]


@dataclass(frozen=True, slots=True)
class Paths:
    """Every shortest path of at most three hops between two people."""

    start: PersonRef
    end: PersonRef
    paths: list[list[PersonRef]]


def _snapshot(conn: Connection, who: Viewer, r: Reader) -> Graph:
    """The graph the viewer's scope sees, kept while the graph is unchanged.

    A member who shares by name, and whose ties no member sharing less has
    asserted, sees exactly the ties every member may see, and is in them: their
    snapshot is that of the shared view, built once for all of them
    (:func:`weakties.service.live.common`) instead of once each.

    A suspended member is hidden from every member alike (not from the
    operator): the shared snapshot is built without them — no tie with them at
    an end, not they themselves — and is still one for every member (a
    suspension anywhere gave every member a snapshot of their own, tens of MB
    and seconds to build each at 10,000 members). The suspended people are in
    its key: a suspension since its build is a snapshot built since. Only a
    block (either way) between the viewer and someone gives the viewer their
    own; a suspended viewer, who still sees themself, is not in the shared one
    and has their own too."""
    # the graph engine (numba kernels) is loaded by the commands that use it
    from weakties.graph import Graph
    from weakties.service.context import _members
    from weakties.service.live import common, memo
    from weakties.service.social import hidden_members, suspended_for

    def snapshot(reader: Reader) -> Graph:
        # distances, mutual contacts, paths and the network's size: no organisation
        # index, so no job is read (0.03 to 0.05 s of a 5,000-contact degree query)
        return Graph.from_store(reader, orgs=False)

    def build() -> Graph:
        # the people the shared snapshot leaves out: the suspended members, for
        # every member; nobody for the operator, whose reader hides no one
        hidden: frozenset[int] = frozenset()
        if r.hidden:
            suspended = suspended_for(conn, who)
            if hidden_members(conn, who) - suspended:
                return snapshot(r)  # a block: other ties than everyone's
            hidden = _members(conn).persons_of(suspended)
        shared = _shared_view(conn, who)
        if shared is None:
            return snapshot(r)
        key = ("snapshot", shared, hidden, who.when.date(), who.as_of, who.now.date())
        graph = common(
            conn,
            key,
            lambda: snapshot(Reader(conn, shared, now=who.now, clock=who.clock, hidden=hidden)),
        )
        if who.person_id is None or _node(graph, who.person_id) is None:
            # the viewer's own snapshot holds them, tied to no one (or suspended:
            # hidden from everyone but themself)
            return snapshot(r)
        return graph

    return memo(conn, who, "snapshot", build, traces=False)


def _shared_view(conn: Connection, who: Viewer) -> Scope | None:
    """The shared view's scope when it sees exactly the ties the viewer sees, else
    None (see :func:`_shared_view_of`): kept for the viewer while the graph is
    unchanged (a page asked it several times, two queries each)."""
    from weakties.service.live import memo

    return memo(conn, who, "shared_view", lambda: _shared_view_of(conn, who), traces=False)


def _shared_view_of(conn: Connection, who: Viewer) -> Scope | None:
    """The shared view's scope when it sees exactly the ties the viewer sees, else None.

    The viewer sees the ties asserted by the members who share by name and by
    themself, and the ties with them that the member at the other end asserted
    (:meth:`weakties.store._base.ReaderBase.tie_visible`); the shared view, the
    first ones less the viewer's own. Both are the same when the viewer shares
    by name and no member who does not has asserted a tie with them; the people
    both may show are then the same too."""
    scope = who.scope
    if scope.member_id is None or scope.person_id is None:
        return None
    sharing = conn.execute(select(Member.sharing).where(Member.id == scope.member_id)).scalar()
    if sharing != "names":
        return None
    me = scope.person_id
    owner = aliased(Member)
    others = conn.execute(
        select(Tie.id)
        .where(
            or_(Tie.person_a_id == me, Tie.person_b_id == me),
            Tie.asserted_by.not_in(select(Member.id).where(Member.sharing == "names")),
            exists().where(
                owner.id == Tie.asserted_by,
                owner.person_id.in_([Tie.person_a_id, Tie.person_b_id]),
            ),
        )
        .limit(1)
    ).first()
    if others is not None:
        return None
    return Scope(None, None, scope.names, scope.counts)


def _node(g: Graph, pid: int) -> int | None:
    """The person's node, or None when none of their ties is visible."""
    from weakties.graph import NodeNotFound

    try:
        return g.node_of(pid)
    except NodeNotFound:
        return None


def _ref(r: Reader, pid: int) -> PersonRef:
    return PersonRef(pid, r.names([pid]).get(pid))


def graph_stats(conn: Connection, who: Viewer) -> GraphStats:
    """Nodes, ties, components and the viewer's exact 1st/2nd/3rd-degree reach."""
    from weakties.graph.summary import graph_stats as stats

    r = shown_reader(conn, who)
    g = _snapshot(conn, who, r)
    found = stats(g, focus=g.node_of(person_of(who)))
    return GraphStats(
        nodes=found["nodes"],
        edges=found["edges"],
        isolated=found["isolated"],
        components=found["components"],
        largest_component=found["largest_component"],
        density=found["density"],
        degree=DegreeStats(**found["degree"]),
        reach=Reach(**found["reach"]),
    )


def degree(conn: Connection, who: Viewer, query: str) -> Degree:
    """How far a person is from the viewer and how many contacts they share."""
    # one question of one snapshot: numpy answers it without loading numba
    from weakties.graph import pairs

    r = shown_reader(conn, who)
    me = person_of(who)
    pid = r.find_person(query)
    if pid == me:
        raise InputError("that is you: a degree is a distance to someone else")
    g = _snapshot(conn, who, r)
    a, b = _node(g, me), _node(g, pid)
    if a is None or b is None:  # no visible tie: beyond reach
        hops, shared, routes = None, np.empty(0), 0
    else:
        hops = pairs.distance(g, a, b, max_hops=3)
        shared = pairs.mutual(g, a, b)
        routes = len(pairs.shortest_paths(g, a, b)) if hops else 0
    return Degree(
        person_id=pid,
        name=r.names([pid]).get(pid),
        degree=hops,
        label=DEGREE_LABEL.get(hops, "beyond 3rd") if hops is not None else "beyond 3rd",
        mutual_contacts=int(shared.size),
        shortest_paths=routes,
    )


def mutual(conn: Connection, who: Viewer, a: str, b: str | None = None) -> Mutual:
    """The contacts two people share (the viewer and ``a``, or ``a`` and ``b``)."""
    from weakties.graph import pairs

    r = shown_reader(conn, who)
    first = r.find_person(a)
    second = r.find_person(b) if b else person_of(who)
    g = _snapshot(conn, who, r)
    x, y = _node(g, first), _node(g, second)
    nodes = pairs.mutual(g, x, y) if x is not None and y is not None else np.empty(0, np.int64)
    ids = [g.person_of(n) for n in nodes.tolist()]
    names = r.names([first, second, *ids])
    return Mutual(
        PersonRef(first, names.get(first)),
        PersonRef(second, names.get(second)),
        [PersonRef(pid, names.get(pid)) for pid in ids],
    )


def paths(conn: Connection, who: Viewer, a: str, b: str | None = None) -> Paths:
    """Every shortest path of at most 3 hops from the viewer to ``a`` (or from ``a``
    to ``b``), everyone in the middle named."""
    from weakties.graph import pairs

    r = shown_reader(conn, who)
    if b is None:
        start, end = person_of(who), r.find_person(a)
    else:
        start, end = r.find_person(a), r.find_person(b)
    g = _snapshot(conn, who, r)
    x, y = _node(g, start), _node(g, end)
    found = pairs.shortest_paths(g, x, y, max_len=3) if x is not None and y is not None else []
    ids = [[g.person_of(n) for n in path] for path in found]
    names = r.names({p for path in ids for p in path} | {start, end})
    return Paths(
        PersonRef(start, names.get(start)),
        PersonRef(end, names.get(end)),
        [[PersonRef(p, names.get(p)) for p in path] for path in ids],
    )


def people_behind(
    conn: Connection,
    who: Viewer,
    figure: str,
    *,
    inferred: bool = False,
    circle: int | None = None,
    offset: int = 0,
    limit: int = PEOPLE_PAGE,
) -> PeopleBehind:
    """The people behind a figure of the viewer's value report (``/network``), by
    name and a page at a time: ``second_degree`` and ``third_degree`` (over the
    declared ties, or every tie with ``inferred``), ``only_way_in`` (the second
    degree reached through one contact only) and ``circle`` (the contacts of the
    report's circle number ``circle``, 1 the first listed).

    They are read by the report's own rules from the network the report reads
    (:func:`weakties.report.value.figure_people`; the people a block or a
    suspension hides are not in it), so that ``total`` is the figure; names are
    those the viewer's scope may show. The list is kept for the viewer while the
    graph is unchanged (:func:`weakties.service.live.memo`): the next pages read it.

    Raises
    ------
    InputError
        An unknown figure, a circle without its number, a bad page.
    NotFoundError
        A circle the report does not list.
    """
    from weakties.errors import NotFoundError
    from weakties.graph import NodeNotFound
    from weakties.report.value import figure_people
    from weakties.service.live import memo

    person_of(who)  # a member's report only
    if figure not in FIGURES:
        raise InputError(f"no figure {figure!r}: one of {', '.join(FIGURES)}", field="figure")
    if figure == "circle" and circle is None:
        raise InputError("say which circle (1 is the first listed)", field="circle")
    if figure != "circle":
        circle = None
    if figure not in ("second_degree", "third_degree"):
        inferred = False
    if offset < 0 or limit < 1:
        raise InputError("a page starts at 0 or more and holds one person or more")
    r = shown_reader(conn, who)

    def listed() -> list[BehindPerson]:
        try:
            ids = figure_people(r, figure, as_of=who.as_of, inferred=inferred, circle=circle)
        except NodeNotFound:  # not a tie visible: nobody at any degree
            ids = []
        except ValueError as exc:
            raise NotFoundError(str(exc)) from None
        names = r.names(ids)
        handles = _handles(conn, ids)
        hops = {"second_degree": 2, "third_degree": 3, "only_way_in": 2, "circle": 1}[figure]
        people = [BehindPerson(p, names.get(p), handles.get(p), hops) for p in ids]
        people.sort(key=lambda p: (p.name is None, (p.name or "").casefold(), p.id))
        return people

    found = memo(conn, who, ("people_behind", figure, inferred, circle), listed, traces=False)
    return PeopleBehind(
        figure=figure,
        inferred=inferred,
        circle=circle,
        as_of=who.when.date().isoformat(),
        total=len(found),
        offset=offset,
        limit=limit,
        people=found[offset : offset + limit],
    )


def _handles(conn: Connection, ids: list[int]) -> dict[int, str]:
    """The handles of those of ``ids`` who are members."""
    from weakties.store._base import chunks

    out: dict[int, str] = {}
    for chunk in chunks(ids):
        rows = conn.execute(
            select(Member.person_id, Member.handle).where(Member.person_id.in_(chunk))
        )
        out.update({int(p): str(h) for p, h in rows})
    return out
