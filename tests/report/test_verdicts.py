"""A report section gives a verdict only from the data it says it needs, and
shows strengths as the ties command does."""

import io

import numpy as np
from rich.console import Console

from tests.support import viewer_of
from weakties.graph import Graph
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.records import to_json
from weakties.report import value
from weakties.report.text import print_report
from weakties.service.report import network_report
from weakties.service.ties import infer
from weakties.words import format_strength


def _ego(contacts: int, linked: int) -> Graph:
    """Node 0 (person 100) tied to ``contacts`` contacts, the first ``linked`` of
    them in pairs (ties among contacts)."""
    u = [0] * contacts
    v = list(range(1, contacts + 1))
    for a in range(1, linked, 2):
        u.append(a)
        v.append(a + 1)
    g = Graph.from_edges(np.array(u), np.array(v))
    return g.with_labels(np.arange(100, 100 + g.n_nodes, dtype=np.int64))


def test_brokerage_gives_no_verdict_from_ties_among_a_few_contacts():
    few = value._brokerage(_ego(44, 10), 100)  # 10 of 44 linked: not most
    assert few["missing"].startswith("not enough data: ties known among 10 of your 44")
    assert few["constraint"] is None and few["efficiency"] is None
    most = value._brokerage(_ego(44, 24), 100)
    assert most["missing"] is None and most["constraint"] is not None


class _Scores:
    def __init__(self, people: list[int], score: float):
        self.people = people
        self.score = np.full(len(people), score)

    def __len__(self) -> int:
        return len(self.people)

    def other(self, i: int) -> int:
        return self.people[i]

    def model_of(self, i: int) -> str:
        return "default"

    def breakdown(self, i: int) -> dict:
        z = round(float(np.log(self.score[i] / (1 - self.score[i]))), 2)
        return {"base": z, "total": z, "score": float(self.score[i]), "parts": []}


class _Reader:
    def current_jobs(self, people):
        return {}

    def names(self, people):
        return {p: f"P{p}" for p in people}


def test_circle_and_only_way_strengths_read_as_the_ties_command_says_them():
    # two triangles of contacts, and one person beyond reached through one contact only
    u = [0, 0, 0, 0, 0, 0, 1, 2, 1, 4, 5, 4, 1]
    v = [1, 2, 3, 4, 5, 6, 2, 3, 3, 5, 6, 6, 7]
    g = Graph.from_edges(np.array(u), np.array(v)).with_labels(np.arange(100, 108))
    weak = 0.0004
    circles = value._circles(_Reader(), g, 100, _Scores(list(range(101, 107)), weak))
    assert circles["missing"] is None
    shown = {c["strongest_tie"]["score"] for c in circles["circles"]}
    shown |= {b["strength"] for b in circles["only_way_in"]["brokers"]}
    assert {format_strength(s) for s in shown} == {format_strength(weak)} == {"<0.001"}


def test_reach_does_not_say_no_ties_are_known_when_ties_among_contacts_are(store, samples):
    import_linkedin(store, samples / "export-2022-09", "me")
    with store.engine.begin() as conn:
        viewer = viewer_of(conn, "me")
        assert sum(infer(conn, viewer).ties.values())
        report = to_json(network_report(conn, viewer, remember=False))
    missing = report["reach"]["missing"]
    assert missing.startswith("not enough data: ") and "none of their ties" not in missing
    assert "among your contacts" in missing
    out = io.StringIO()
    print_report(report, Console(file=out, width=400, color_system=None))
    assert "none of their ties" not in out.getvalue()
