"""Plain facts about a snapshot, for ``weakties graph stats``."""

from __future__ import annotations

from typing import Any

import numpy as np

from weakties.graph.snapshot import Graph
from weakties.graph.structure import connected_components, reach

__all__ = ["graph_stats"]


def graph_stats(g: Graph, focus: int | None = None) -> dict[str, Any]:
    """Size, degrees and components of ``g``; with ``focus``, that node's reach.

    >>> import numpy as np
    >>> from weakties.graph import Graph
    >>> stats = graph_stats(Graph.from_edges([0, 1, 2], [1, 2, 0], n_nodes=4), focus=0)
    >>> stats["nodes"], stats["edges"], stats["components"], stats["reach"]
    (4, 3, 2, {'first_degree': 2, 'second_degree': 0, 'third_degree': 0})
    """
    degrees = g.degree()
    labels = connected_components(g)
    sizes = np.bincount(labels) if labels.size else np.zeros(0, dtype=np.int64)
    stats: dict[str, Any] = {
        "nodes": g.n_nodes,
        "edges": g.n_edges,
        "isolated": int((degrees == 0).sum()),
        "components": int(sizes.size),
        "largest_component": int(sizes.max()) if sizes.size else 0,
        "degree": {
            "mean": round(float(degrees.mean()), 3) if degrees.size else 0.0,
            "median": float(np.median(degrees)) if degrees.size else 0.0,
            "max": int(degrees.max()) if degrees.size else 0,
        },
        "density": round(2 * g.n_edges / (g.n_nodes * (g.n_nodes - 1)), 6)
        if g.n_nodes > 1
        else 0.0,
    }
    if focus is not None:
        sizes_by_hop = reach(g, focus, max_hops=3).sizes
        stats["reach"] = {
            "first_degree": sizes_by_hop[1],
            "second_degree": sizes_by_hop[2],
            "third_degree": sizes_by_hop[3],
        }
    return stats
