"""Errors of the graph engine (in the NetworkX manner)."""

from __future__ import annotations

from weakties.errors import NotFoundError, WeaktiesError

__all__ = ["GraphError", "NodeNotFound"]


class GraphError(WeaktiesError):
    """A graph cannot be built or queried as asked."""


class NodeNotFound(GraphError, NotFoundError):
    """A node (or person) is not in the graph."""
