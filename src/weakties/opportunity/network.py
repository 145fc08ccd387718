"""The viewer's network, ready for introductions: a snapshot whose edges carry
tie strength, with the facts about the viewer's own ties and the history of
their asks.

Edge strength in [0, 1] is, for each visible pair:

- the tie strength model's score when a member's traces cover the pair (the
  viewer's own ties, and the ties of members who share them by name);
- never less than a prior by source: a declared tie is at least a *nominal*
  one (``NOMINAL_STRENGTH``: someone accepted the connection); an inferred tie
  is worth ``INFERRED_STRENGTH`` times its confidence (colleagues at the same
  time in the same place mostly know each other, but that says little about
  how well).

Ties a viewer may only count (sharing level ``counts``) are never on a path:
a path names its people.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.graph.fromstore import current_orgs
from weakties.graph.snapshot import Graph
from weakties.model.kinds import INFERRED_SOURCES, SOCIAL_TIE_SOURCES
from weakties.opportunity import _kernels
from weakties.ties.history import pair_key, split_key
from weakties.ties.infer import inference_enabled
from weakties.ties.strength import TieScores, score_ties

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.store.scope import Scope

__all__ = [
    "INFERRED_STRENGTH",
    "NOMINAL_STRENGTH",
    "BrokerHistory",
    "EgoTies",
    "IntroNetwork",
    "SharedNetwork",
    "build_network",
    "introduction_sources",
    "shared_network",
    "viewer_network",
]

log = logging.getLogger(__name__)

NOMINAL_STRENGTH = 0.1
INFERRED_STRENGTH = 0.5
# Up to this many other members sharing by name (a team), each one's ties are
# scored with their own model (their calibration, their notes); beyond (a
# platform), all pairs in one pass. The count is of the members sharing, not of
# those whose ties the viewer sees: a platform's introduction network is built
# once for all its members (shared_network), who all count the same members.
PER_MEMBER_SCORING = 8


@dataclass
class BrokerHistory:
    """What happened when the viewer asked this broker before."""

    introduced: int = 0
    declined: int = 0
    no_answer: int = 0
    open_since: dt.datetime | None = None
    resting_until: dt.date | None = None  # etiquette's wait after a past ask

    def factor(self) -> float:
        """How past outcomes move a path's score: a broker who introduced you is
        a safer ask, one who declined or did not answer a less likely one."""
        value = 1.0 + 0.1 * min(self.introduced, 2) - 0.25 * self.declined - 0.15 * self.no_answer
        return float(min(1.2, max(0.3, value)))


@dataclass
class EgoTies:
    """The viewer's ties as tie strength sees them, aligned with sorted nodes."""

    nodes: np.ndarray  # int32, sorted
    score: np.ndarray  # float64
    klass: np.ndarray  # object: strong / weak / dormant / nominal
    days_since_contact: np.ndarray  # float64, NaN = never
    contacts_last_year: np.ndarray  # float64
    contacts: np.ndarray  # float64

    @classmethod
    def empty(cls) -> EgoTies:
        e = np.empty(0)
        return cls(np.empty(0, np.int32), e, np.empty(0, object), e, e, e)

    def index(self, node: int) -> int | None:
        i = int(np.searchsorted(self.nodes, node))
        return i if i < self.nodes.size and int(self.nodes[i]) == node else None

    def take(self, nodes: np.ndarray) -> dict[str, np.ndarray]:
        """The facts for many nodes (NaN / "nominal" where the viewer has no score)."""
        pos = np.searchsorted(self.nodes, nodes)
        pos = np.minimum(pos, max(self.nodes.size - 1, 0))
        hit = (self.nodes[pos] == nodes) if self.nodes.size else np.zeros(nodes.size, bool)
        out: dict[str, np.ndarray] = {}
        for name in ("score", "days_since_contact", "contacts_last_year", "contacts"):
            column = getattr(self, name)
            values = np.full(nodes.size, np.nan)
            if self.nodes.size:
                values[hit] = column[pos[hit]]
            out[name] = values
        klass = np.full(nodes.size, "nominal", dtype=object)
        if self.nodes.size:
            klass[hit] = self.klass[pos[hit]]
        out["klass"] = klass
        return out


@dataclass
class IntroNetwork:
    """A viewer's view of the network with tie strengths on the edges."""

    graph: Graph
    viewer: int  # the viewer's node
    ego: EgoTies
    as_of: dt.datetime
    history: dict[int, BrokerHistory] = field(default_factory=dict)  # by node
    member_id: int | None = None
    # the strength of each of the viewer's ties (aligned with ``contacts``) when it is
    # not the graph's: a network shared by many viewers (see viewer_network)
    ask: np.ndarray | None = field(default=None, repr=False)
    _novelty: np.ndarray | None = field(default=None, repr=False)
    # which build this is (``time.monotonic`` when it was made): on a shared
    # network, the shared build's (see SharedNetwork.made)
    made: float = field(default_factory=time.monotonic)

    @property
    def contacts(self) -> np.ndarray:
        return self.graph.neighbors(self.viewer)

    def novelty(self) -> np.ndarray:
        """Per contact of the viewer (in row order): the share of their contacts
        the viewer does not otherwise reach (0 = all redundant, 1 = all new)."""
        if self._novelty is None:
            g = self.graph
            outside = _kernels.ego_novelty(g.indptr, g.indices, self.viewer)
            degree = np.diff(g.indptr)[self.contacts]
            self._novelty = np.where(degree > 1, outside / np.maximum(degree - 1, 1), 0.0)
        return self._novelty

    def history_of(self, node: int) -> BrokerHistory:
        return self.history.get(int(node), BrokerHistory())


def _strength_by_pair(
    rows: list[tuple[Any, ...]],
) -> dict[tuple[int, int], float]:
    prior: dict[tuple[int, int], float] = {}
    for a, b, source, _by, confidence in rows:
        if source in INFERRED_SOURCES:
            value = INFERRED_STRENGTH * float(confidence)
        else:
            value = NOMINAL_STRENGTH
        key = (a, b)
        if value > prior.get(key, -1.0):
            prior[key] = value
    return prior


def introduction_sources(inferred: bool) -> list[str]:
    """The sources of the ties on introduction paths: the social ones, and the
    inferred ones unless the viewer switched inference off."""
    return list(SOCIAL_TIE_SOURCES) + (list(INFERRED_SOURCES) if inferred else [])


def _find(ordered: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``values`` is in the sorted array ``ordered``, and whether it is
    there at all (its position is meaningless where not)."""
    pos = np.searchsorted(ordered, values)
    hit = pos < ordered.size
    hit[hit] = ordered[pos[hit]] == values[hit]
    return pos, hit


def _prior_arrays(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each visible pair once (sorted keys) with its prior strength: what
    :func:`_strength_by_pair` gives, as arrays (a platform's millions of rows),
    from :meth:`weakties.store.reader.Reader.tie_rows_array`'s rows."""
    if not rows.size:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    conf = np.nan_to_num(rows[:, 3], nan=0.0)
    value = np.where(rows[:, 2] > 0, INFERRED_STRENGTH * conf, NOMINAL_STRENGTH)
    keys = pair_key(rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64))
    order = np.lexsort((value, keys))  # by pair, the largest prior last
    keys, value = keys[order], value[order]
    last = np.append(keys[1:] != keys[:-1], True)
    return keys[last], value[last]


def _scored_pairs(scores: TieScores) -> dict[tuple[int, int], float]:
    a = scores.table.a.tolist()
    b = scores.table.b.tolist()
    return dict(zip(zip(a, b, strict=True), scores.score.tolist(), strict=True))


def _ego_ties(scores: TieScores, graph: Graph) -> EgoTies:
    if scores.ego is None or len(scores) == 0:
        return EgoTies.empty()
    others = np.where(scores.table.a == scores.ego, scores.table.b, scores.table.a)
    ids = graph.person_ids
    assert ids is not None
    keep = np.isin(others, ids)
    nodes = np.searchsorted(ids, others[keep]).astype(np.int32)
    order = np.argsort(nodes, kind="stable")
    values = scores.table.values
    return EgoTies(
        nodes[order],
        scores.score[keep][order],
        scores.classes[keep][order],
        values["days_since_contact"][keep][order],
        values["contacts_last_year"][keep][order],
        values["contacts"][keep][order],
    )


def ask_history(reader: Reader, now: dt.datetime) -> dict[int, BrokerHistory]:
    """The viewer's asks made before ``now``, by broker person id, with the
    outcomes known at ``now`` and the etiquette wait still running (see
    :mod:`.etiquette`)."""
    from weakties.opportunity.etiquette import load_limits, rest_until

    limits = load_limits(reader)
    out: dict[int, BrokerHistory] = {}
    for row in reader.asks(before=now):
        broker, status, asked_at, closed_at = row.broker_id, row.status, row.asked_at, row.closed_at
        history = out.setdefault(broker, BrokerHistory())
        if closed_at is not None and closed_at > now:
            status, closed_at = "open", None  # the outcome came later
        status, until = rest_until(status, asked_at, closed_at, now, limits)
        if until is not None and until > now.date():
            history.resting_until = max(until, history.resting_until or until)
        if status == "open":
            history.open_since = asked_at
        elif status == "introduced":
            history.introduced += 1
        elif status == "declined":
            history.declined += 1
        elif status == "no_answer":
            history.no_answer += 1
    return out


def build_network(
    reader: Reader,
    *,
    as_of: dt.datetime | None = None,
    inferred: bool = True,
) -> IntroNetwork:
    """The viewer's network with tie strengths, as of a date (the data's present
    by default), as far as the reader's scope may name it.

    Parameters
    ----------
    reader : Reader
        A member's reader.
    as_of : datetime, optional
        Tie strengths use the traces before it.
    inferred : bool
        Use inferred contact-to-contact ties (when the viewer has not switched
        inference off).
    """
    member, me = reader.scope.member_id, reader.scope.person_id
    if member is None or me is None:
        raise ValueError("an introduction network is a member's: give a member's reader")
    when = as_of or reader.now
    sources = introduction_sources(inferred and inference_enabled(reader))
    rows = reader.tie_rows("names", sources=sources, as_of=as_of)
    strength = _strength_by_pair(rows)
    # trace-based strengths: the viewer's own, then each member sharing by name
    own = score_ties(reader, as_of=when)
    scored = _scored_pairs(own)
    asserting = {r[3] for r in rows if r[3] in reader.scope.names} - {member}
    if len(reader.scope.names - {member}) > PER_MEMBER_SCORING:
        # a platform: one pass over every pair, from the data of members who share
        everyone = score_ties(reader, as_of=when, all_pairs=True)
        for key, value in _scored_pairs(everyone).items():
            scored.setdefault(key, value)
    elif asserting:
        persons = reader.member_persons()
        for mid in sorted(asserting):
            theirs = score_ties(reader, as_of=when, ego=persons[mid], member=mid)
            for key, value in _scored_pairs(theirs).items():
                scored[key] = max(value, scored.get(key, value))
    for key, prior in strength.items():
        if key in scored:
            # the source's prior is a floor: an accepted connection is not nothing
            strength[key] = max(scored[key], prior)
    pairs = np.array(list(strength), dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(strength.values()), dtype=np.float32)
    person_ids, inverse = np.unique(np.concatenate([pairs.ravel(), [me]]), return_inverse=True)
    u = inverse[: pairs.shape[0] * 2 : 2] if pairs.size else np.empty(0, np.int64)
    v = inverse[1 : pairs.shape[0] * 2 : 2] if pairs.size else np.empty(0, np.int64)
    graph = Graph.from_edges(u, v, weights, n_nodes=person_ids.size)
    org_pairs, org_ids = current_orgs(reader, person_ids, as_of.date() if as_of else None)
    graph = graph.with_labels(person_ids, org_pairs, org_ids)
    node = int(np.searchsorted(person_ids, me))
    inside = set(person_ids.tolist())
    history = {
        int(np.searchsorted(person_ids, pid)): h
        for pid, h in ask_history(reader, when).items()
        if pid in inside
    }
    log.info(
        "introduction network as of %s: %d people, %d ties (%d scored from traces; "
        "%d other member(s) sharing by name)",
        when.date().isoformat(),
        graph.n_nodes,
        graph.n_edges,
        len(scored),
        len(asserting),
    )
    return IntroNetwork(graph, node, _ego_ties(own, graph), when, history, member)


@dataclass
class SharedNetwork:
    """The introduction network of the ties every member may see, shared by the
    viewers who see exactly those (see :func:`shared_network`)."""

    graph: Graph
    pair_keys: np.ndarray  # int64, sorted: every visible pair (ties.history.pair_key)
    prior: np.ndarray  # float64: each pair's prior strength by source
    as_of: dt.datetime
    made: float = field(default_factory=time.monotonic)  # which build this is
    # the scope it was built for: whose ties it holds (members sharing by name)
    scope: Scope | None = None
    # the people it leaves out, their ties and traces with them (suspended members)
    hidden: frozenset[int] = frozenset()


def shared_network(
    reader: Reader, *, as_of: dt.datetime | None = None, inferred: bool = True
) -> SharedNetwork:
    """The network of the ties ``reader``'s scope sees — a scope that names no
    viewer: the ties of every member sharing by name — with tie strengths from
    the traces that scope sees, each pair scored by the documented priors
    (:data:`weakties.ties.model.DEFAULT`; no member's own model: it is everyone's).

    A platform's thousands of members each saw this same network but for their
    own ties; built once, it is shared (:func:`viewer_network` adds a viewer's own
    tie strengths) instead of built again for each of them from every tie and
    trace (tens of seconds and gigabytes at 10,000 members)."""
    when = as_of or reader.now
    sources = introduction_sources(inferred)
    keys, prior = _prior_arrays(reader.tie_rows_array("names", sources=sources, as_of=as_of))
    strength = prior.copy()
    everyone = score_ties(reader, as_of=when, all_pairs=True)
    if len(everyone):
        pos, hit = _find(keys, pair_key(everyone.table.a, everyone.table.b))
        # the source's prior is a floor: an accepted connection is not nothing
        np.maximum.at(strength, pos[hit], np.asarray(everyone.score, dtype=np.float64)[hit])
    a, b = split_key(keys)
    person_ids, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    u, v = inverse[: keys.size], inverse[keys.size :]
    graph = Graph.from_edges(u, v, strength.astype(np.float32), n_nodes=person_ids.size)
    org_pairs, org_ids = current_orgs(reader, person_ids, as_of.date() if as_of else None)
    graph = graph.with_labels(person_ids, org_pairs, org_ids)
    log.info(
        "shared introduction network as of %s: %d people, %d ties",
        when.date().isoformat(),
        graph.n_nodes,
        graph.n_edges,
    )
    return SharedNetwork(graph, keys, prior, when, scope=reader.scope, hidden=reader.hidden)


def viewer_network(
    reader: Reader,
    shared: SharedNetwork,
    *,
    as_of: dt.datetime | None = None,
    own_ties: Callable[[Graph, int, np.ndarray, float], tuple[Graph, int]] | None = None,
) -> IntroNetwork | None:
    """The viewer's introduction network on a shared one: its graph, with the
    viewer's own ties scored by their own model (their calibration, their fit,
    their notes) as :func:`build_network` scores them, and the history of their
    asks. None when the viewer has no tie in the shared network.

    The viewer's ties are the only ones whose strength differs from the shared
    network's, and a path uses one of them only as its first step (its ``ask``):
    they are kept beside the graph (:attr:`IntroNetwork.ask`), not in a copy of it.

    The shared network may be minutes old: a contact the viewer made since its
    build (a declared tie, as of now) with someone in it is added to the viewer's
    own part — their paths through that contact are there at once, without a
    build of the shared network — in a copy of the graph with those ties
    (:func:`_with_own_ties`, or ``own_ties``, which makes the same copy: the
    caller keeps it for the viewer while the shared network and those contacts
    are the same, whatever else changes), until the next build holds them."""
    member, me = reader.scope.member_id, reader.scope.person_id
    if member is None or me is None:
        raise ValueError("an introduction network is a member's: give a member's reader")
    g = shared.graph
    ids = g.person_ids
    assert ids is not None
    at_me, found = _find(ids, np.array([me]))
    node = int(at_me[0]) if found[0] else -1
    added = np.empty(0, np.int64)
    added_people = np.empty(0, np.int64)
    if as_of is None:
        now = np.array(sorted(reader.first_degree()), dtype=np.int64)
        at, inside = _find(ids, now)
        known = g.neighbors(node) if node >= 0 else np.empty(0, np.int32)
        added = np.setdiff1d(at[inside], known)
    if added.size:
        added_people = ids[added]
        g, node = (own_ties or _with_own_ties)(g, me, added, NOMINAL_STRENGTH)
        ids = g.person_ids
        assert ids is not None
    elif node < 0:
        return None
    when = as_of or reader.now
    own = score_ties(reader, as_of=when)
    row = slice(int(g.indptr[node]), int(g.indptr[node + 1]))
    contacts = g.indices[row]
    ask = np.asarray(g.strength[row], dtype=np.float32).copy()
    if len(own):
        others = np.where(own.table.a == me, own.table.b, own.table.a).astype(np.int64)
        at, tied = _find(shared.pair_keys, pair_key(others, np.full_like(others, me)))
        # the floor of each: the source's prior in the shared network, a declared
        # tie's for a contact made since its build
        prior = np.full(others.size, NOMINAL_STRENGTH)
        prior[tied] = shared.prior[at[tied]]
        usable = tied | np.isin(others, added_people)
        at_node, in_graph = _find(ids, others)
        slot, inside = _find(contacts, at_node)
        inside &= in_graph & usable
        value = np.maximum(np.asarray(own.score, dtype=np.float64), prior)
        ask[slot[inside]] = value[inside]
    asked = ask_history(reader, when)
    brokers = np.array(sorted(asked), dtype=np.int64)
    at_broker, known_broker = _find(ids, brokers)
    history = {
        int(n): asked[int(pid)]
        for n, pid in zip(
            at_broker[known_broker].tolist(), brokers[known_broker].tolist(), strict=True
        )
    }
    return IntroNetwork(
        g, node, _ego_ties(own, g), when, history, member, ask=ask, made=shared.made
    )


def _with_own_ties(g: Graph, me: int, others: np.ndarray, strength: float) -> tuple[Graph, int]:
    """``g`` with ties of ``strength`` between the person ``me`` and the nodes
    ``others`` (none tied to them in ``g``), and ``me``'s node (a node for them,
    in person id order, if they had none): the viewer's contacts made since a
    shared network's build. A copy of the graph's arrays (what a kernel reads:
    the novelty of a contact, the mutual contacts and the "only way" are counted
    on both ends' rows); the shared graph is not changed."""
    ids = g.person_ids
    assert ids is not None
    at, found = _find(ids, np.array([me]))
    node = int(at[0])
    indptr, indices, person_ids, org_indptr = g.indptr, g.indices, ids, g.org_indptr
    others = np.asarray(others, dtype=np.int64)
    if not found[0]:
        # the nodes from the viewer's place on move up one
        indices = indices + (indices >= node).astype(indices.dtype)
        others = others + (others >= node)
        indptr = np.insert(indptr, node, indptr[node])
        person_ids = np.insert(ids, node, me)
        if org_indptr is not None:
            org_indptr = np.insert(org_indptr, node, org_indptr[node])
    n = indptr.size - 1
    rows = np.concatenate([np.full(others.size, node, np.int64), others])
    cols = np.concatenate([others, np.full(others.size, node, np.int64)])
    pos = np.array(
        [
            int(indptr[r]) + int(np.searchsorted(indices[indptr[r] : indptr[r + 1]], c))
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    # at one place, the row before the next one's, then each row's in node order
    order = np.lexsort((cols, rows, pos))
    shift = np.zeros(n + 1, np.int64)
    shift[1:] = np.cumsum(np.bincount(rows, minlength=n))
    graph = dataclasses.replace(
        g,
        indptr=indptr + shift,
        indices=np.insert(indices, pos[order], cols[order].astype(indices.dtype)),
        strength=np.insert(g.strength, pos[order], np.float32(strength)),
        person_ids=person_ids,
        org_indptr=org_indptr,
        _volume=None,
        _node_of=g._node_of if found[0] else None,
    )
    return graph, node


def network_from_graph(
    graph: Graph, viewer: int, *, ego: EgoTies | None = None, as_of: dt.datetime | None = None
) -> IntroNetwork:
    """An :class:`IntroNetwork` over a prepared snapshot (benchmarks, tests): edge
    strengths are the graph's, the viewer's tie facts are taken from them."""
    if ego is None:
        nodes = graph.neighbors(viewer).astype(np.int32)
        row = slice(graph.indptr[viewer], graph.indptr[viewer + 1])
        score = np.asarray(graph.strength[row], dtype=np.float64)
        nan = np.full(nodes.size, np.nan)
        klass = np.where(score >= 0.5, "strong", "weak").astype(object)
        ego = EgoTies(nodes, score, klass, nan, nan.copy(), nan.copy())
    if as_of is None:
        from weakties.store.clock import utcnow

        as_of = utcnow()
    when = as_of
    return IntroNetwork(graph, int(viewer), ego, when)


def with_strength(graph: Graph, strength: np.ndarray) -> Graph:
    """The same snapshot with another per-entry strength array."""
    return dataclasses.replace(graph, strength=np.ascontiguousarray(strength, dtype=np.float32))
