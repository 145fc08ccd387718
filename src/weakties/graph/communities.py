"""Communities of an ego network: the circles a person's contacts fall into.

Leiden (Traag, Waltman & van Eck 2019) through igraph, on the subgraph induced by
a node's contacts (the node itself left out: every contact is tied to it, which
would only blur the circles). Seeded, so the same network gives the same circles.

>>> import numpy as np
>>> from weakties.graph import Graph
>>> # node 0 knows two triangles that do not know each other
>>> u = [0, 0, 0, 0, 0, 0, 1, 1, 2, 4, 4, 5]
>>> v = [1, 2, 3, 4, 5, 6, 2, 3, 3, 5, 6, 6]
>>> [c.tolist() for c in ego_communities(Graph.from_edges(u, v), 0)]
[[1, 2, 3], [4, 5, 6]]
"""

from __future__ import annotations

import random
import threading

import numpy as np

from weakties.graph.snapshot import Graph

__all__ = ["ego_communities"]

_IGRAPH_RNG = threading.Lock()


def ego_communities(
    g: Graph,
    node: int,
    *,
    weighted: bool = True,
    resolution: float = 1.0,
    seed: int = 0,
) -> list[np.ndarray]:
    """The communities of ``node``'s contacts, largest first (each sorted).

    Parameters
    ----------
    g : Graph
    node : int
    weighted : bool
        Use tie strengths as weights (modularity on weights).
    resolution : float
        Modularity resolution: above 1 gives more, smaller circles.
    seed : int
        Seed of Leiden's random moves.

    Returns
    -------
    list of numpy arrays
        Nodes of ``g``; contacts with no tie to another contact are each alone.

    References
    ----------
    Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden:
    guaranteeing well-connected communities. Scientific Reports 9, 5233.
    """
    import igraph as ig

    contacts = g.neighbors(node)
    if contacts.size == 0:
        return []
    sub, original = g.subgraph(contacts)
    u, v, w = sub.edges()
    graph = ig.Graph(n=sub.n_nodes, edges=np.column_stack((u, v)).tolist())
    # igraph's generator is process-wide: one seeded run at a time, so that
    # concurrent queries (a web server's threads) stay deterministic
    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            partition = graph.community_leiden(
                objective_function="modularity",
                weights=w.astype(float).tolist() if weighted and u.size else None,
                resolution=resolution,
                n_iterations=-1,
            )
        finally:
            ig.set_random_number_generator(random)
    groups = [np.sort(original[np.asarray(members, dtype=np.int64)]) for members in partition]
    groups.sort(key=lambda c: (-c.size, int(c[0])))
    return groups
