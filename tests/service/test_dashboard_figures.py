"""The "My network" dashboard's figures are those of a straightforward
recomputation: the report computed alone, the headline of a month before
computed alone through a reader of its own, and the reach at both dates counted
by NetworkX over the ties as the plain read of each date gives them.

The dashboard reads the network once for both dates and shares what it read
between the report and the month before's headline: a figure that differs
here is one that sharing changed."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from weakties.model.kinds import SOCIAL_TIE_SOURCES
from weakties.records import to_json
from weakties.report.value import network_headline
from weakties.service import live, viewer
from weakties.service.dashboard import MONTH, dashboard
from weakties.service.report import network_report
from weakties.store.engine import open_store
from weakties.store.reader import Reader
from weakties.ties.strength import choose_model


@pytest.fixture
def demo(backend, demo_worlds, request):
    """The demo world (three members' data pooled), read only."""
    store = open_store(demo_worlds.url("demo", request))
    yield store
    store.close()


def test_the_dashboards_figures_are_those_recomputed_alone(demo):
    live.clear()
    with demo.engine.connect() as conn:
        who = viewer(conn, "you")
        found = dashboard(conn, who)

        def fresh() -> Reader:
            """A reader of the viewer's scope that has read nothing yet."""
            return Reader(conn, who.scope, now=who.now, clock=who.clock)

        assert to_json(found.report) == to_json(network_report(conn, who, remember=False))
        since = dt.datetime.fromisoformat(found.report.as_of) - MONTH
        assert found.month is not None and found.month.since == since.date().isoformat()
        same = choose_model(fresh(), when=who.as_of or who.now)
        alone = network_headline(fresh(), as_of=since, model=same)
        assert found.month.then == alone
        now = to_json(found.report.headline)
        assert found.month.deltas == {
            k: None if v is None or alone[k] is None else round(v - alone[k], 4)
            for k, v in now.items()
        }
        # the reach at each date over the declared ties as they stood then
        me = who.person_id
        for as_of, figures in ((None, now), (since, alone)):
            rows = fresh().tie_rows("names", sources=SOCIAL_TIE_SOURCES, as_of=as_of)
            g = nx.Graph((a, b) for a, b, *_ in rows)
            hops = nx.single_source_shortest_path_length(g, me, cutoff=3) if me in g else {}
            for name, d in (("second_degree", 2), ("third_degree", 3)):
                assert figures[name] == sum(1 for h in hops.values() if h == d), (as_of, name)
        # the month changed something in the demo: the comparison is not of equals
        assert any(v for v in found.month.deltas.values())
