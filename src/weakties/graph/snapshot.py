"""The graph snapshot: an immutable undirected graph in CSR arrays.

Nodes are dense integers ``0 .. n-1``. For a snapshot built from the store, node
``i`` is person ``g.person_ids[i]``, and each node's current organisations are a
second CSR (``org_indptr``, ``org_indices`` into ``g.org_ids``). Edges carry a
strength (float32, 1.0 when unknown). Queries never touch the database.

>>> import numpy as np
>>> g = Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 3]))
>>> g.n_nodes, g.n_edges, g.degree(1)
(4, 3, 2)
>>> g.bfs(0).tolist()
[0, 1, 2, 3]
>>> g.distance(0, 3), g.distance(0, 3, max_hops=2)
(3, None)
>>> g.shortest_paths(0, 2)
[[0, 1, 2]]
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weakties.graph import pairs
from weakties.graph._threads import before_parallel
from weakties.graph.errors import GraphError, NodeNotFound

__all__ = ["Graph", "PathSet"]

# Compare ``mark`` entries with a stamp that grows with every query; a fresh
# scratch array is taken from the thread's pool, so concurrent queries (a web
# server) never share one.
_STAMP_LIMIT = 2**31 - 8


_SCRATCH_SIZES = 4  # graph sizes whose buffers a thread keeps (most recent first)


class _Scratch(threading.local):
    def __init__(self) -> None:
        self.arrays: dict[tuple[int, str], np.ndarray] = {}
        self.stamps: dict[int, int] = {}
        self.sizes: list[int] = []

    def touch(self, n: int) -> None:
        """Note a query on a graph of ``n`` nodes; forget the buffers of the least
        recently used size beyond ``_SCRATCH_SIZES`` (a server holds one graph
        per viewer: buffers must not pile up with them)."""
        if self.sizes and self.sizes[0] == n:
            return
        if n in self.sizes:
            self.sizes.remove(n)
        self.sizes.insert(0, n)
        for old in self.sizes[_SCRATCH_SIZES:]:
            for key in [k for k in self.arrays if k[0] == old]:
                del self.arrays[key]
            self.stamps.pop(old, None)
        del self.sizes[_SCRATCH_SIZES:]


_scratch = _Scratch()


def _numpy_build(size: int) -> bool:
    """Whether to sort ``size`` edges into CSR with numpy rather than the compiled
    kernel: for a small snapshot, in a process that has not loaded the kernel
    (a command line call; a server loads it as it starts). Both give the same
    arrays."""
    return size <= pairs.SMALL_BUILD and "weakties.graph._build" not in sys.modules


@dataclass(frozen=True)
class PathSet:
    """Paths from one source to a set of targets, as parallel arrays.

    A path is ``source, first, second, target`` with the unused hops at -1:
    length 1 is ``source-target``, 2 is ``source-first-target``, 3 is
    ``source-first-second-target``.
    """

    source: int
    target: np.ndarray
    first: np.ndarray
    second: np.ndarray
    length: np.ndarray
    #: with ``paths_to(..., strengths=True)``: the strength of each link
    #: (source-first, first-second or first-target, second-target; 1.0 unused)
    links: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self.target.shape[0])

    def as_lists(self) -> list[list[int]]:
        """Every path as a list of nodes, from the source to the target."""
        out = []
        for t, a, b, n in zip(
            self.target.tolist(),
            self.first.tolist(),
            self.second.tolist(),
            self.length.tolist(),
            strict=True,
        ):
            out.append([self.source, *([a] if n >= 2 else []), *([b] if n == 3 else []), t])
        return out


@dataclass(frozen=True, eq=False)
class Graph:
    """An immutable undirected simple graph in CSR form (see the module doc)."""

    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int32, each row sorted, no self-loops, symmetric
    strength: np.ndarray  # float32 per CSR entry (1.0 where unknown)
    person_ids: np.ndarray | None = None  # int64 person id of each node
    org_indptr: np.ndarray | None = None
    org_indices: np.ndarray | None = None  # int32 indices into org_ids
    org_ids: np.ndarray | None = None  # int64 organisation ids
    _volume: np.ndarray | None = field(default=None, repr=False)
    _node_of: dict[int, int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # immutable means its arrays too: a caller writing into a snapshot shared
        # by a server's requests would change every other answer
        for array in (
            self.indptr,
            self.indices,
            self.strength,
            self.person_ids,
            self.org_indptr,
            self.org_indices,
            self.org_ids,
        ):
            if array is not None and array.flags.writeable:
                array.flags.writeable = False

    # -- building ---------------------------------------------------------------
    @classmethod
    def from_edges(
        cls,
        u: Sequence[int] | np.ndarray,
        v: Sequence[int] | np.ndarray,
        weight: Sequence[float] | np.ndarray | None = None,
        *,
        n_nodes: int | None = None,
    ) -> Graph:
        """A graph of the undirected edges ``(u[i], v[i])`` on nodes ``0 .. n-1``.

        Self-loops are dropped and a repeated edge is kept once (with its largest
        weight). ``n_nodes`` defaults to the largest node id plus one.

        Raises
        ------
        GraphError
            For arrays of different lengths, negative ids or non-finite weights.
        """
        for ends in (u, v):
            kind = np.asarray(ends).dtype
            if np.asarray(ends).size and not np.issubdtype(kind, np.integer):
                raise GraphError(f"edge ends must be integer node ids, not {kind}")
        a = np.ascontiguousarray(u, dtype=np.int64)
        b = np.ascontiguousarray(v, dtype=np.int64)
        if a.ndim != 1 or a.shape != b.shape:
            raise GraphError("u and v must be 1-D arrays of the same length")
        top = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
        n = top if n_nodes is None else int(n_nodes)
        if a.size and (a.min() < 0 or b.min() < 0):
            raise GraphError("node ids must be non-negative")
        if top > n:
            raise GraphError(f"node id {top - 1} is out of range for n_nodes={n}")
        if n >= 2**31:
            raise GraphError("more than 2**31 nodes")
        has_weights = weight is not None
        w = (
            np.ascontiguousarray(weight, dtype=np.float32)
            if has_weights
            else np.empty(0, dtype=np.float32)
        )
        if has_weights and (w.shape != a.shape or not np.isfinite(w).all()):
            raise GraphError("weight must be finite and as long as u and v")
        if _numpy_build(a.size):
            indptr, indices, weights = pairs.csr_from_edges(a, b, w, n, has_weights)
        else:
            from weakties.graph import _build

            indptr, indices, weights = _build.csr_from_edges(a, b, w, n, has_weights)
        if not has_weights:
            # every strength is 1: a read-only view of one value costs no memory
            weights = np.broadcast_to(np.float32(1.0), indices.shape)
        return cls(indptr, indices, weights)

    def with_labels(
        self,
        person_ids: np.ndarray,
        org_pairs: tuple[np.ndarray, np.ndarray] | None = None,
        org_ids: np.ndarray | None = None,
    ) -> Graph:
        """The same graph with person ids for its nodes and a node -> organisation index.

        ``org_pairs`` are (node, org index) pairs, org indices into ``org_ids``.
        """
        org_indptr = org_indices = None
        if org_pairs is not None and org_ids is not None:
            owner = np.ascontiguousarray(org_pairs[0], dtype=np.int64)
            item = np.ascontiguousarray(org_pairs[1], dtype=np.int64)
            if _numpy_build(owner.size):
                org_indptr, org_indices = pairs.csr_from_members(owner, item, self.n_nodes)
            else:
                from weakties.graph import _build

                org_indptr, org_indices = _build.csr_from_members(owner, item, self.n_nodes)
        return Graph(
            self.indptr,
            self.indices,
            self.strength,
            np.ascontiguousarray(person_ids, dtype=np.int64),
            org_indptr,
            org_indices,
            None if org_ids is None else np.ascontiguousarray(org_ids, dtype=np.int64),
        )

    @classmethod
    def from_store(cls, reader: Any, **kwargs: Any) -> Graph:
        """The network a reader's scope may see, from the database (see :mod:`.fromstore`)."""
        from weakties.graph.fromstore import graph_from_store

        return graph_from_store(reader, **kwargs)

    # -- basic facts ------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return int(self.indptr.shape[0] - 1)

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0] // 2)

    @property
    def nbytes(self) -> int:
        """Memory held by the snapshot's arrays (a constant strength counts once)."""
        total = 0
        for array in (
            self.indptr,
            self.indices,
            self.strength,
            self.person_ids,
            self.org_indptr,
            self.org_indices,
            self.org_ids,
        ):
            if array is None:
                continue
            total += array.itemsize if array.strides == (0,) else array.nbytes
        return total

    def degree(self, node: int | None = None) -> Any:
        """The degree of ``node``, or of every node as an array."""
        degrees = np.diff(self.indptr)
        if node is None:
            return degrees
        return int(degrees[self._check(node)])

    def neighbors(self, node: int) -> np.ndarray:
        node = self._check(node)
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def has_edge(self, a: int, b: int) -> bool:
        from weakties.graph import _kernels

        return bool(_kernels._adjacent(self.indptr, self.indices, self._check(a), self._check(b)))

    @property
    def volume(self) -> np.ndarray:
        """Per node, the sum of its neighbours' degrees (its two-hop volume)."""
        if self._volume is None:
            degrees = np.diff(self.indptr)
            running = np.concatenate(([0], np.cumsum(degrees[self.indices], dtype=np.int64)))
            volume = running[self.indptr[1:]] - running[self.indptr[:-1]]
            volume.flags.writeable = False
            object.__setattr__(self, "_volume", volume)
        return self._volume  # type: ignore[return-value]

    def node_of(self, person_id: int) -> int:
        """The node of a person (snapshots built from the store)."""
        if self.person_ids is None:
            raise GraphError("this graph has no person ids (built from plain edges)")
        if self._node_of is None:
            object.__setattr__(
                self, "_node_of", {int(p): i for i, p in enumerate(self.person_ids.tolist())}
            )
        try:
            return self._node_of[int(person_id)]  # type: ignore[index]
        except KeyError:
            raise NodeNotFound(f"person #{person_id} is not in this graph") from None

    def person_of(self, node: int) -> int:
        if self.person_ids is None:
            raise GraphError("this graph has no person ids (built from plain edges)")
        return int(self.person_ids[self._check(node)])

    def orgs_of(self, node: int) -> np.ndarray:
        """Organisation ids of a node's current positions."""
        if self.org_indptr is None or self.org_indices is None or self.org_ids is None:
            return np.empty(0, dtype=np.int64)
        node = self._check(node)
        return self.org_ids[self.org_indices[self.org_indptr[node] : self.org_indptr[node + 1]]]

    def _check(self, node: int) -> int:
        value = int(node)
        if not 0 <= value < self.n_nodes:
            raise NodeNotFound(f"node {node} is not in the graph (0..{self.n_nodes - 1})")
        return value

    def _nodes(self, values: Iterable[int] | np.ndarray) -> np.ndarray:
        """Node ids as contiguous int32, checked before narrowing (a wide id must
        not wrap around into another node)."""
        if isinstance(values, np.ndarray) and values.dtype == np.int32:
            return np.ascontiguousarray(values)
        wide = np.asarray(values if isinstance(values, np.ndarray) else list(values))
        if wide.size == 0:
            return np.empty(0, dtype=np.int32)
        if not np.issubdtype(wide.dtype, np.integer):
            raise GraphError(f"node ids must be integers, not {wide.dtype}")
        if wide.min() < 0 or wide.max() >= self.n_nodes:
            bad = wide[(wide < 0) | (wide >= self.n_nodes)][0]
            raise NodeNotFound(f"node {bad} is not in the graph (0..{self.n_nodes - 1})")
        return np.ascontiguousarray(wide, dtype=np.int32)

    def _scratch_arrays(self, *names: str) -> tuple[list[np.ndarray], int]:
        """Thread-local int32 arrays of size n and one fresh stamp for this query.

        Stamps advance by 2 (a kernel may use ``stamp + 1`` too); when they would
        overflow, the arrays are cleared and stamps start again.
        """
        n = self.n_nodes
        _scratch.touch(n)
        stamp = _scratch.stamps.get(n, 0) + 2
        if stamp >= _STAMP_LIMIT:
            for key in [k for k in _scratch.arrays if k[0] == n]:
                _scratch.arrays[key][:] = 0
            stamp = 2
        _scratch.stamps[n] = stamp
        arrays = []
        for name in names:
            array = _scratch.arrays.get((n, name))
            if array is None:
                array = _scratch.arrays[(n, name)] = np.zeros(n, dtype=np.int32)
            arrays.append(array)
        return arrays, stamp

    def _bitmaps(self, *names: str) -> list[np.ndarray]:
        """Thread-local zeroed bitmaps (n bits); the kernels leave them zeroed."""
        words = (self.n_nodes + 63) // 64
        _scratch.touch(self.n_nodes)
        out = []
        for name in names:
            key = (self.n_nodes, "bits:" + name)
            bits = _scratch.arrays.get(key)
            if bits is None:
                bits = _scratch.arrays[key] = np.zeros(words, dtype=np.uint64)
            out.append(bits)
        return out

    def _scratch(self, name: str = "mark") -> tuple[np.ndarray, int]:
        (array,), stamp = self._scratch_arrays(name)
        return array, stamp

    # -- queries (see weakties.graph.traversal, .paths, .mutual) -------------------
    def bfs(self, source: int, max_hops: int | None = None) -> np.ndarray:
        """Hop distances from ``source`` (int32; -1 unreachable or beyond ``max_hops``)."""
        from weakties.graph import _kernels

        limit = -1 if max_hops is None else int(max_hops)
        before_parallel()  # the frontier steps run in parallel
        return _kernels.bfs(self.indptr, self.indices, self._check(source), limit)

    def distance(self, a: int, b: int, max_hops: int = 3) -> int | None:
        """Hop distance between a and b, or None if farther than ``max_hops``."""
        from weakties.graph import _kernels

        a, b = self._check(a), self._check(b)
        if max_hops <= 3:
            mark, stamp = self._scratch()
            d = int(_kernels.distance3(self.indptr, self.indices, self.volume, mark, stamp, a, b))
            return d if 0 <= d <= max_hops else None
        d = int(self.bfs(a, max_hops)[b])
        return d if d >= 0 else None

    def distances(self, source: int, targets: Iterable[int], max_hops: int = 3) -> np.ndarray:
        """Degree badges: hop distance (<= max_hops, else -1) to each target."""
        from weakties.graph import _kernels

        source = self._check(source)
        tgt = self._nodes(targets)
        bad = _kernels.first_out_of_range(tgt, self.n_nodes)
        if bad >= 0:
            raise NodeNotFound(f"target {tgt[bad]} is not in the graph (0..{self.n_nodes - 1})")
        if max_hops <= 3:
            one, two = self._bitmaps("one", "two")
            out = _kernels.badges_bits(
                self.indptr, self.indices, self.volume, one, two, source, tgt
            )
            if max_hops < 3:
                out[out > max_hops] = -1
            return out
        dist = self.bfs(source, max_hops)
        return dist[tgt]

    def mutual(self, a: int, b: int) -> np.ndarray:
        """The contacts a and b share (sorted nodes)."""
        from weakties.graph import _kernels

        return _kernels.common_neighbours(self.indptr, self.indices, self._check(a), self._check(b))

    def mutual_counts(self, a: int) -> tuple[np.ndarray, np.ndarray]:
        """``(nodes, counts)``: a's second-degree nodes (sorted) and how many of a's
        contacts each shares with a."""
        from weakties.graph import _kernels

        (counts,), _ = self._scratch_arrays("counts")
        (bits,) = self._bitmaps("one")
        return _kernels.mutual_counts_bits(
            self.indptr, self.indices, self.volume, bits, counts, self._check(a)
        )

    def shortest_paths(self, a: int, b: int, max_len: int = 3) -> list[list[int]]:
        """Every shortest path between a and b of at most ``max_len`` hops (<= 3),
        each a list of nodes from a to b, sorted; ``[]`` if none."""
        if max_len > 3:
            raise GraphError("shortest_paths enumerates paths of at most 3 hops")
        from weakties.graph import _kernels

        a, b = self._check(a), self._check(b)
        (bits,) = self._bitmaps("one")
        hops, first, second = _kernels.shortest_paths3(
            self.indptr, self.indices, self.volume, bits, a, b, max_len
        )
        if hops < 0:
            return []
        if hops == 0:
            return [[a]]
        if hops == 1:
            return [[a, b]]
        if hops == 2:
            return [[a, x, b] for x in first.tolist()]
        return sorted([a, x, y, b] for x, y in zip(first.tolist(), second.tolist(), strict=True))

    def paths_to(
        self, source: int, targets: Iterable[int], max_len: int = 3, *, strengths: bool = False
    ) -> PathSet:
        """Every simple path of at most ``max_len`` (<= 3) hops from ``source`` to any
        of ``targets`` (e.g. everyone at an organisation); with ``strengths``, the
        strength of every link along each path (``PathSet.links``)."""
        if max_len > 3:
            raise GraphError("paths_to enumerates paths of at most 3 hops")
        from weakties.graph import _kernels

        source = self._check(source)
        tgt = np.unique(self._nodes(targets))
        if tgt.size and (tgt.min() < 0 or tgt.max() >= self.n_nodes):
            raise NodeNotFound("a target is not in the graph")
        (tmark, vmark, vstart), stamp = self._scratch_arrays("mark", "via", "start")
        strength = np.ascontiguousarray(self.strength) if strengths else self._no_strength
        t, a, b, n, wa, wb, wc = _kernels.paths_to_targets(
            self.indptr,
            self.indices,
            strength,
            tmark,
            vmark,
            vstart,
            stamp,
            source,
            tgt,
            max_len,
            strengths,
        )
        return PathSet(source, t, a, b, n, (wa, wb, wc) if strengths else None)

    _no_strength = np.ones(1, dtype=np.float32)

    # -- conversions -------------------------------------------------------------
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(u, v, strength) of every edge once, with u < v."""
        rows = np.repeat(np.arange(self.n_nodes, dtype=np.int32), np.diff(self.indptr))
        keep = rows < self.indices
        return rows[keep], self.indices[keep], self.strength[keep]

    def to_networkx(self) -> Any:
        """A ``networkx.Graph`` with every node and a ``weight`` edge attribute."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(self.n_nodes))
        u, v, w = self.edges()
        graph.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
        return graph

    def to_scipy(self) -> Any:
        """The adjacency as a ``scipy.sparse.csr_array`` of strengths."""
        from scipy.sparse import csr_array

        return csr_array((self.strength, self.indices, self.indptr), shape=(self.n_nodes,) * 2)

    def subgraph(self, nodes: Sequence[int] | np.ndarray) -> tuple[Graph, np.ndarray]:
        """The induced subgraph on ``nodes`` and the original node of each new node."""
        keep = np.unique(self._nodes(nodes)).astype(np.int64)
        local = np.full(self.n_nodes, -1, dtype=np.int64)
        local[keep] = np.arange(keep.size)
        u, v, w = self.edges()
        inside = (local[u] >= 0) & (local[v] >= 0)
        sub = Graph.from_edges(local[u[inside]], local[v[inside]], w[inside], n_nodes=keep.size)
        return sub, keep
